/**
 * The server's public API (docs/server.md): create a server, add endpoints, watch connections.
 *
 *   const server = createFramescopeServer({ quiet: true });
 *   server.endpoints.register('/shout', shoutEndpoint);
 *   const { port } = await server.listen(0, '127.0.0.1');
 */
export { createFramescopeServer, FramescopeServer, INSPECT_PATH, PROXY_PATH } from './server.ts';
export type { AttachOptions, CloseOptions, FramescopeServerOptions } from './server.ts';
export type { ServerOptions, InspectorOptions, ResolvedOptions } from './options.ts';
export { DEFAULTS } from './options.ts';
export { ServerConnection } from './connection.ts';
export type { ConnectionStats } from './connection.ts';
export { builtinEndpoints, EndpointRegistry } from './endpoints/index.ts';
export type { CloseInfo, ConnectionHandlers, Endpoint, EndpointConnection, Refusal, UpgradeRequest } from './endpoints/types.ts';
export { InspectorHub } from './inspector/hub.ts';
export { Subscriber } from './inspector/subscriber.ts';
export type { HubSubscriber, InspectorSink, SubscriberScope, SubscriberSocket, WatchedConnection } from './inspector/types.ts';
export type * from './inspector/messages.ts';
export { MISBEHAVE_KINDS } from './inspector/messages.ts';
export { consoleLogger, memoryLogger, silentLogger } from './log.ts';
export type { Logger } from './log.ts';
export { framescopeDevPlugin } from './vite-plugin.ts';
export { isLoopback, parseAllowList, upstreamPolicy } from './upstream/policy.ts';
export type { UpstreamCheck, UpstreamContext, UpstreamPolicy } from './upstream/policy.ts';
export { ProxyGateway } from './proxy/gateway.ts';
export { ProxiedConnection } from './proxy/relay.ts';
