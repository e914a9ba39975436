/**
 * The codec as the server runs it: a server-role WebSocketConnection that reports every frame (for
 * the tap), allocates from Node's Buffer pool and lends the codec Node's native UTF-8 check.
 */
import { isUtf8 } from 'node:buffer';
import { PerMessageDeflate, WebSocketConnection, type DeflateParams } from '../../src/protocol/index.ts';
import { zlibEngines, type ZlibEngines } from '../deflate/zlib.ts';

/**
 * Outgoing frames and joined payloads come from Node's Buffer pool, not zeroed: a small frame
 * would otherwise be a typed array that the socket write has to move off the V8 heap, and a big
 * payload an ArrayBuffer zeroed only to be overwritten.
 */
const allocateUnsafe = (size: number): Uint8Array => Buffer.allocUnsafe(size);

export interface ServerCodec {
  ws: WebSocketConnection;
  /** node:zlib's streams when permessage-deflate was agreed (close them with the connection). */
  engines: ZlibEngines | null;
}

/**
 * `deflate`: the permessage-deflate parameters agreed, if any, and the threshold under which a
 * message goes uncompressed; `wake` is called when zlib's asynchronous work is done.
 */
export function serverCodec(
  limits: { maxPayload: number; maxMessage: number },
  deflate: { params: DeflateParams; threshold: number } | null = null,
  wake: () => void = () => {},
): ServerCodec {
  const engines = deflate ? zlibEngines(deflate.params) : null;
  const ws = new WebSocketConnection({
    role: 'server',
    maxPayload: limits.maxPayload,
    maxMessage: limits.maxMessage,
    reportFrames: true,
    allocate: allocateUnsafe,
    // Node's native check (simdutf) for long text pieces; the codec's own validator still finds
    // the exact byte of a fault and keeps failing fast inside a frame (RFC 6455 §8.1).
    utf8Check: isUtf8,
    // A payload that spans reads is unmasked straight into its own array (one copy less through
    // the WebAssembly kernel); the tap re-masks only what the codec unmasked in place (`unmaskedTo`).
    unmaskInPlace: false,
    deflate: deflate && engines ? new PerMessageDeflate({ role: 'server', params: deflate.params, engines, threshold: deflate.threshold }) : null,
    wake,
  });
  return { ws, engines };
}
