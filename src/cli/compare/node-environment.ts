/**
 * The runner's environment in Node (`npm run compare`, the tests): Node's fetch (undici) for HTTP,
 * an event stream read over that fetch (Node 20 has no EventSource), and `ws` for the WebSocket
 * (a dev tool may use the devDependency; the server never does).
 */
import WebSocket from 'ws';
import { fetchEventSource } from '../../compare/fetch-event-source.ts';
import type { RunEnvironment } from '../../compare/environment.ts';

export function nodeEnvironment(origin: string): RunEnvironment {
  return {
    origin,
    fetch: globalThis.fetch,
    now: () => performance.now(),
    openEventSource: (url, handlers) => fetchEventSource(globalThis.fetch, url, handlers),
    openWebSocket(url, handlers) {
      const socket = new WebSocket(url);
      socket.on('open', () => handlers.open());
      socket.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
        if (!isBinary) handlers.message(rawText(data));
      });
      socket.on('error', (error: Error) => handlers.error(error.message));
      socket.on('close', (code: number, reason: Buffer) => handlers.close(code, reason.toString('utf8')));
      return {
        send: (text) => socket.send(text),
        close: (code, reason) => socket.close(code, reason),
      };
    },
  };
}

function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}
