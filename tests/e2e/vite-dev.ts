/**
 * `npm run dev` for a test file: Vite's dev server with the repository's own config (the endpoints
 * included), on 127.0.0.1 and a free port, its cache in a temporary directory, stopped after the
 * file. `dev.port` is the port once `beforeAll` has run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export function useViteDev(prefix: string): { readonly port: number } {
  let vite: ViteDevServer | undefined;
  let cacheDir = '';
  const dev = { port: 0 };
  beforeAll(async () => {
    cacheDir = mkdtempSync(path.join(tmpdir(), prefix));
    process.env['FRAMESCOPE_QUIET'] = '1';
    try {
      vite = await createServer({
        root: repoRoot,
        configFile: path.join(repoRoot, 'vite.config.ts'),
        cacheDir,
        logLevel: 'silent',
        clearScreen: false,
        server: { host: '127.0.0.1', port: 0, strictPort: false },
      });
      await vite.listen();
    } finally {
      delete process.env['FRAMESCOPE_QUIET'];
    }
    dev.port = (vite.httpServer!.address() as AddressInfo).port;
  }, 120_000);
  afterAll(async () => {
    await vite?.close();
    if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
  });
  return dev;
}
