// Where Chromium is. No vitest import here: global-setup.ts (main process) uses it too.
import { existsSync } from 'node:fs';
import { findFirefox } from './firefox';

export const CHROMIUM_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/opt/google/chrome/chrome',
] as const;

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
] as const;

export const MISSING = 'no Chromium found; set CHROME_PATH or apt-get install chromium';

/** `CHROME_PATH` if it names a file, else the first Chromium or Chrome found, else null. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates = [env['CHROME_PATH'], ...CHROMIUM_PATHS];
  return candidates.find((path): path is string => !!path && existsSync(path)) ?? null;
}

/** Browser tests run here: a Chromium or a Firefox is found, or CI=true (where a missing one must fail). */
export function browserTestsWillRun(env: NodeJS.ProcessEnv = process.env): boolean {
  return findChromium(env) !== null || findFirefox(env) !== null || env['CI'] === 'true';
}
