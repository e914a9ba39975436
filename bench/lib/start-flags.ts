/**
 * The node flags `npm start` runs our server with (package.json's `start` script), so the
 * benchmark's server processes run as the product does: today `--initial-old-space-size=64`
 * (docs/server.md: without it V8 starts the old generation so small that a server echoing 64 KiB
 * messages runs back-to-back full collections; measured in the bench, about twice the CPU per
 * round trip). ws's servers run with plain node, as a ws user's would.
 */
import { readFileSync } from 'node:fs';

/** The `--flags` between `node` and the script in package.json's `start` script. */
export function startFlags(packageJson = new URL('../../package.json', import.meta.url)): string[] {
  const scripts = (JSON.parse(readFileSync(packageJson, 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {};
  const words = (scripts.start ?? '').trim().split(/\s+/);
  if (words[0] !== 'node') return [];
  const flags: string[] = [];
  for (const word of words.slice(1)) {
    if (!word.startsWith('--')) break;
    flags.push(word);
  }
  return flags;
}
