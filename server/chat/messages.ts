/**
 * The chat protocol's messages (docs/chat-protocol.md): JSON text messages with a `type`, typed in
 * src/wire/chat.ts (shared with the page). Here: the parser that turns a client's text into a
 * command or an error, and the error builder. No I/O.
 */

import {
  CLIENT_TYPES,
  type ClientCommand,
  type ErrorCode,
  type ErrorMessage,
} from '../../src/wire/chat.ts';

// The message types and constants are shared with the page (src/wire/chat.ts).
export type * from '../../src/wire/chat.ts';
export { CLIENT_TYPES, ERROR_CODES } from '../../src/wire/chat.ts';

export type ParseResult = { ok: true; command: ClientCommand } | { ok: false; error: ErrorMessage };

export function errorMessage(code: ErrorCode, reason: string, extra: Partial<ErrorMessage> = {}): ErrorMessage {
  return { type: 'error', code, reason, ...extra };
}

/**
 * Parses one text message from a client. `maxTextLength` (UTF-16 units) is checked before
 * `JSON.parse`, so a huge message costs nothing to refuse. Extra fields are ignored.
 */
export function parseClientMessage(text: string, maxTextLength: number): ParseResult {
  if (text.length > maxTextLength) {
    return fail('too-large', `This message is ${text.length} characters of JSON; the room reads at most ${maxTextLength}.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return fail('bad-json', `Not JSON (${detail}). Send an object such as {"type":"message","text":"hi"}.`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    return fail('not-an-object', `Expected a JSON object with a "type", got ${kind}.`);
  }
  const record = value as Record<string, unknown>;
  const type = record['type'];
  if (typeof type !== 'string') {
    return fail('bad-field', `Every message needs a string field "type" (one of ${CLIENT_TYPES.join(', ')}).`);
  }
  switch (type) {
    case 'join': {
      const name = record['name'];
      if (typeof name !== 'string') return fail('bad-field', fieldReason('join', 'name', name));
      return { ok: true, command: { type, name } };
    }
    case 'message': {
      const body = record['text'];
      if (typeof body !== 'string') return fail('bad-field', fieldReason('message', 'text', body));
      return { ok: true, command: { type, text: body } };
    }
    case 'private': {
      const to = record['to'];
      const body = record['text'];
      if (typeof to !== 'string') return fail('bad-field', fieldReason('private', 'to', to));
      if (typeof body !== 'string') return fail('bad-field', fieldReason('private', 'text', body));
      return { ok: true, command: { type, to, text: body } };
    }
    default:
      return fail(
        'unknown-type',
        `Unknown type ${JSON.stringify(type.slice(0, 40))}: a client sends ${CLIENT_TYPES.join(', ')}.`,
      );
  }
}

function fieldReason(type: string, field: string, value: unknown): string {
  const got = value === undefined ? 'it is missing' : `got ${value === null ? 'null' : typeof value}`;
  return `"${type}" needs a string field "${field}" (${got}).`;
}

function fail(code: ErrorCode, reason: string): ParseResult {
  return { ok: false, error: errorMessage(code, reason) };
}
