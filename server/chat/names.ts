/**
 * Nicknames: validation, the case-insensitive key that makes them unique, suggestions for a
 * newcomer or for a taken name, and each name's stable colour. Plain functions, no I/O.
 */

export const NAME_MAX_LENGTH = 24;

export type NameProblem = 'name-empty' | 'name-too-long' | 'name-invalid';

export type NameCheck = { ok: true; name: string } | { ok: false; code: NameProblem; reason: string };

/** C0 and C1 controls, DEL, format characters (bidi overrides, zero-width), line/paragraph separators. */
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/** Code points, not UTF-16 units: an emoji counts as one character. */
export function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/**
 * Checks a nickname as sent: trimmed, runs of spaces inside become one space, then it must be
 * 1–24 characters with no control characters, and not start with `@` (that marks a private message).
 */
export function checkNickname(raw: string): NameCheck {
  const name = raw.trim().replace(/\s+/gu, ' ').normalize('NFC');
  const forbidden = FORBIDDEN.exec(raw.trim());
  if (forbidden) {
    const codePoint = forbidden[0].codePointAt(0) ?? 0;
    return {
      ok: false,
      code: 'name-invalid',
      reason: `A nickname cannot contain control characters (found ${unicodeName(codePoint)}).`,
    };
  }
  if (name.length === 0) {
    return { ok: false, code: 'name-empty', reason: 'A nickname needs at least one character.' };
  }
  const length = characterCount(name);
  if (length > NAME_MAX_LENGTH) {
    return {
      ok: false,
      code: 'name-too-long',
      // Quoted so the sender sees which name was meant; cut, so a huge name is not sent back whole.
      reason: `A nickname has at most ${NAME_MAX_LENGTH} characters; “${[...name].slice(0, 40).join('')}${length > 40 ? '…' : ''}” has ${length}.`,
    };
  }
  if (name.startsWith('@')) {
    return {
      ok: false,
      code: 'name-invalid',
      reason: 'A nickname cannot start with “@”: that marks a private message.',
    };
  }
  return { ok: true, name };
}

/** `U+0007` style. */
export function unicodeName(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * The key two nicknames share when they are "the same name": compatibility-normalized (so a
 * full-width `ａｌｉｃｅ` is `alice`) and lower-cased.
 */
export function nameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase();
}

/**
 * A free variant of a taken name: `alice-2`, `alice-3`, …, cut short so it stays within 24
 * characters. `isTaken` receives a nickname and answers for its key.
 */
export function suggestFreeName(name: string, isTaken: (candidate: string) => boolean): string {
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const base = Array.from(name)
      .slice(0, NAME_MAX_LENGTH - suffix.length)
      .join('')
      .trimEnd();
    const candidate = `${base}${suffix}`;
    if (!isTaken(candidate)) return candidate;
  }
}

/** `guest-7f3a`: four hex digits from `randomHex`, retried until free (then five, six, … digits). */
export function suggestGuestName(randomHex: (digits: number) => string, isTaken: (candidate: string) => boolean): string {
  for (let attempt = 0; ; attempt++) {
    const digits = 4 + Math.floor(attempt / 16);
    const candidate = `guest-${randomHex(Math.min(digits, NAME_MAX_LENGTH - 6))}`;
    if (!isTaken(candidate)) return candidate;
    if (attempt > 1000) return suggestFreeName(candidate, isTaken);
  }
}

/**
 * Twelve colours of distinct hue, each with at least 4.5:1 contrast (WCAG AA for text) on white
 * and on the app's darkest light-theme background (#e9ecf1). No colour reaches 4.5:1 on light and
 * dark backgrounds both, so the page lightens each to the same hue for its dark theme
 * (src/app/chat/colour.ts); tests/server/chat-names.test.ts checks both themes.
 */
export const NAME_COLOURS = [
  '#b42318', // red
  '#b54708', // orange
  '#8a6100', // amber
  '#4a770e', // olive
  '#197b35', // green
  '#0f766e', // teal
  '#0e7490', // cyan
  '#0b5cad', // blue
  '#4f46e5', // indigo
  '#7e3fbf', // violet
  '#a21caf', // magenta
  '#be185d', // pink
] as const;

/** FNV-1a over the name's key: the same nickname always gets the same colour, on any server. */
export function colourForName(name: string): string {
  const key = nameKey(name);
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return NAME_COLOURS[hash % NAME_COLOURS.length] ?? NAME_COLOURS[0];
}
