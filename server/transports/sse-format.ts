/**
 * The Server-Sent Events the comparison writes (WHATWG HTML §9.2, "Server-sent events"). Pure.
 * Each echo is one event: `id:` its seq (so a reconnecting EventSource sends `Last-Event-ID` and
 * misses nothing) and `data:` its text. The field names, the line feeds and the blank line that
 * ends the event are framing; the text is the payload.
 */
import { utf8Length } from './accounting.ts';

/** §9.2.6: "Lines must be separated by either a U+000D CARRIAGE RETURN U+000A LINE FEED (CRLF) character pair, a single U+000A LINE FEED (LF) character, or a single U+000D CARRIAGE RETURN (CR) character." */
const LINE_BREAK = /\r\n|\r|\n/;

/** One echo as an event, and how many of its bytes are the message as the client will see it. */
export function sseEvent(seq: number, text: string): { event: string; payload: number } {
  // A text with line breaks goes out as several data lines; the client joins them with LF.
  const lines = text.split(LINE_BREAK);
  let event = `id: ${seq}\n`;
  for (const line of lines) event += `data: ${line}\n`;
  return { event: `${event}\n`, payload: utf8Length(lines.join('\n')) };
}

/** §9.2.6: "If the field name is 'retry'": how long the client waits before it reconnects. */
export function sseRetry(ms: number): string {
  return `retry: ${Math.round(ms)}\n\n`;
}

/** A comment ("a line that starts with a U+003A COLON character"): keeps an idle stream alive through proxies. */
export const SSE_KEEPALIVE = ':\n\n';
