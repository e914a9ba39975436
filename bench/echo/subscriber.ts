/**
 * A page-like inspector subscriber in its own process: it opens `/inspect?session=TOKEN` with a
 * WebSocket client and does per message what the playground does first: JSON.parse it and, for a
 * frame, decode its hex bytes. Requests: `counts` (messages, frames and dropped counts so far).
 */
import { WebSocket } from 'ws';
import { serve } from '../lib/child';

const [portArg, session] = process.argv.slice(2);

let messages = 0;
let frames = 0;
let dropped = 0;
let bytes = 0;

const socket = new WebSocket(`ws://127.0.0.1:${portArg}/inspect?session=${session}`);
socket.on('message', (data: Buffer) => {
  messages++;
  const message = JSON.parse(data.toString()) as { type: string; bytes?: string; count?: number };
  if (message.type === 'frame' && message.bytes !== undefined) {
    frames++;
    bytes += Buffer.from(message.bytes, 'hex').length;
  } else if (message.type === 'dropped') {
    dropped += message.count ?? 0;
  }
});
socket.on('open', () => process.send!({ type: 'ready' }));
socket.on('error', (error) => {
  console.error(`subscriber: ${error.message}`);
  process.exit(1);
});

serve((message) => {
  if (message.op === 'counts') return { messages, frames, dropped, bytes };
  throw new Error(`unknown op ${String(message.op)}`);
});
