/**
 * `@name` completion in the composer. A private message is `@name text` at the very start of a
 * message (docs/chat-protocol.md), so completion offers names only while the caret is inside that
 * leading `@…`. Names may contain spaces; matching is case-insensitive on the name's start.
 */
import type { UserInfo } from './protocol';

export interface MentionQuery {
  /** What was typed after `@`, up to the caret. */
  prefix: string;
  /** The caret position the query ends at. */
  end: number;
}

/** The `@prefix` being typed at `caret`, or null when the caret is not in a leading mention. */
export function mentionAt(value: string, caret: number): MentionQuery | null {
  if (!value.startsWith('@') || caret < 1 || caret > value.length) return null;
  const prefix = value.slice(1, caret);
  if (/[\n\r]/u.test(prefix) || prefix.startsWith(' ')) return null;
  return { prefix, end: caret };
}

export function foldName(name: string): string {
  return name.normalize('NFKC').toLowerCase();
}

/** Users whose name starts with the query (case-insensitively), not counting `self`. */
export function completions(users: readonly UserInfo[], query: MentionQuery | null, self: string | null): UserInfo[] {
  if (!query) return [];
  const prefix = foldName(query.prefix);
  const selfKey = self === null ? null : foldName(self);
  return users.filter((user) => {
    const key = foldName(user.name);
    return key !== selfKey && key.startsWith(prefix);
  });
}

/** The composer's value and caret after choosing `name`: `@name ` then the rest of the text. */
export function applyCompletion(value: string, query: MentionQuery, name: string): { value: string; caret: number } {
  const rest = value.slice(query.end).replace(/^ +/u, '');
  const head = `@${name} `;
  return { value: head + rest, caret: head.length };
}

/** The index after moving `delta` through `count` options, wrapping at both ends; -1 with none. */
export function moveActive(active: number, delta: number, count: number): number {
  if (count === 0) return -1;
  if (active < 0) return delta > 0 ? 0 : count - 1;
  return (((active + delta) % count) + count) % count;
}
