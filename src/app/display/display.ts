/**
 * The page's display settings as plain values: the text size and the colour theme a reader picked
 * (kept across reloads in localStorage), and projector mode (`?projector` in the address, so a
 * reload or a shared link keeps it). Pure functions: the rune state (display.svelte.ts) applies
 * them to the document.
 */
import * as m from '../../paraglide/messages.js';

export type Theme = 'auto' | 'light' | 'dark';
/** The themes, each with its name as a message function (called where it is shown). */
export const THEMES: readonly { value: Theme; label: () => string }[] = [
  { value: 'auto', label: m.app_display_theme_auto },
  { value: 'light', label: m.app_display_theme_light },
  { value: 'dark', label: m.app_display_theme_dark },
];

/** Text sizes in percent of the page's normal size. */
export const TEXT_SIZES: readonly number[] = [90, 100, 115, 130, 150, 175];
export const DEFAULT_TEXT_SIZE = 100;

export interface StoredDisplay {
  theme: Theme;
  textSize: number;
}

export const DEFAULT_DISPLAY: StoredDisplay = { theme: 'auto', textSize: DEFAULT_TEXT_SIZE };

/** The localStorage key. */
export const DISPLAY_KEY = 'framescope.display';

/** Reads what was stored; anything missing, unknown or broken falls back to the default. */
export function parseDisplay(text: string | null): StoredDisplay {
  if (text === null) return DEFAULT_DISPLAY;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return DEFAULT_DISPLAY;
  }
  if (typeof value !== 'object' || value === null) return DEFAULT_DISPLAY;
  const record = value as Record<string, unknown>;
  const theme = THEMES.some((t) => t.value === record['theme']) ? (record['theme'] as Theme) : DEFAULT_DISPLAY.theme;
  const size = record['textSize'];
  const textSize = typeof size === 'number' && TEXT_SIZES.includes(size) ? size : DEFAULT_DISPLAY.textSize;
  return { theme, textSize };
}

export function serializeDisplay(display: StoredDisplay): string {
  return JSON.stringify({ theme: display.theme, textSize: display.textSize });
}

/** The next larger or smaller text size (the A+ / A- buttons); the same at either end. */
export function stepTextSize(current: number, direction: 1 | -1): number {
  const index = TEXT_SIZES.indexOf(current);
  const from = index === -1 ? TEXT_SIZES.indexOf(DEFAULT_TEXT_SIZE) : index;
  return TEXT_SIZES[Math.max(0, Math.min(TEXT_SIZES.length - 1, from + direction))]!;
}

/**
 * Does the address ask for projector mode? `?projector` before the hash (`/?projector#/`) or in
 * the hash's query (`#/?projector`); `projector=0` (or off, false, no) says no.
 */
export function projectorRequested(search: string, hash: string): boolean | null {
  const hashQuery = hash.includes('?') ? hash.slice(hash.indexOf('?') + 1) : '';
  for (const query of [hashQuery, search.replace(/^\?/, '')]) {
    const params = new URLSearchParams(query);
    if (!params.has('projector')) continue;
    const value = (params.get('projector') ?? '').trim().toLowerCase();
    return !['0', 'off', 'false', 'no'].includes(value);
  }
  return null;
}

/** The hash with `projector` set in its query (on) or taken out (off), the rest kept. */
export function hashWithProjector(hash: string, on: boolean): string {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  const q = raw.indexOf('?');
  const path = (q === -1 ? raw : raw.slice(0, q)) || '/';
  const params = new URLSearchParams(q === -1 ? '' : raw.slice(q + 1));
  params.delete('projector');
  // `projector` alone reads best in an address bar: `#/?projector`.
  const rest = params.toString();
  const query = on ? (rest ? `${rest}&projector` : 'projector') : rest;
  return `#${path}${query ? `?${query}` : ''}`;
}

/** The address (path, query, hash) with projector mode said in the hash only: `/page/#/?projector`. */
export function addressWithProjector(location: { pathname: string; search: string; hash: string }, on: boolean): string {
  const params = new URLSearchParams(location.search);
  params.delete('projector');
  const search = params.toString();
  return `${location.pathname}${search ? `?${search}` : ''}${hashWithProjector(location.hash, on)}`;
}
