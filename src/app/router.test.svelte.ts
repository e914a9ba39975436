import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import { withEffectRoot } from '../../tests/helpers/effect-root.svelte';
import { Router, type HashSource } from './router.svelte';

function fakeWindow(hash: string): HashSource & { go(next: string): void } {
  const target = new EventTarget();
  const location = { hash };
  return Object.assign(target, {
    location,
    go(next: string) {
      location.hash = next;
      target.dispatchEvent(new Event('hashchange'));
    },
  });
}

describe('Router', () => {
  it('starts on the page the hash names', () => {
    const router = new Router(fakeWindow('#/decode?hex=8100'));
    expect(router.route.name).toBe('decode');
    expect(router.route.query).toEqual({ hex: '8100' });
    router.destroy();
  });

  it('follows hashchange, and effects that read the route rerun', () => {
    const win = fakeWindow('');
    const router = new Router(win);
    const seen: string[] = [];
    withEffectRoot(() => {
      $effect(() => {
        seen.push(router.route.name);
      });
      flushSync();
      win.go('#/chat');
      flushSync();
      win.go('#/nowhere');
      flushSync();
    });
    expect(seen).toEqual(['playground', 'chat', 'not-found']);
    router.destroy();
  });

  it('stops listening after destroy()', () => {
    const win = fakeWindow('#/');
    const router = new Router(win);
    router.destroy();
    win.go('#/chat');
    expect(router.route.name).toBe('playground');
  });
});
