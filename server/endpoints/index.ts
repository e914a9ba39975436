/**
 * The endpoints every Framescope server has. `/inspect` is not listed here: the server core adds
 * it, because it belongs to the inspector hub.
 *
 * To add one (the chat room): write `server/endpoints/chat.ts` exporting an `Endpoint` and add a
 * line below, e.g. `'/chat': chatEndpoint,`.
 */
import { createChatEndpoint } from './chat.ts';
import { createEchoEndpoint } from './echo.ts';
import type { Endpoint } from './types.ts';

export function builtinEndpoints(options: { subprotocols?: readonly string[] } = {}): Record<string, Endpoint> {
  return {
    '/echo': createEchoEndpoint(options.subprotocols),
    '/chat': createChatEndpoint(),
  };
}

export { EndpointRegistry } from './registry.ts';
export type { CloseInfo, ConnectionHandlers, Endpoint, EndpointConnection, Refusal, UpgradeRequest } from './types.ts';
