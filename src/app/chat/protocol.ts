/**
 * The chat protocol as the page speaks it (docs/chat-protocol.md). Its message types live in
 * src/wire/chat.ts, shared with the server; the page checks every field before using it: a
 * message from the wire is data, not trusted code.
 */

import * as m from '../../paraglide/messages.js';
import type * as Wire from '../../wire/chat';
import type { ChatLimits, ChatMessage, JoinCommand, MessageCommand, PrivateMessage, UserInfo, WelcomeMessage } from '../../wire/chat';

// The message types are shared with the server (src/wire/chat.ts). `hello`, `join`/`leave` and
// `error` below are the page's own reading of them: what it keeps after checking each field.
export type { ChatLimits, ChatMessage, PrivateMessage, UserInfo, WelcomeMessage };

/** `hello` as the page keeps it: limits it cannot read are null. */
export interface HelloMessage extends Omit<Wire.HelloMessage, 'limits'> {
  limits: ChatLimits | null;
}

/** `join` and `leave` (the same fields). */
export interface PresenceMessage extends Omit<Wire.JoinMessage, 'type'> {
  type: 'join' | 'leave';
}

/** `error` as the page keeps it: any code string; absent optional fields are null. */
export interface ErrorMessage {
  type: 'error';
  code: string;
  reason: string;
  suggestion: string | null;
  retryAfterMs: number | null;
}

/** `status`: the room lost its shared store (`degraded`), or has it again (`ok`). */
export interface StatusMessage {
  type: 'status';
  state: 'degraded' | 'ok';
  reason: string;
}

export type ServerMessage =
  | HelloMessage
  | WelcomeMessage
  | ChatMessage
  | PrivateMessage
  | PresenceMessage
  | StatusMessage
  | ErrorMessage;

/** `reason` is read where it is shown, in the page's language at that moment. */
export type ParsedServerMessage = { ok: true; message: ServerMessage } | { ok: false; readonly reason: string };

function unreadable(say: () => string): ParsedServerMessage {
  return {
    ok: false,
    get reason() {
      return say();
    },
  };
}

/** Reads one text message from the server; anything unexpected is a reason, never an exception. */
export function parseServerMessage(text: string): ParsedServerMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return unreadable(() => m.chat_parse_not_json());
  }
  if (!isRecord(value)) return unreadable(() => m.chat_parse_not_object());
  const message = readMessage(value);
  if (!message) {
    const type = value['type'];
    return typeof type === 'string'
      ? unreadable(() => m.chat_parse_unknown_type({ type: type.slice(0, 40) }))
      : unreadable(() => m.chat_parse_no_type());
  }
  return { ok: true, message };
}

function readMessage(value: Record<string, unknown>): ServerMessage | null {
  switch (value['type']) {
    case 'hello': {
      const suggestion = str(value['suggestion']);
      if (suggestion === null) return null;
      return { type: 'hello', suggestion, limits: readLimits(value['limits']) };
    }
    case 'welcome': {
      const you = readUser(value['you']);
      const users = readUsers(value['users']);
      const history = Array.isArray(value['history']) ? value['history'] : [];
      if (!you || !users) return null;
      const messages = history.flatMap((item) => {
        const message = isRecord(item) ? readChat(item) : null;
        return message ? [message] : [];
      });
      return { type: 'welcome', you, users, history: messages };
    }
    case 'message':
      return readChat(value);
    case 'private': {
      const base = readChat({ ...value, type: 'message' });
      const to = str(value['to']);
      if (!base || to === null) return null;
      return { ...base, type: 'private', to, toColour: str(value['toColour']) ?? '' };
    }
    case 'join':
    case 'leave': {
      const name = str(value['name']);
      const users = readUsers(value['users']);
      if (name === null || !users) return null;
      return {
        type: value['type'],
        name,
        colour: str(value['colour']) ?? '',
        time: str(value['time']) ?? '',
        users,
      };
    }
    case 'status': {
      const state = value['state'];
      const reason = str(value['reason']);
      if ((state !== 'degraded' && state !== 'ok') || reason === null) return null;
      return { type: 'status', state, reason };
    }
    case 'error': {
      const reason = str(value['reason']);
      if (reason === null) return null;
      const retry = value['retryAfterMs'];
      return {
        type: 'error',
        code: str(value['code']) ?? 'error',
        reason,
        suggestion: str(value['suggestion']),
        retryAfterMs: typeof retry === 'number' && Number.isFinite(retry) ? retry : null,
      };
    }
    default:
      return null;
  }
}

function readChat(value: Record<string, unknown>): ChatMessage | null {
  const from = str(value['from']);
  const text = str(value['text']);
  const id = value['id'];
  if (value['type'] !== 'message' || from === null || text === null) return null;
  return {
    type: 'message',
    id: typeof id === 'number' && Number.isFinite(id) ? id : 0,
    from,
    colour: str(value['colour']) ?? '',
    text,
    time: str(value['time']) ?? '',
  };
}

function readUser(value: unknown): UserInfo | null {
  if (!isRecord(value)) return null;
  const name = str(value['name']);
  if (name === null) return null;
  return { name, colour: str(value['colour']) ?? '' };
}

function readUsers(value: unknown): UserInfo[] | null {
  if (!Array.isArray(value)) return null;
  return value.flatMap((item) => {
    const user = readUser(item);
    return user ? [user] : [];
  });
}

function readLimits(value: unknown): ChatLimits | null {
  if (!isRecord(value)) return null;
  const keys = [
    'nameMaxLength',
    'messageMaxLength',
    'messagesPerSecond',
    'burst',
    'maxUsers',
    'history',
    'maxErrors',
    'errorWindowMs',
  ] as const;
  const limits: Partial<ChatLimits> = {};
  for (const key of keys) {
    const number = value[key];
    if (typeof number !== 'number' || !Number.isFinite(number) || number < 0) return null;
    limits[key] = number;
  }
  return limits as ChatLimits;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

// ---- what the page sends ----------------------------------------------------------------------

export function joinCommand(name: string): string {
  return JSON.stringify({ type: 'join', name } satisfies JoinCommand);
}

/** Public text; the server sends `@name text` privately to that user. */
export function messageCommand(text: string): string {
  return JSON.stringify({ type: 'message', text } satisfies MessageCommand);
}

/** A length as the room's limits count it: characters (Unicode code points), not UTF-16 units. */
export function characters(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}
