/**
 * Runs `fn` inside `$effect.root`, so the code under test may create effects, then tears the root
 * down, even when `fn` throws. Use in `*.test.svelte.ts` files, with `flushSync()` to run pending
 * effects.
 */
export function withEffectRoot(fn: () => void): void {
  let error: unknown = null;
  let failed = false;
  const cleanup = $effect.root(() => {
    try {
      fn();
    } catch (caught) {
      failed = true;
      error = caught;
    }
  });
  cleanup();
  if (failed) throw error;
}
