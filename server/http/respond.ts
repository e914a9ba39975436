/**
 * Writing complete HTTP answers: a refusal on a raw socket (upgrade requests, timeouts, malformed
 * heads) and a plain-text response through node:http.
 */
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export function ignore(): void {}

/** The responses of src/protocol/handshake/ are text to write as UTF-8 (a refusal's body may be non-ASCII). */
export function toBytes(response: string): Uint8Array {
  return Buffer.from(response, 'utf8');
}

/** How long a refused client may keep the socket open after our answer before it is destroyed. */
const LINGER_MS = 2_000;

/**
 * Write a complete response and end the socket; keep reading (and discarding) what the client
 * still sends so the FIN is not turned into a reset, and destroy it if it lingers.
 */
export function endWith(socket: Socket, response: Uint8Array): void {
  if (socket.destroyed) return;
  socket.on('error', ignore);
  socket.end(response);
  socket.resume();
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

/** A text/plain response with its Content-Length (no body for HEAD). */
export function plainResponse(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  const bytes = Buffer.from(body, 'utf8');
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(bytes.length),
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : bytes);
}
