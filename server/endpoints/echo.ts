/**
 * `/echo`: every message comes back with its type (text stays text, binary stays binary), as one
 * frame whatever the size (up to the limits) and however the client fragmented it. The
 * demonstrations (ping, fragment the next echo, close, misbehave) are asked for over `/inspect`,
 * so this stays a pure echo.
 *
 * Subprotocols: it speaks the server's list (`--subprotocols`, most preferred first) and picks as
 * src/protocol/handshake/subprotocol.ts says. `?demo=wrong-subprotocol` in the URL makes it name
 * one the client never offered, to show the browser failing the connection (RFC 6455 §4.1).
 */
import { DEFAULTS } from '../options.ts';
import { selectSubprotocol, type SubprotocolChoice } from '../../src/protocol/index.ts';
import type { Endpoint, UpgradeRequest } from './types.ts';

/** What the demonstration names: a valid token that no client offers. */
export const UNOFFERED_SUBPROTOCOL = 'not-offered.v0';

function unoffered(offered: readonly string[], supported: readonly string[]): SubprotocolChoice {
  return {
    offered: [...offered],
    supported: [...supported],
    chosen: UNOFFERED_SUBPROTOCOL,
    why:
      `Demonstration (?demo=wrong-subprotocol): the server names ${UNOFFERED_SUBPROTOCOL}, which the client did not offer. ` +
      'RFC 6455 §4.1: if the response names "a subprotocol that was not present in the client\'s handshake", the client must fail the WebSocket connection; a browser does, before OPEN.',
  };
}

export function createEchoEndpoint(subprotocols: readonly string[] = DEFAULTS.subprotocols): Endpoint {
  return {
    description: 'echoes every message with its type',
    selectProtocol(offered: readonly string[], request: UpgradeRequest): SubprotocolChoice {
      if (request.url.searchParams.get('demo') === 'wrong-subprotocol') return unoffered(offered, subprotocols);
      return selectSubprotocol(offered, subprotocols);
    },
    open(connection) {
      return {
        message(message) {
          connection.sendMessage(message.data, message.binary);
        },
      };
    },
  };
}

/** The echo with the default subprotocols. */
export const echoEndpoint: Endpoint = createEchoEndpoint();
