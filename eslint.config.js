// @ts-check
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

// Bare names ('fs'); the 'node:*' forms are caught by a pattern below.
const nodeBuiltins = builtinModules.filter((name) => !name.startsWith('node:'));

// DESIGN.md, "the one rule": src/protocol is sans-I/O; server/ and src/app/ never import each other.
// src/wire (the JSON formats of our own endpoints, shared by server/ and src/app/) and src/capture
// (pcap/pcapng and the JSON capture, used by the page, the CLI and the server) are held to the same
// purity as src/protocol, so every side may import them.
const protocolImports = {
  paths: [
    ...nodeBuiltins.map((name) => ({ name, message: 'src/protocol, src/wire and src/capture are sans-I/O: no Node APIs.' })),
    ...['ws', 'svelte', 'vite', 'playwright-core'].map((name) => ({
      name,
      message: 'src/protocol, src/wire and src/capture import no packages.',
    })),
  ],
  patterns: [
    { group: ['node:*'], message: 'src/protocol, src/wire and src/capture are sans-I/O: no Node APIs.' },
    { group: ['svelte/*'], message: 'src/protocol, src/wire and src/capture stay rune-free; the app wraps them.' },
    {
      regex: '^(\\.\\.?/)+(.*/)?(app|server|cli)(/|$)',
      message: 'src/protocol, src/wire and src/capture import nothing from src/app, src/cli or server/.',
    },
  ],
};

const protocolGlobals = [
  ...['window', 'self', 'document', 'navigator', 'location', 'localStorage', 'sessionStorage'].map(
    (name) => ({ name, message: 'src/protocol, src/wire and src/capture are sans-I/O: no DOM.' }),
  ),
  ...['Buffer', 'process', 'global', 'require', 'module', '__dirname', '__filename'].map((name) => ({
    name,
    message: 'src/protocol, src/wire and src/capture are sans-I/O: no Node APIs (use Uint8Array, TextEncoder, TextDecoder).',
  })),
  ...[
    'setTimeout',
    'setInterval',
    'setImmediate',
    'clearTimeout',
    'clearInterval',
    'clearImmediate',
    'queueMicrotask',
    'requestAnimationFrame',
    'performance',
    'Date',
  ].map((name) => ({ name, message: 'src/protocol, src/wire and src/capture have no timers or clocks: the caller passes time in.' })),
  ...['fetch', 'WebSocket', 'XMLHttpRequest', 'EventSource'].map((name) => ({
    name,
    message: 'src/protocol, src/wire and src/capture have no sockets: bytes in, bytes out.',
  })),
];

const protocolProperties = [
  { object: 'Math', property: 'random', message: 'src/protocol, src/wire and src/capture have no randomness: the caller passes a masking key.' },
  ...['setTimeout', 'setInterval', 'Buffer', 'process', 'window', 'document', 'performance', 'Date'].map(
    (property) => ({ object: 'globalThis', property, message: 'src/protocol, src/wire and src/capture are sans-I/O.' }),
  ),
];

