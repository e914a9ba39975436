/**
 * The comparison's WebSocket: `/compare/websocket?run=R`, an echo through our codec like `/echo`,
 * whose bytes go into the run's ledger. The connection counts every byte it reads and writes
 * after the handshake (frame headers, masking keys, close frames, pings and pongs); this endpoint
 * adds the handshake and which of those bytes were messages.
 */
import { RUN_TOKEN } from '../../src/wire/compare.ts';
import type { Endpoint, EndpointConnection } from '../endpoints/types.ts';
import { requestHeadLength, utf8Length, webSocketCounts, type LiveCounts } from './accounting.ts';
import type { Run, RunRegistry } from './runs.ts';

class ConnectionCounts implements LiveCounts {
  readonly #connection: EndpointConnection;
  readonly #requestHead: number;
  readonly #responseHead: number;
  payloadIn = 0;
  payloadOut = 0;

  constructor(connection: EndpointConnection) {
    this.#connection = connection;
    const { request, response } = connection.info;
    this.#requestHead = requestHeadLength(request);
    this.#responseHead = utf8Length(response.head);
  }

  counts() {
    const { bytesIn, bytesOut } = this.#connection.stats;
    return webSocketCounts({
      requestHead: this.#requestHead,
      responseHead: this.#responseHead,
      bytesIn,
      bytesOut,
      payloadIn: this.payloadIn,
      // The echo is written after the handler returns, and never if the socket went away first:
      // until then its bytes are not on the wire, so neither is its payload.
      payloadOut: Math.min(this.payloadOut, bytesOut),
    });
  }
}

export function compareWebSocketEndpoint(runs: RunRegistry, now: () => number): Endpoint {
  const runOf = (url: URL): Run | null => {
    const token = url.searchParams.get('run');
    return token !== null && RUN_TOKEN.test(token) ? runs.use(token, now()) : null;
  };
  return {
    description: "the comparison's WebSocket echo (?run=TOKEN: its bytes are counted for that run)",
    check(request) {
      const token = request.url.searchParams.get('run');
      if (token === null || !RUN_TOKEN.test(token)) return { status: 400, reason: 'Say which run this is: ?run=TOKEN, 8-64 characters from A-Z a-z 0-9 _ -.' };
      if (runOf(request.url) === null) return { status: 503, reason: 'The server is running as many comparisons as it can hold; try again in a minute.' };
      return null;
    },
    open(connection, request) {
      const run = runOf(request.url);
      if (run === null) {
        connection.close(1013, 'too many comparisons', 'no room for the run');
        return;
      }
      const ledger = run.ledgers.websocket;
      const counts = new ConnectionCounts(connection);
      ledger.watch(counts);
      run.active++;
      return {
        message(message) {
          counts.payloadIn += message.data.length;
          if (connection.sendMessage(message.data, message.binary)) counts.payloadOut += message.data.length;
        },
        closed() {
          ledger.settle(counts);
          run.active--;
          run.lastUsed = now();
        },
      };
    },
  };
}
