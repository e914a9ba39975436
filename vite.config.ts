import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig, type Plugin } from 'vite';
import { framescopeDevPlugin, optionsFromEnv } from './server/vite-plugin.ts';

/**
 * The static build also opens from a file:// path (a teacher double-clicking dist/index.html):
 * browsers refuse module scripts and CORS-mode stylesheets from file://, so the build is one
 * classic, deferred script (no code splitting) and no `crossorigin` attributes.
 */
function classicScriptForFileUrls(): Plugin {
  return {
    name: 'framescope:classic-script',
    apply: 'build',
    enforce: 'post',
    transformIndexHtml: {
      order: 'post',
      handler: (html) =>
        html
          .replace(/<script type="module" crossorigin /g, '<script defer ')
          .replace(/ crossorigin(?=[ >])/g, ''),
    },
  };
}

export default defineConfig({
  plugins: [
    // The message catalogues (messages/<locale>/<area>.json) compiled to src/paraglide/ on start
    // and on every change; `npm run i18n` does the same outside Vite (svelte-check, tsc).
    paraglideVitePlugin({ project: './project.inlang', outdir: './src/paraglide', emitTsDeclarations: true }),
    svelte(),
    classicScriptForFileUrls(),
    // /echo, /chat, /inspect on the dev and preview servers' own port (server/vite-plugin.ts);
    // FRAMESCOPE_CLASS=1 npm run dev turns class mode on, as npm start -- --class does.
    framescopeDevPlugin(optionsFromEnv(process.env)),
  ],
  // Relative asset URLs: the static build works from any host, any sub-path, and file://.
  base: './',
  publicDir: 'static',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: false,
    cssCodeSplit: false,
    rolldownOptions: {
      output: { format: 'iife', codeSplitting: false },
    },
  },
});
