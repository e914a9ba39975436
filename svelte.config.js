// Read by @sveltejs/vite-plugin-svelte, svelte-check and eslint-plugin-svelte.
/** @type {import('@sveltejs/vite-plugin-svelte').SvelteConfig} */
export default {
  compilerOptions: {
    // Svelte 5 runes everywhere: no `export let`, no `$:`, no stores by accident.
    runes: true,
  },
};
