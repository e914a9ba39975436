/**
 * A codec benchmark child. It runs one implementation and answers one timed round per request:
 *
 * - `ours`: decoding through WebSocketConnection as the server configures it (Node's
 *   Buffer.allocUnsafe as allocator, Node's buffer.isUtf8 lent to the UTF-8 validator, ws uses
 *   both too; a payload that spans reads unmasked straight into its own array, `unmaskInPlace:
 *   false`); encoding with encodeFrame and the codec's own pooled allocator, since masked
 *   frames are what a client sends and our client is the browser (the server never masks);
 * - `ours-zeroed` (shown as "as the browser runs it"): the codec exactly as the page runs it (its
 *   pooled allocator, no native UTF-8 check: the WebAssembly kernels or the JavaScript validator);
 * - `ours-parser`: FrameParser + MessageAssembler alone (decoding);
 * - `ws`: its Receiver and Sender.frame (start it with WS_NO_BUFFER_UTIL=1 to keep bufferutil out).
 *
 * A second argument `js` runs ours with the JavaScript kernels only (`useKernels('javascript')`): the
 * codec as it was before the WebAssembly kernels, measured in the same run.
 *
 * Each round is timed in CPU time of this process (`process.cpuUsage`), as well as wall time: on a
 * machine shared with other work, CPU time is what the codec spent, wall time adds whatever ran
 * in between.
 */
import { isUtf8 } from 'node:buffer';
import { serve } from '../lib/child';
import { loadWs, wsUsesBufferutil, type WsInternals } from '../lib/ws-internals';
import {
  allocatePooled,
  encodeFrame,
  FrameParser,
  MessageAssembler,
  Opcode,
  randomMaskingKey,
  useKernels,
  WebSocketConnection,
} from '../../src/protocol';
import { frameStream, payloadFor, type DecodeCase, type Stream } from './fixtures';

export type Impl = 'ours' | 'ours-zeroed' | 'ours-parser' | 'ws';

export interface RoundResult {
  /** Wall time of the round. */
  ms: number;
  /** CPU time of this process during the round (every thread: the garbage collector's too). */
  cpuMs: number;
  messages: number;
  payloadBytes: number;
}

const impl = process.argv[2] as Impl;
const kernels = useKernels(process.argv[3] === 'js' ? 'javascript' : 'webassembly');
const ws: WsInternals | null = impl === 'ws' ? loadWs() : null;

/** Wall and CPU time of `work`. */
function timed<T>(work: () => T): { result: T; ms: number; cpuMs: number } {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = work();
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { result, ms, cpuMs: (used.user + used.system) / 1000 };
}

const allocateUnsafe = (size: number): Uint8Array => Buffer.allocUnsafe(size);

const streams = new Map<string, Stream>();

function streamFor(c: DecodeCase): Stream {
  const key = `${c.size}/${c.kind}`;
  let s = streams.get(key);
  if (!s) {
    // Small frames: ~1 MiB of them; big ones: a few frames.
    s = frameStream(c, c.size >= 1024 * 1024 ? c.size : 1024 * 1024);
    streams.set(key, s);
  }
  return s;
}

/** Fresh copies of the stream `reps` times over, as Buffers (what a socket hands out). */
function copies(s: Stream, reps: number): Buffer[] {
  const out: Buffer[] = [];
  for (let r = 0; r < reps; r++) {
    for (const chunk of s.chunks) {
      const copy = Buffer.allocUnsafeSlow(chunk.length);
      copy.set(chunk);
      out.push(copy);
    }
  }
  return out;
}

