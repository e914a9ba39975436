/**
 * The name a student types once on the playground for the teacher's class view: kept in this
 * browser's localStorage, sent on the page's inspector socket (`{"type":"name"}`) when it opens.
 * The field shows where the server runs in class mode (the tap's hello says so).
 */
import { MAX_STUDENT_NAME } from '../../wire/inspector';

const KEY = 'framescope.name';

export { MAX_STUDENT_NAME };

/** The name kept in this browser, or null. */
export function storedStudentName(storage: Pick<Storage, 'getItem'> | null = safeStorage()): string | null {
  try {
    const name = storage?.getItem(KEY) ?? null;
    return name === null ? null : tidyName(name);
  } catch {
    return null;
  }
}

/** Keeps `name` (or forgets it, for an empty one); returns the name kept. */
export function storeStudentName(raw: string, storage: Pick<Storage, 'setItem' | 'removeItem'> | null = safeStorage()): string | null {
  const name = tidyName(raw);
  try {
    if (name === null) storage?.removeItem(KEY);
    else storage?.setItem(KEY, name);
  } catch {
    // Storage off: the name still goes to the server for this page.
  }
  return name;
}

/** Spaces collapsed and trimmed, at most MAX_STUDENT_NAME characters; null for nothing left. */
export function tidyName(raw: string): string | null {
  const name = [...raw.normalize('NFC').replace(/\p{Cc}/gu, '').replace(/\s+/gu, ' ').trim()].slice(0, MAX_STUDENT_NAME).join('').trim();
  return name === '' ? null : name;
}

function safeStorage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}
