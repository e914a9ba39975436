/**
 * What the run asks of a server before and between cases: can it hold two WebSocket connections
 * at once (then cases may overlap), and is it accepting TCP again after a refusal (a restart).
 */
import net from 'node:net';
import { encodeClose, randomMaskingKey } from '../src/protocol/index.ts';
import { buildRequest, type Target } from './target.ts';

/** Open one connection and resolve true once its 101 head has arrived (false on anything else). */
function handshake(target: Target, timeoutMs: number, sockets: net.Socket[]): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: target.host, port: target.port });
    sockets.push(socket);
    let head = '';
    const timer = setTimeout(() => resolve(false), timeoutMs);
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      resolve(ok);
    };
    socket.on('error', () => done(false));
    socket.on('close', () => done(false));
    socket.on('connect', () => socket.write(buildRequest(target).head, 'latin1'));
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (head.includes('\r\n\r\n')) done(/^HTTP\/1\.1 101 /.test(head));
    });
  });
}

/**
 * `max` when the server completes two opening handshakes at the same time, else 1 (a server that
 * serves one connection at a time would make overlapping cases wait on each other). Both probe
 * connections are closed politely (a close frame, then TCP).
 */
export async function probeConcurrency(target: Target, max: number, timeoutMs = 2000): Promise<number> {
  const sockets: net.Socket[] = [];
  const [a, b] = await Promise.all([handshake(target, timeoutMs, sockets), handshake(target, timeoutMs, sockets)]);
  for (const socket of sockets) {
    if (!socket.destroyed && socket.writable) socket.write(encodeClose(1000, '', randomMaskingKey()));
    setTimeout(() => socket.destroy(), 200).unref();
  }
  return a && b ? max : 1;
}

/** Poll TCP connects until one succeeds (true) or `withinMs` passes (false). */
export async function waitReachable(target: Target, withinMs: number, signal: AbortSignal): Promise<boolean> {
  const deadline = performance.now() + withinMs;
  while (!signal.aborted && performance.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: target.host, port: target.port });
      const timer = setTimeout(() => {
        socket.destroy();
        resolve(false);
      }, 500);
      socket.on('connect', () => {
        clearTimeout(timer);
        socket.end();
        resolve(true);
      });
      socket.on('error', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}
