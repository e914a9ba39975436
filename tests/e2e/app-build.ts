/**
 * Builds the app for e2e tests. global-setup.ts calls it once per `vitest run` and hands the folder
 * to test files as `inject('framescopeAppDir')` (see app.ts). No runtime vitest import here: this
 * runs in Vitest's main process.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Folder of the static build, or '' when browser tests are skipped (no Chromium). */
    framescopeAppDir: string;
  }
}

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** `vite build` of the app into `outDir`, with the project's vite.config.ts. */
export async function buildApp(outDir: string): Promise<void> {
  await build({
    root: repoRoot,
    configFile: fileURLToPath(new URL('../../vite.config.ts', import.meta.url)),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
}
