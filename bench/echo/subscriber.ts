/**
 * A page-like inspector subscriber in its own process: it opens `/inspect?session=TOKEN&batch` with
 * a WebSocket client, as the playground does (docs/inspector.md, "Batches"), and does per message
 * what the playground does first: JSON.parse each batch and, for each frame in it, decode its hex
 * bytes. Requests: `counts` (messages, frames and dropped counts so far).
 */
import { WebSocket } from 'ws';
import { serve } from '../lib/child';

const [portArg, session] = process.argv.slice(2);

interface Message {
  type: string;
  bytes?: string;
  count?: number;
}

let messages = 0;
let frames = 0;
let dropped = 0;
let bytes = 0;

const socket = new WebSocket(`ws://127.0.0.1:${portArg}/inspect?session=${session}&batch`);
socket.on('message', (data: Buffer) => {
  const batch = JSON.parse(data.toString()) as Message[];
  for (const message of batch) {
    messages++;
    if (message.type === 'frame' && message.bytes !== undefined) {
      frames++;
      bytes += Buffer.from(message.bytes, 'hex').length;
    } else if (message.type === 'dropped') {
      dropped += message.count ?? 0;
    }
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