export default defineConfig(
  { ignores: ['src/paraglide/', 'dist/', 'dist-server/', 'node_modules/', 'coverage/', 'static/', 'test-results/', 'docs/screenshots/'] },

  js.configs.recommended,
  tseslint.configs.recommended,
  svelte.configs.recommended,

  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      // A byte lab matches control characters on purpose (hex dumps' ASCII column, payload text).
      'no-control-regex': 'off',
      // A SvelteKit rule (resolve() for links); this app is plain Svelte with hash routes.
      'svelte/no-navigation-without-resolve': 'off',
    },
  },

  // Svelte components and *.svelte.ts state modules: TypeScript inside the Svelte parser.
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: {
        projectService: false,
        extraFileExtensions: ['.svelte'],
        parser: tseslint.parser,
        svelteConfig,
      },
    },
  },

  // Where each kind of code runs.
  { files: ['src/app/**'], languageOptions: { globals: globals.browser } },
  {
    files: ['server/**', 'conformance/**', 'bin/**', 'bench/**', 'scripts/**', 'tests/**', 'src/cli/**', '*.config.{js,ts}'],
    languageOptions: { globals: globals.node },
  },

  // The one rule (and src/wire and src/capture, which the other folders import, under the same purity).
  {
    files: ['src/protocol/**/*.ts', 'src/wire/**/*.ts', 'src/capture/**/*.ts'],
    ignores: ['src/protocol/**/*.test.ts', 'src/wire/**/*.test.ts', 'src/capture/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', protocolImports],
      'no-restricted-globals': ['error', ...protocolGlobals],
      'no-restricted-properties': ['error', ...protocolProperties],
    },
  },
  // src/compare: the comparison's runner, which both the page and `npm run compare` run: web
  // standards only (fetch, timers; sockets come through adapters), nothing from the others.
  {
    files: ['src/compare/**/*.ts'],
    ignores: ['src/compare/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'src/compare runs in the browser too: no Node APIs.' })),
          patterns: [
            { group: ['node:*', 'ws'], message: 'src/compare runs in the browser too: the environment brings its sockets.' },
            { regex: '^(\\.\\.?/)+(.*/)?(app|server|cli)(/|$)', message: 'src/compare imports only src/wire.' },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...['Buffer', 'process', 'window', 'document', 'WebSocket', 'EventSource'].map((name) => ({
          name,
          message: 'src/compare runs in the browser and in Node: use what the environment passes in.',
        })),
      ],
    },
  },
  // src/capture uses the codec as any other caller does: through src/protocol/index.ts, never its
  // inner files. (The typescript-eslint twin, so the purity options above still apply here.)
  {
    files: ['src/capture/**/*.ts'],
    ignores: ['src/capture/**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./protocol/(?!index\\.ts$)',
              message: 'src/capture imports the codec from ../protocol/index.ts only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['server/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '(^|/)src/app(/|$)', message: 'server/ never imports src/app/ (DESIGN.md).' },
            { group: ['svelte', 'svelte/*'], message: 'server/ never imports Svelte.' },
          ],
        },
      ],
    },
  },
  // The grader (conformance/, DESIGN.md): Node, raw TCP, frames through src/protocol; never the app.
  {
    files: ['conformance/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['ws', 'svelte', 'vite', 'playwright-core'].map((name) => ({
            name,
            message: 'conformance/ speaks WebSocket through src/protocol over node:net, nothing else.',
          })),
          patterns: [
            { regex: '(^|/)src/app(/|$)', message: 'conformance/ never imports src/app/ (DESIGN.md).' },
            { regex: '^(\\.\\./)+server(/|$)', message: 'conformance/ never imports server/: the server runs the grader, not the reverse.' },
            { group: ['svelte/*'], message: 'conformance/ never imports Svelte.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/app/**/*.{ts,svelte}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'src/app runs in the browser: no Node APIs.' })),
          patterns: [
            { regex: '^(\\.\\./)+(.*/)?server(/|$)', message: 'src/app/ never imports server/ (DESIGN.md).' },
            { group: ['node:*'], message: 'src/app runs in the browser: no Node APIs.' },
            { group: ['ws'], message: 'src/app uses the browser WebSocket, not ws.' },
          ],
        },
      ],
    },
  },
  // The app's shared folders (components, the socket layer, the inspector client, saving captures) take what a page
  // knows as props or arguments; they never reach into a page's folder. (The typescript-eslint twin
  // of no-restricted-imports, so the src/app/** options above still apply here.)
  {
    files: ['src/app/{components,socket,inspector,capture}/**/*.{ts,svelte}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+(playground|chat|decoder)(/|$)',
              message: 'src/app/components, socket, inspector and capture are shared: they import no page folder (playground, chat, decoder).',
            },
          ],
        },
      ],
    },
  },
);
