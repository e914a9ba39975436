import type { Environment } from 'vitest/environments';

/**
 * Node's globals, but modules go through Vite's *client* environment: Svelte compiles
 * `*.svelte.ts` for the browser and resolves its client runtime, so `$effect` and `flushSync`
 * really run. Vitest's built-in `node` environment would compile for the server, where effects
 * never run.
 */
const environment: Environment = {
  name: 'svelte-client',
  viteEnvironment: 'client',
  setup() {
    return { teardown() {} };
  },
};

export default environment;
