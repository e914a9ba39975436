/**
 * The deflate load generator, in its own process: `ws` clients with perMessageDeflate (the same
 * client library for both servers, so only the servers differ), each keeping `window` text
 * messages in flight, counting echoes that come back equal to what was sent.
 */
import WebSocket from 'ws';
import { serve } from '../lib/child';

export interface DeflateRun {
  port: number;
  clients: number;
  size: number;
  window: number;
  durationMs: number;
}

export interface DeflateResult {
  messages: number;
  seconds: number;
  mismatches: number;
}

/** Chat-like text: words from a small vocabulary, so it compresses as real messages do. */
function message(size: number, seed: number): string {
  const words = ['{"user":"ada"', '"text":"hello', 'frame', 'mask', 'opcode', 'payload', 'deflate', 'window', 'étude', 'class'];
  let out = '';
  let x = seed;
  while (out.length < size) {
    x = (x * 1103515245 + 12345) >>> 0;
    out += `${words[x % words.length]} ${x % 1000} `;
  }
  return out.slice(0, size);
}

async function run(r: DeflateRun): Promise<DeflateResult> {
  const payloads = Array.from({ length: 16 }, (_, i) => message(r.size, i + 1));
  let messages = 0;
  let mismatches = 0;
  let stop = false;
  const sockets = await Promise.all(
    Array.from({ length: r.clients }, () =>
      new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${r.port}/echo`, { perMessageDeflate: { threshold: 0 } });
        ws.once('open', () => resolve(ws));
        ws.once('error', reject);
      }),
    ),
  );
  const started = performance.now();
  const done = sockets.map(
    (ws) =>
      new Promise<void>((resolve) => {
        let next = 0;
        const expected: string[] = [];
        const send = (): void => {
          const text = payloads[next++ % payloads.length]!;
          expected.push(text);
          ws.send(text);
        };
        ws.on('message', (data) => {
          if (String(data) !== expected.shift()) mismatches++;
          messages++;
          if (!stop) send();
          else if (expected.length === 0) resolve();
        });
        for (let i = 0; i < r.window; i++) send();
      }),
  );
  await new Promise((resolve) => setTimeout(resolve, r.durationMs));
  stop = true;
  const seconds = (performance.now() - started) / 1000;
  const counted = messages;
  await Promise.all(done);
  for (const ws of sockets) ws.close();
  return { messages: counted, seconds, mismatches };
}

serve((message) => {
  if (message.op === 'run') return run(message as unknown as DeflateRun);
  throw new Error(`unknown op ${String(message.op)}`);
});
process.send!({ type: 'ready' });
