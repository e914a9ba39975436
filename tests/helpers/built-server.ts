/**
 * The server as `npm run build` compiles it (tsconfig.server.json) and `npm start` runs it: a
 * temporary tree with bin/framescope.js and dist-server/, run by plain node, no TypeScript loader.
 * For the tests of `npm start` (tests/server/main.test.ts) and those that need several real server
 * processes (tests/helpers/server-process.ts). One compile takes a few seconds: build it in a
 * `beforeAll` with a long enough timeout, and `remove()` it in the `afterAll`.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

export const ROOT = path.resolve(__dirname, '../..');

export interface ServerBuild {
  /** The tree: bin/ and dist-server/ in it, as `npm run build` leaves them, and a link to node_modules/. */
  readonly dir: string;
  /** bin/framescope.js in it: what `npm start` runs. */
  readonly bin: string;
  remove(): void;
}

/** Compiles the server into a new temporary tree (what `npm run build` does, without the app). */
export async function buildServer(): Promise<ServerBuild> {
  const dir = mkdtempSync(path.join(tmpdir(), 'framescope-start-'));
  try {
    const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
    await promisify(execFile)(process.execPath, [tsc, '-p', 'tsconfig.server.json', '--outDir', path.join(dir, 'dist-server')], { cwd: ROOT });
    cpSync(path.join(ROOT, 'bin'), path.join(dir, 'bin'), { recursive: true });
    // Its packages (redis) come from the repository's node_modules, as for dist-server/ built there.
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return { dir, bin: path.join(dir, 'bin/framescope.js'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The environment of a spawned server: this one's, with no NODE_OPTIONS (nothing can slip tsx in)
 * and no REDIS_URL (the machine's Redis must not move the chat room there), then `extra` (a value
 * of undefined removes the variable).
 */
export function serverEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: undefined, REDIS_URL: undefined, ...extra };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  return env;
}
