/**
 * An EventSource for Node (which has none before version 22) over fetch: the request a browser's
 * EventSource makes (`Accept: text/event-stream`, `Last-Event-ID` when reconnecting), the stream
 * read with the spec's parser (sse-parser.ts), and a reconnection after `retry` ms when the
 * stream ends or breaks. As in the spec, an answer that is not a 200 event stream fails it for good.
 */
import type { EventSourceHandle, EventSourceHandlers } from './environment.ts';
import { SseParser } from './sse-parser.ts';

export function fetchEventSource(fetchImpl: typeof globalThis.fetch, url: string, handlers: EventSourceHandlers, retryMs = 3000): EventSourceHandle {
  let closed = false;
  let controller: AbortController | null = null;
  let lastEventId = '';
  let retry = retryMs;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const connect = async (): Promise<void> => {
    controller = new AbortController();
    const headers: Record<string, string> = { Accept: 'text/event-stream', 'Cache-Control': 'no-cache' };
    if (lastEventId !== '') headers['Last-Event-ID'] = lastEventId;
    let response: Response;
    try {
      response = await fetchImpl(url, { headers, signal: controller.signal, cache: 'no-store' });
    } catch (error) {
      if (!closed) reconnect(`the request failed: ${describe(error)}`);
      return;
    }
    const type = response.headers.get('content-type') ?? '';
    if (response.status !== 200 || !/^text\/event-stream\b/i.test(type) || response.body === null) {
      const body = await response.text().catch(() => '');
      closed = true;
      handlers.error(`the server answered ${response.status} ${type || '(no Content-Type)'}: ${body.trim().slice(0, 200)}`, true);
      return;
    }
    handlers.open();
    const parser = new SseParser();
    const decoder = new TextDecoder();
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        for (const event of parser.push(decoder.decode(value, { stream: true }))) {
          lastEventId = event.lastEventId;
          if (event.type === 'message') handlers.message(event.data, event.lastEventId);
        }
        if (parser.retry !== null) retry = parser.retry;
        if (closed) return;
      }
      if (!closed) reconnect('the server ended the stream');
    } catch (error) {
      if (!closed) reconnect(`the stream broke: ${describe(error)}`);
    }
  };

  const reconnect = (reason: string): void => {
    handlers.error(`${reason}; reconnecting in ${retry} ms`, false);
    timer = setTimeout(() => {
      timer = null;
      if (!closed) void connect();
    }, retry);
  };

  void connect();
  return {
    close() {
      closed = true;
      if (timer !== null) clearTimeout(timer);
      controller?.abort();
    },
  };
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.cause instanceof Error ? `${error.message} (${error.cause.message})` : error.message;
  return String(error);
}
