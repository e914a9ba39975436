/**
 * The message log's entries and the words the page shows for them. Plain data: the state module
 * (chat.svelte.ts) keeps a capped list of these; the components only render them, as text.
 */
import * as m from '../../paraglide/messages.js';
import { getLocale } from '../../paraglide/runtime.js';
import type { ChatMessage, PresenceMessage, PrivateMessage } from './protocol';

interface EntryBase {
  /** Unique within the page's lifetime (message ids restart when the server does). */
  key: string;
  /** ISO 8601; '' when unknown. */
  time: string;
}

export interface MessageEntry extends EntryBase {
  kind: 'message';
  id: number;
  from: string;
  colour: string;
  text: string;
  /** Sent by this page's user. */
  mine: boolean;
  /** Replayed from the room's history when joining. */
  history: boolean;
}

export interface PrivateEntry extends EntryBase {
  kind: 'private';
  id: number;
  from: string;
  colour: string;
  to: string;
  toColour: string;
  text: string;
  /** This page's user sent it (the server's echo). */
  outgoing: boolean;
}

export interface PresenceEntry extends EntryBase {
  kind: 'presence';
  action: 'join' | 'leave';
  name: string;
  colour: string;
  you: boolean;
}

export interface NoticeEntry extends EntryBase {
  kind: 'notice';
  tone: 'info' | 'ok' | 'error';
  /** The page's own sentence, made when it is read (it follows the language switch). */
  readonly text: string;
}

export type LogEntry = MessageEntry | PrivateEntry | PresenceEntry | NoticeEntry;

/** Entries kept; older ones are dropped first (a long class stays fast). */
export const LOG_CAPACITY = 1000;

let counter = 0;
function nextKey(): string {
  counter += 1;
  return `e${counter}`;
}

export function messageEntry(message: ChatMessage, me: string | null, history = false): MessageEntry {
  return { ...message, kind: 'message', key: nextKey(), mine: me !== null && message.from === me, history };
}

export function privateEntry(message: PrivateMessage, me: string | null): PrivateEntry {
  return { ...message, kind: 'private', key: nextKey(), outgoing: me !== null && message.from === me };
}

export function presenceEntry(message: PresenceMessage, me: string | null): PresenceEntry {
  return {
    kind: 'presence',
    key: nextKey(),
    action: message.type,
    name: message.name,
    colour: message.colour,
    time: message.time,
    you: me !== null && message.name === me,
  };
}

/** `say` makes the notice's sentence each time it is read, in the page's language at that moment. */
export function noticeEntry(say: () => string, tone: NoticeEntry['tone'], time: string): NoticeEntry {
  return {
    kind: 'notice',
    key: nextKey(),
    tone,
    time,
    get text() {
      return say();
    },
  };
}

/** `list` plus `added`, keeping the newest `capacity` entries. */
export function appendEntries(list: readonly LogEntry[], added: readonly LogEntry[], capacity = LOG_CAPACITY): LogEntry[] {
  const next = [...list, ...added];
  return next.length > capacity ? next.slice(next.length - capacity) : next;
}

/**
 * History messages not already in the log: after a brief reconnect to the same server the room
 * replays messages the page has shown; same id, sender and time means the same message.
 */
export function newHistory(list: readonly LogEntry[], history: readonly ChatMessage[]): ChatMessage[] {
  const seen = new Set<string>();
  for (const entry of list) if (entry.kind === 'message') seen.add(`${entry.id}|${entry.from}|${entry.time}`);
  return history.filter((message) => !seen.has(`${message.id}|${message.from}|${message.time}`));
}

/** "Bob joined", "You joined as Bob", "Bob left". */
export function presenceText(entry: PresenceEntry): string {
  if (entry.action === 'join') return entry.you ? m.chat_presence_you_joined({ name: entry.name }) : m.chat_presence_joined({ name: entry.name });
  return entry.you ? m.chat_presence_you_left() : m.chat_presence_left({ name: entry.name });
}

/**
 * Who a private message went to (the sender's name follows it on the line): "Private to Bob" for
 * one this page sent, "Private to you" for one it received.
 */
export function privateLabel(entry: PrivateEntry): string {
  if (entry.outgoing && entry.to === entry.from) return m.chat_private_self();
  return entry.outgoing ? m.chat_private_to({ name: entry.to }) : m.chat_private_to_you();
}

/** "14:05" in the reader's locale (the full date is in the `<time>` element's datetime). */
export function formatTime(iso: string, timeZone?: string): string {
  const date = new Date(iso);
  if (!iso || Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat(getLocale(), { hour: '2-digit', minute: '2-digit', timeZone }).format(date);
}
