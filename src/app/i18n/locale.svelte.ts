/**
 * The page's language as reactive state. Paraglide's compiled messages call `getLocale()` each
 * time they run; pointing it at a `$state` makes every `m.key()` in markup or in a `$derived`
 * re-run when the reader switches language: no reload, so a live connection and its frames stay.
 *
 * `startLocale()` runs once in main.ts before the app mounts; `setLanguage()` is the header's switch.
 */
import { overwriteGetLocale, overwriteSetLocale } from '../../paraglide/runtime.js';
import { baseLocale, detectLocale, hrefWithLocale, LANG_STORAGE_KEY, type Locale } from './locale';

let current = $state<Locale>(baseLocale);

overwriteGetLocale(() => current);
overwriteSetLocale((locale) => setLanguage(locale));

/** The language the page speaks now (reactive). */
export function language(): Locale {
  return current;
}

function storage(win: Window): Storage | null {
  try {
    return win.localStorage;
  } catch {
    return null; // storage blocked (a private window's policy, file:// in some browsers)
  }
}

/** Decide the language from the URL, the stored choice and the browser, and apply it. */
export function startLocale(win: Window = window): Locale {
  const { locale } = detectLocale({
    search: win.location.search,
    stored: storage(win)?.getItem(LANG_STORAGE_KEY) ?? null,
    languages: win.navigator.languages ?? [win.navigator.language],
  });
  apply(locale, win);
  return locale;
}

/** Switch language: kept in the URL (`?lang=`, shareable) and in localStorage (the next visit). */
export function setLanguage(locale: Locale, win: Window = window): void {
  apply(locale, win);
  try {
    storage(win)?.setItem(LANG_STORAGE_KEY, locale);
  } catch {
    // quota or policy: the URL still carries the choice
  }
  const next = hrefWithLocale(win.location.href, locale);
  if (next !== win.location.href) win.history.replaceState(win.history.state, '', next);
}

function apply(locale: Locale, win: Window): void {
  current = locale;
  win.document.documentElement.lang = locale;
}