function decodeOurs(chunks: Buffer[]): [number, number] {
  const connection = new WebSocketConnection({
    role: 'server',
    maxPayload: 64 * 1024 * 1024,
    maxMessage: 64 * 1024 * 1024,
    allocate: impl === 'ours-zeroed' ? allocatePooled : allocateUnsafe,
    utf8Check: impl === 'ours-zeroed' ? undefined : isUtf8,
    // As server/connection/codec.ts: a payload that spans reads is unmasked straight into its array.
    unmaskInPlace: impl === 'ours-zeroed',
  });
  let messages = 0;
  let bytes = 0;
  for (const chunk of chunks) {
    connection.receive(chunk);
    for (let event = connection.nextEvent(); event !== null; event = connection.nextEvent()) {
      if (event.kind === 'message') {
        messages++;
        bytes += event.data.length;
      } else if (event.kind === 'fault') {
        throw new Error(event.fault.message);
      }
    }
  }
  return [messages, bytes];
}

function decodeOursParser(chunks: Buffer[]): [number, number] {
  const parser = new FrameParser({ sender: 'client', maxPayload: 64 * 1024 * 1024 });
  const assembler = new MessageAssembler();
  let messages = 0;
  let bytes = 0;
  for (const chunk of chunks) {
    parser.push(chunk);
    for (let item = parser.next(); item !== null; item = parser.next()) {
      if (item.kind === 'fault') throw new Error(item.message);
      const event = assembler.accept(item);
      if (event !== null && event.kind === 'message') {
        messages++;
        bytes += event.data.length;
      }
    }
  }
  return [messages, bytes];
}

function decodeWs(chunks: Buffer[]): [number, number] {
  const receiver = new ws!.Receiver({ isServer: true, maxPayload: 0 });
  let messages = 0;
  let bytes = 0;
  let failure: Error | null = null;
  receiver.on('message', (data) => {
    messages++;
    bytes += data.length;
  });
  receiver.on('error', (error) => {
    failure = error;
  });
  for (const chunk of chunks) receiver.write(chunk);
  if (failure) throw failure;
  return [messages, bytes];
}

function decodeRound(c: DecodeCase, reps: number): RoundResult {
  const s = streamFor(c);
  const chunks = copies(s, reps);
  const decode = impl === 'ws' ? decodeWs : impl === 'ours-parser' ? decodeOursParser : decodeOurs;
  const { result, ms, cpuMs } = timed(() => decode(chunks));
  const [messages, bytes] = result;
  if (messages !== s.frames * reps || bytes !== s.payloadBytes * reps) {
    throw new Error(`${impl} decoded ${messages} messages / ${bytes} bytes, expected ${s.frames * reps} / ${s.payloadBytes * reps}`);
  }
  return { ms, cpuMs, messages, payloadBytes: bytes };
}

const payloads = new Map<number, Buffer>();

function encodeRound(size: number, count: number): RoundResult {
  let payload = payloads.get(size);
  if (!payload) {
    const bytes = payloadFor(size, 'binary', 3);
    payload = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    payloads.set(size, payload);
  }
  const source = payload;
  const { result: total, ms, cpuMs } = timed(() => {
    let total = 0;
    if (impl === 'ws') {
      const Sender = ws!.Sender;
      for (let i = 0; i < count; i++) {
        // As WebSocket#send passes a Buffer: readOnly, so the masked payload is a copy.
        const list = Sender.frame(source, { fin: true, opcode: 0x2, mask: true, readOnly: true, rsv1: false });
        for (const part of list) total += part.length;
      }
    } else {
      // Every variant encodes as a client does, with the codec's default (pooled) allocator.
      for (let i = 0; i < count; i++) {
        total += encodeFrame({ opcode: Opcode.Binary, payload: source, maskingKey: randomMaskingKey() }).length;
      }
    }
    return total;
  });
  if (total < count * size) throw new Error(`${impl} encoded ${total} bytes, expected at least ${count * size}`);
  return { ms, cpuMs, messages: count, payloadBytes: count * size };
}

serve((message) => {
  switch (message.op) {
    case 'info':
      return { impl, bufferutil: impl === 'ws' ? wsUsesBufferutil() : null, node: process.version, kernels };
    case 'decode':
      return decodeRound(message.case as DecodeCase, message.reps as number);
    case 'encode':
      return encodeRound(message.size as number, message.count as number);
    default:
      throw new Error(`unknown op ${String(message.op)}`);
  }
});
