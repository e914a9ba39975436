/**
 * The runner's environment in the browser: the page's own server (its origin), the browser's
 * fetch, EventSource and WebSocket, performance.now. Null where the page was not served by a
 * Framescope server (opened from a file: there is no server to compare against).
 */
import type { RunEnvironment } from '../../compare/environment';
import * as m from '../../paraglide/messages.js';

export function browserEnvironment(location: { protocol: string; origin: string }): RunEnvironment | null {
  if (location.protocol !== 'http:' && location.protocol !== 'https:') return null;
  return {
    origin: location.origin,
    fetch: (input, init) => window.fetch(input, init),
    now: () => performance.now(),
    openWebSocket(url, handlers) {
      const socket = new WebSocket(url);
      socket.onopen = () => handlers.open();
      socket.onmessage = (event: MessageEvent) => {
        if (typeof event.data === 'string') handlers.message(event.data);
      };
      // The browser never says why (on purpose: a page may not probe the network).
      socket.onerror = () => handlers.error(m.compare_browser_error_event());
      socket.onclose = (event: CloseEvent) => handlers.close(event.code, event.reason);
      return { send: (text) => socket.send(text), close: (code, reason) => socket.close(code, reason) };
    },
    openEventSource(url, handlers) {
      const source = new EventSource(url);
      source.onopen = () => handlers.open();
      source.onmessage = (event: MessageEvent<string>) => handlers.message(event.data, event.lastEventId);
      source.onerror = () => {
        const fatal = source.readyState === EventSource.CLOSED;
        handlers.error(fatal ? m.compare_stream_failed() : m.compare_stream_broke(), fatal);
      };
      return { close: () => source.close() };
    },
  };
}
