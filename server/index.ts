/**
 * The server's public API (docs/server.md): create a server, add endpoints, watch connections.
 *
 *   const server = createFramescopeServer({ quiet: true });
 *   server.endpoints.register('/shout', shoutEndpoint);
 *   const { port } = await server.listen(0, '127.0.0.1');
 */
export { createFramescopeServer, FramescopeServer, INSPECT_PATH } from './server';
export type { AttachOptions, CloseOptions, FramescopeServerOptions } from './server';
export type { ServerOptions, InspectorOptions, ResolvedOptions } from './options';
export { DEFAULTS } from './options';
export { ServerConnection } from './connection';
export type { ConnectionStats } from './connection';
export { builtinEndpoints, EndpointRegistry } from './endpoints/index';
export type { CloseInfo, ConnectionHandlers, Endpoint, Refusal, UpgradeRequest } from './endpoints/types';
export { InspectorHub, Subscriber } from './inspector/hub';
export type { SubscriberScope } from './inspector/hub';
export type * from './inspector/messages';
export { MISBEHAVE_KINDS } from './inspector/messages';
export { consoleLogger, memoryLogger, silentLogger } from './log';
export type { Logger } from './log';
export { framescopeDevPlugin } from './vite-plugin';
