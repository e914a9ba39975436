/**
 * What the Redis store reads back from its scripts: the user list (JSON) and events as published.
 */
import type { ChatMessage, UserInfo } from './messages.ts';
import { parseStoreEvent, type StoreEvent } from './store.ts';

export function parseUsers(json: string): UserInfo[] {
  try {
    const value: unknown = JSON.parse(json);
    if (!Array.isArray(value)) return [];
    return value.flatMap((user: unknown) => {
      if (typeof user !== 'object' || user === null) return [];
      const { name, colour } = user as Record<string, unknown>;
      return typeof name === 'string' && typeof colour === 'string' ? [{ name, colour }] : [];
    });
  } catch {
    return [];
  }
}

export function eventsOf(list: unknown): StoreEvent[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((text: unknown) => {
    const event = parseStoreEvent(String(text));
    return event ? [event] : [];
  });
}

export function messagesOf(list: unknown): ChatMessage[] {
  return eventsOf(list).flatMap((event) => (event.kind === 'message' ? [event.message] : []));
}
