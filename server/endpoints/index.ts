/**
 * The endpoints every Framescope server has. `/inspect` is not listed here: the server core adds
 * it, because it belongs to the inspector hub.
 *
 * To add one (the chat room): write `server/endpoints/chat.ts` exporting an `Endpoint` and add a
 * line below, e.g. `'/chat': chatEndpoint,`.
 */
import { createChatEndpoint } from './chat.ts';
import { conformanceEndpoint } from './conformance.ts';
import { createEchoEndpoint } from './echo.ts';
import type { UpstreamPolicy } from '../upstream/policy.ts';
import type { Endpoint } from './types.ts';

/** `upstream`: where the grader may go, the same policy `/proxy` follows; `subprotocols`: what `/echo` speaks. */
export function builtinEndpoints(upstream: UpstreamPolicy, options: { subprotocols?: readonly string[] } = {}): Record<string, Endpoint> {
  return {
    '/echo': createEchoEndpoint(options.subprotocols),
    '/chat': createChatEndpoint(),
    '/conformance': conformanceEndpoint({ policy: upstream }),
  };
}

export { EndpointRegistry } from './registry.ts';
export type { CloseInfo, ConnectionHandlers, Endpoint, EndpointConnection, Refusal, UpgradeRequest } from './types.ts';
