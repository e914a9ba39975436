/**
 * An echo server with permessage-deflate, in its own process: `ours` is Framescope's server started
 * with deflate on (as `npm start -- --deflate`), `ws` a WebSocketServer with perMessageDeflate, both
 * compressing every message (threshold 0) with context takeover, as a browser's offer gets.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { serve } from '../lib/child';

const MiB = 1024 * 1024;
const kind = process.argv[2];

async function startOurs(): Promise<number> {
  const { createFramescopeServer } = await import('../../server/index');
  const server = createFramescopeServer({ quiet: true, maxPayload: 16 * MiB, maxMessage: 16 * MiB, deflate: { threshold: 0 } });
  return (await server.listen(0, '127.0.0.1')).port;
}

async function startWs(): Promise<number> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 16 * MiB, perMessageDeflate: { threshold: 0 } });
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
    return { cpuMicros: user + system };
  }
  throw new Error(`unknown op ${String(message.op)}`);
});
process.send!({ type: 'ready', port });
