/**
 * The chat protocol's messages (docs/chat-protocol.md): JSON text messages with a `type`.
 * What a client may send, what the server sends, and the parser that turns a client's text into
 * a command or an error. No I/O.
 */

export interface UserInfo {
  name: string;
  /** `#rrggbb`, stable for the name (names.ts `colourForName`). */
  colour: string;
}

/** The room's limits, sent in `hello` so a client can show them before it hits one. */
export interface ChatLimits {
  nameMaxLength: number;
  messageMaxLength: number;
  messagesPerSecond: number;
  burst: number;
  maxUsers: number;
  history: number;
  maxErrors: number;
  errorWindowMs: number;
}

// ---- server to client ----------------------------------------------------------------------

export interface HelloMessage {
  type: 'hello';
  /** A nickname no one in the room has, nor has been offered: `guest-7f3a`. */
  suggestion: string;
  limits: ChatLimits;
}

export interface WelcomeMessage {
  type: 'welcome';
  you: UserInfo;
  /** Everyone in the room, you included, in the order they joined. */
  users: UserInfo[];
  /** The last public messages, oldest first (private messages are never replayed). */
  history: ChatMessage[];
}

export interface ChatMessage {
  type: 'message';
  /** Increases by one for every message and private message the room accepts. */
  id: number;
  from: string;
  colour: string;
  text: string;
  /** ISO 8601, server time. */
  time: string;
}

export interface PrivateMessage {
  type: 'private';
  id: number;
  from: string;
  colour: string;
  to: string;
  toColour: string;
  text: string;
  time: string;
}

export interface JoinMessage {
  type: 'join';
  name: string;
  colour: string;
  time: string;
  users: UserInfo[];
}

export interface LeaveMessage {
  type: 'leave';
  name: string;
  colour: string;
  time: string;
  users: UserInfo[];
}

export const ERROR_CODES = [
  'too-large',
  'bad-json',
  'not-an-object',
  'unknown-type',
  'bad-field',
  'binary-not-supported',
  'not-joined',
  'already-joined',
  'name-empty',
  'name-too-long',
  'name-invalid',
  'name-taken',
  'room-full',
  'message-empty',
  'message-too-long',
  'message-invalid',
  'rate-limited',
  'unknown-recipient',
  'too-many-errors',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorMessage {
  type: 'error';
  code: ErrorCode;
  /** A sentence a person can read. */
  reason: string;
  /** For `name-taken`: a free nickname close to the one asked for. */
  suggestion?: string;
  /** For `rate-limited`: milliseconds until a message would be accepted. */
  retryAfterMs?: number;
}

export type ServerMessage =
  | HelloMessage
  | WelcomeMessage
  | ChatMessage
  | PrivateMessage
  | JoinMessage
  | LeaveMessage
  | ErrorMessage;

// ---- client to server ----------------------------------------------------------------------

export interface JoinCommand {
  type: 'join';
  name: string;
}

/** Public text; text that starts with `@name ` for a user in the room is sent privately instead. */
export interface MessageCommand {
  type: 'message';
  text: string;
}

export interface PrivateCommand {
  type: 'private';
  to: string;
  text: string;
}

export type ClientCommand = JoinCommand | MessageCommand | PrivateCommand;

export type ParseResult = { ok: true; command: ClientCommand } | { ok: false; error: ErrorMessage };

export const CLIENT_TYPES = ['join', 'message', 'private'] as const;

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
