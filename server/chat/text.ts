/**
 * A message's text as the room accepts it: line ends, the `@name` prefix of a private message,
 * and the checks (not empty, not too long, no control characters). Plain functions, no I/O.
 */
import { characterCount, unicodeName } from './names.ts';
import { errorMessage, type ErrorMessage } from './messages.ts';

/** Characters a message may not contain: C0/C1 controls except tab and line feed. */
const FORBIDDEN_TEXT = /(?![\t\n])\p{Cc}/u;

/** Line ends as `\n`: CRLF and a lone CR become LF. */
export function normalizeText(text: string): string {
  return text.replace(/\r\n?/gu, '\n');
}

/** For text that starts with `@` and a non-space: what follows the `@`; otherwise null. */
export function privatePrefix(text: string): string | null {
  if (!text.startsWith('@')) return null;
  const rest = text.slice(1);
  if (rest.length === 0 || /^\s/u.test(rest)) return null;
  return rest;
}

/** Why `text` cannot be sent (publicly, or privately to `privateTo`), or null when it can. */
export function checkText(text: string, privateTo: string | null, maxLength: number): ErrorMessage | null {
  if (text.trim().length === 0) {
    return errorMessage(
      'message-empty',
      privateTo === null
        ? 'An empty message was not sent: type some text first.'
        : `A private message needs text after @${privateTo}.`,
    );
  }
  if (text.length > maxLength) {
    const length = characterCount(text);
    if (length > maxLength) {
      return errorMessage('message-too-long', `A message has at most ${maxLength} characters; this one has ${length}.`);
    }
  }
  const forbidden = FORBIDDEN_TEXT.exec(text);
  if (forbidden) {
    return errorMessage(
      'message-invalid',
      `A message cannot contain control character ${unicodeName(forbidden[0].codePointAt(0) ?? 0)} (at character ${forbidden.index + 1}).`,
    );
  }
  return null;
}
