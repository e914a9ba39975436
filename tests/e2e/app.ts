/** The built app (global-setup.ts), served statically for the enclosing `describe`. */
import { inject } from 'vitest';
import type {} from './app-build';
import { useStaticServer } from './static-server';

/** The folder global-setup.ts built the app into; use inside hooks and tests. */
export function builtAppDir(): string {
  const dir = inject('framescopeAppDir');
  if (!dir) throw new Error('the app was not built (e2e global setup skipped: no Chromium?)');
  return dir;
}

/**
 * Serves the static build on 127.0.0.1 for the enclosing `describe` (beforeAll / afterAll).
 * `app.url('#/decode')` is `http://127.0.0.1:PORT/index.html#/decode`.
 */
export function useBuiltApp(): { url(hash?: string): string } {
  const server = useStaticServer(builtAppDir);
  return {
    url: (hash = '') => `${server.url}/index.html${hash}`,
  };
}
