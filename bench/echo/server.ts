/**
 * An echo server in its own process, for the load generator to drive: `ours` is Framescope's
 * server (createFramescopeServer, its /echo and /inspect), `ws` is a ws WebSocketServer that sends
 * every message back with its type. Both listen on 127.0.0.1 and announce their port.
 *
 * Requests: `cpu` (CPU time used so far, µs, to charge each round its server CPU).
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { serve } from '../lib/child';
import { wsUsesBufferutil } from '../lib/ws-internals';

const MiB = 1024 * 1024;
const kind = process.argv[2];

async function startOurs(): Promise<number> {
  const { createFramescopeServer } = await import('../../server/index');
  const server = createFramescopeServer({ quiet: true, maxPayload: 16 * MiB, maxMessage: 16 * MiB });
  const address = await server.listen(0, '127.0.0.1');
  return address.port;
}

async function startWs(): Promise<number> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 16 * MiB, perMessageDeflate: false });
  server.on('connection', (socket) => {
    socket.on('message', (data, isBinary) => socket.send(data as Buffer, { binary: isBinary }));
    socket.on('error', () => socket.terminate());
  });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return (server.address() as AddressInfo).port;
}

const port = kind === 'ours' ? await startOurs() : await startWs();
serve((message) => {
  if (message.op === 'cpu') {
    const { user, system } = process.cpuUsage();
    return { cpuMicros: user + system, rss: process.memoryUsage.rss() };
  }
  throw new Error(`unknown op ${String(message.op)}`);
});
process.send!({ type: 'ready', port, bufferutil: kind === 'ws' && wsUsesBufferutil() });
