import { configDefaults, defineConfig, mergeConfig } from 'vitest/config';
import viteConfig from './vite.config.js';

const exclude = [...configDefaults.exclude, 'dist/**', 'coverage/**'];

// `npm test` runs every project; one alone: `npx vitest run --project node` (or app, e2e).
export default mergeConfig(
  viteConfig,
  defineConfig({
    test: {
      projects: [
        {
          // Protocol, server, CLI, bench helpers: plain Node.
          extends: true,
          test: {
            name: 'node',
            environment: 'node',
            include: ['tests/**/*.test.ts', 'src/**/*.test.ts'],
            exclude: [...exclude, 'tests/e2e/**', 'src/app/**'],
          },
        },
        {
          // The app's logic and *.svelte.ts state modules: runes compiled for the browser, run in Node.
          extends: true,
          resolve: { conditions: ['browser'] },
          test: {
            name: 'app',
            environment: './tests/setup/svelte-client-environment.ts',
            include: ['src/app/**/*.test.ts', 'src/**/*.test.svelte.ts', 'tests/**/*.test.svelte.ts'],
            exclude: [...exclude, 'tests/e2e/**'],
          },
        },
        {
          // Chromium against the built app (tests/e2e/browser.ts); the build runs once per run.
          extends: true,
          test: {
            name: 'e2e',
            environment: 'node',
            include: ['tests/e2e/**/*.test.ts'],
            exclude,
            globalSetup: ['tests/e2e/global-setup.ts'],
            testTimeout: 60_000,
            hookTimeout: 120_000,
          },
        },
      ],
    },
  }),
);
