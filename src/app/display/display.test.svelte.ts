import { describe, expect, it } from 'vitest';
import { DISPLAY_KEY } from './display';
import { DisplaySettings, type DisplayHost } from './display.svelte';

// Plain maps stand in for the browser's storage and style: nothing here is reactive state.
/* eslint-disable svelte/prefer-svelte-reactivity */
function host(stored: string | null = null, hash = '#/', search = '') {
  const store = new Map<string, string>();
  if (stored !== null) store.set(DISPLAY_KEY, stored);
  const dataset: Record<string, string> = {};
  const style = new Map<string, string>();
  const urls: string[] = [];
  const location = { pathname: '/', search, hash };
  const fake: DisplayHost = {
    storage: { getItem: (key) => store.get(key) ?? null, setItem: (key, value) => void store.set(key, value) },
    root: { dataset, style: { setProperty: (name: string, value: string) => void style.set(name, value) } } as unknown as HTMLElement,
    location,
    history: { replaceState: (_data, _unused, url) => void urls.push(String(url)) },
  };
  return { fake, store, dataset, style, urls, location };
}
/* eslint-enable svelte/prefer-svelte-reactivity */

describe('DisplaySettings', () => {
  it('applies what was stored on the root element: data-theme and --text-scale', () => {
    const h = host('{"theme":"dark","textSize":130}');
    const display = new DisplaySettings(h.fake);
    expect(display.theme).toBe('dark');
    expect(h.dataset['theme']).toBe('dark');
    expect(h.style.get('--text-scale')).toBe('1.3');
    expect(h.dataset['projector']).toBeUndefined();
  });

  it('keeps a change across reloads (localStorage), and "auto" leaves the system to decide', () => {
    const h = host();
    const display = new DisplaySettings(h.fake);
    display.theme = 'light';
    display.bigger();
    expect(JSON.parse(h.store.get(DISPLAY_KEY)!)).toEqual({ theme: 'light', textSize: 115 });
    const reloaded = new DisplaySettings(h.fake);
    expect([reloaded.theme, reloaded.textSize]).toEqual(['light', 115]);
    reloaded.theme = 'auto';
    expect(h.dataset['theme']).toBeUndefined();
  });

  it('works without storage (refused), for the visit', () => {
    const h = host();
    const display = new DisplaySettings({
      ...h.fake,
      storage: {
        getItem: () => {
          throw new Error('SecurityError');
        },
        setItem: () => {
          throw new Error('QuotaExceededError');
        },
      },
    });
    display.smaller();
    expect(display.textSize).toBe(90);
    expect(h.style.get('--text-scale')).toBe('0.9');
  });

  it('turns projector mode on from ?projector and says so in the address, without a history entry', () => {
    const h = host(null, '#/?projector');
    const display = new DisplaySettings(h.fake);
    expect(display.projector).toBe(true);
    expect(h.dataset['projector']).toBe('');
    display.projector = false;
    expect(h.dataset['projector']).toBeUndefined();
    expect(h.urls).toEqual(['/#/']);
    // A link to #/?projector while the page is open.
    h.location.hash = '#/?projector';
    display.follow();
    expect(display.projector).toBe(true);
  });
});
