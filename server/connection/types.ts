/**
 * What a ServerConnection is made from (server/connection.ts): the server's context and one
 * accepted upgrade.
 */
import type { Socket } from 'node:net';
import type { DeflateParams } from '../../src/protocol/index.ts';
import type { Endpoint, UpgradeRequest } from '../endpoints/types.ts';
import type { ConnectionInfo } from '../inspector/messages.ts';
import type { InspectorSink } from '../inspector/types.ts';
import type { Logger } from '../log.ts';
import type { MemoryBudget } from './memory-budget.ts';
import type { ResolvedOptions } from '../options.ts';

/** What a connection needs from the server that owns it. */
export interface ConnectionContext {
  options: ResolvedOptions;
  logger: Logger;
  inspector: InspectorSink;
  /** What every connection together holds for its peer (connection/memory-budget.ts). */
  budget: MemoryBudget;
  /** The socket of connection `id` is gone: forget it. */
  closed(id: number): void;
}

export interface ConnectionInit {
  id: number;
  socket: Socket;
  /** Bytes that followed the request head in the same read (usually none). */
  head: Uint8Array;
  request: UpgradeRequest;
  protocol: string | null;
  endpoint: Endpoint;
  info: ConnectionInfo;
  /** permessage-deflate's parameters, when the handshake agreed it. */
  deflate: DeflateParams | null;
  /** Report this connection to the inspector (false for the inspector's own subscribers). */
  watchable: boolean;
  context: ConnectionContext;
}

export interface ConnectionStats {
  /** TCP reads given to the codec. */
  reads: number;
  framesIn: number;
  framesOut: number;
  bytesIn: number;
  bytesOut: number;
  messagesIn: number;
}
