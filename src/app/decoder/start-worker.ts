/**
 * Starts one of the decoder page's Web Workers from the URL a `?worker&url` import gives. The
 * build makes each worker one classic script (the app itself is one classic script, so it opens
 * from file:// too). Vite's dev server serves a worker as an ES module, which a classic Worker
 * cannot run (its `import` lines are a syntax error): there the worker starts as a module.
 */
export function startWorker(url: string, name: string): Worker {
  if (import.meta.env.DEV) return new Worker(url.replace('type=classic', 'type=module'), { name, type: 'module' });
  return new Worker(url, { name });
}
