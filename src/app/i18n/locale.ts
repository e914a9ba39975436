/**
 * Which language the page speaks, decided once at start: the URL's `?lang=` (a link a teacher
 * shares), then the reader's last choice (localStorage), then the browser's languages, then English.
 * Plain functions of their inputs, so the rule is tested without a browser; locale.svelte.ts holds
 * the reactive state the catalogues read.
 */
import { baseLocale, locales, type Locale } from '../../paraglide/runtime.js';

export type { Locale };
export { baseLocale, locales };

/** The URL parameter that carries the language: `http://host/?lang=zh-CN#/lesson`. */
export const LANG_PARAM = 'lang';
/** Where the reader's choice is kept. */
export const LANG_STORAGE_KEY = 'framescope.lang';

/** "zh-CN", "zh", "zh-Hans-CN", "zh-SG" → "zh-CN"; "en-GB" → "en"; anything else → undefined. */
export function matchLocale(tag: string | null | undefined): Locale | undefined {
  if (!tag) return undefined;
  const lower = tag.trim().toLowerCase();
  const exact = locales.find((locale) => locale.toLowerCase() === lower);
  if (exact) return exact;
  // Traditional Chinese (zh-TW, zh-HK, zh-Hant) is not Simplified: English is the closer fallback
  // than a script the reader may not read comfortably.
  if (lower.startsWith('zh')) return /hant|-tw|-hk|-mo/.test(lower) ? undefined : 'zh-CN';
  const primary = lower.split('-')[0];
  return locales.find((locale) => locale.toLowerCase() === primary);
}

export interface LocaleSources {
  /** `location.search`. */
  search: string;
  /** `localStorage.getItem(LANG_STORAGE_KEY)`, or null. */
  stored: string | null;
  /** `navigator.languages`, most preferred first. */
  languages: readonly string[];
}

/** The language to start in, and where it came from. */
export function detectLocale(sources: LocaleSources): { locale: Locale; from: 'url' | 'storage' | 'browser' | 'default' } {
  const fromUrl = matchLocale(new URLSearchParams(sources.search).get(LANG_PARAM));
  if (fromUrl) return { locale: fromUrl, from: 'url' };
  const fromStorage = matchLocale(sources.stored);
  if (fromStorage) return { locale: fromStorage, from: 'storage' };
  for (const language of sources.languages) {
    const match = matchLocale(language);
    if (match) return { locale: match, from: 'browser' };
  }
  return { locale: baseLocale, from: 'default' };
}

/** `href` with `?lang=` set to `locale` (the hash route and other parameters kept). */
export function hrefWithLocale(href: string, locale: Locale): string {
  const url = new URL(href);
  url.searchParams.set(LANG_PARAM, locale);
  return url.toString();
}
