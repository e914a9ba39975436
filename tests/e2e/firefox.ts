// Where Firefox is (Debian's firefox-esr). No vitest import here: global-setup.ts uses it too.
import { existsSync } from 'node:fs';

export const FIREFOX_PATHS = ['/usr/bin/firefox-esr', '/usr/bin/firefox', '/usr/lib/firefox-esr/firefox-esr'] as const;

export const FIREFOX_MISSING = 'no Firefox found; set FIREFOX_PATH or apt-get install firefox-esr';

/** `FIREFOX_PATH` if it names a file, else the first Firefox found, else null. */
export function findFirefox(env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates = [env['FIREFOX_PATH'], ...FIREFOX_PATHS];
  return candidates.find((path): path is string => !!path && existsSync(path)) ?? null;
}
