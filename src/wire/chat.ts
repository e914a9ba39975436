/**
 * The JSON formats of Framescope's own endpoints, shared by server/ and src/app/; documented in
 * docs/inspector.md and docs/chat-protocol.md. Pure types and constants: no DOM, no Node, no
 * imports from src/app/ or server/.
 *
 * This file: the chat room (`/chat`), JSON text messages with a `type`: what a client may send and
 * what the server sends.
 */

export interface UserInfo {
  name: string;
  /** `#rrggbb`, stable for the name (server/chat/names.ts `colourForName`). */
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
  'unavailable',
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

/**
 * The room's own health, for a room spread over several server processes (`--redis`): `degraded`
 * when this process lost the store they share (messages wait, joins are refused), `ok` when it is
 * back and caught up. A single process with the in-memory room never sends it.
 */
export interface StatusMessage {
  type: 'status';
  state: 'degraded' | 'ok';
  /** A sentence a person can read. */
  reason: string;
}

export type ServerMessage =
  | HelloMessage
  | WelcomeMessage
  | ChatMessage
  | PrivateMessage
  | JoinMessage
  | LeaveMessage
  | StatusMessage
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

export const CLIENT_TYPES = ['join', 'message', 'private'] as const;
