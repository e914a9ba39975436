/**
 * A focused loop for `node --cpu-prof`: one implementation decoding (or encoding) one case over
 * and over, e.g.
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile/codec.ts decode 16 text ours 3000
 *
 * Arguments: decode|encode, payload size in bytes, text|binary, ours|ours-zeroed|ours-parser|ws,
 * milliseconds, and `js` to run ours with the JavaScript kernels only. `ours` decodes as the server
 * configures the codec (Buffer.allocUnsafe, Node's isUtf8), `ours-zeroed` as the browser runs it
 * (the codec's pooled allocator, no native UTF-8 check), as in bench/codec/worker.ts.
 * Prints the throughput; the profile lands in --cpu-prof-dir.
 */
import { isUtf8 } from 'node:buffer';
import { frameStream, payloadFor, type PayloadKind } from '../codec/fixtures';
import {
  encodeFrame,
  FrameParser,
  MessageAssembler,
  Opcode,
  randomMaskingKey,
  useKernels,
  WebSocketConnection,
} from '../../src/protocol';
import { loadWs } from '../lib/ws-internals';

const [op = 'decode', sizeArg = '16', kindArg = 'text', impl = 'ours', msArg = '3000', kernels = 'wasm'] = process.argv.slice(2);
useKernels(kernels === 'js' ? 'javascript' : 'webassembly');
const size = Number(sizeArg);
const kind = kindArg as PayloadKind;
const until = performance.now() + Number(msArg);
const ws = impl === 'ws' ? loadWs() : null;

let messages = 0;
let busy = 0;
if (op === 'decode') {
  const s = frameStream({ name: '', size, kind }, Math.max(size + 14, 1024 * 1024));
  while (performance.now() < until) {
    const chunks = s.chunks.map((c) => {
      const b = Buffer.allocUnsafeSlow(c.length);
      b.set(c);
      return b;
    });
    const t0 = performance.now();
    if (impl === 'ours' || impl === 'ours-zeroed') {
      const server = impl === 'ours';
      const connection = new WebSocketConnection({
        role: 'server',
        maxPayload: 64 << 20,
        maxMessage: 64 << 20,
        ...(server ? { allocate: (n: number) => Buffer.allocUnsafe(n), utf8Check: isUtf8, unmaskInPlace: false } : {}),
      });
      for (const chunk of chunks) {
        connection.receive(chunk);
        for (let e = connection.nextEvent(); e !== null; e = connection.nextEvent()) if (e.kind === 'message') messages++;
      }
    } else if (impl === 'ours-parser') {
      const parser = new FrameParser({ sender: 'client', maxPayload: 64 << 20 });
      const assembler = new MessageAssembler();
      for (const chunk of chunks) {
        parser.push(chunk);
        for (let f = parser.next(); f !== null; f = parser.next()) {
          if (f.kind === 'fault') throw new Error(f.message);
          if (assembler.accept(f)?.kind === 'message') messages++;
        }
      }
    } else {
      const receiver = new ws!.Receiver({ isServer: true, maxPayload: 0 });
      receiver.on('message', () => messages++);
      for (const chunk of chunks) receiver.write(chunk);
    }
    busy += performance.now() - t0;
  }
} else {
  const payload = Buffer.from(payloadFor(size, 'binary'));
  const t0 = performance.now();
  while (performance.now() < until) {
    for (let i = 0; i < 1000; i++) {
      if (impl === 'ws') ws!.Sender.frame(payload, { fin: true, opcode: 2, mask: true, readOnly: true, rsv1: false });
      else encodeFrame({ opcode: Opcode.Binary, payload, maskingKey: randomMaskingKey() });
      messages++;
    }
  }
  busy = performance.now() - t0;
}
console.log(`${op} ${size} B ${kind} ${impl}: ${((messages / busy) * 1000).toFixed(0)} msg/s, ${((messages * size) / busy / 1e6).toFixed(1)} MB/ms·1e3`);
