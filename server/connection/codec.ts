/**
 * The codec as the server runs it: a server-role WebSocketConnection that reports every frame (for
 * the tap), allocates from Node's Buffer pool and lends the codec Node's native UTF-8 check.
 */
import { isUtf8 } from 'node:buffer';
import { WebSocketConnection } from '../../src/protocol/index.ts';

/**
 * Outgoing frames and joined payloads come from Node's Buffer pool, not zeroed: a small frame
 * would otherwise be a typed array that the socket write has to move off the V8 heap, and a big
 * payload an ArrayBuffer zeroed only to be overwritten.
 */
const allocateUnsafe = (size: number): Uint8Array => Buffer.allocUnsafe(size);

export function serverCodec(limits: { maxPayload: number; maxMessage: number }): WebSocketConnection {
  return new WebSocketConnection({
    role: 'server',
    maxPayload: limits.maxPayload,
    maxMessage: limits.maxMessage,
    reportFrames: true,
    allocate: allocateUnsafe,
    // Node's native check (simdutf) for long text pieces; the codec's own validator still finds
    // the exact byte of a fault and keeps failing fast inside a frame (RFC 6455 §8.1).
    utf8Check: isUtf8,
  });
}
