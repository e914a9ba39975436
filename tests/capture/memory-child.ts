/**
 * Run by memory.test.ts in processes of their own (node --expose-gc --import tsx), so that the
 * heap measured is the importer's alone:
 *
 *   memory-child.ts write KIND MB FILE   writes a pcapng of about MB megabytes to FILE
 *   memory-child.ts import FILE          imports it from disk a megabyte at a time, measuring memory
 *                                        after a forced GC every few megabytes and once more at the
 *                                        end with the report alive; prints one JSON line
 *
 *   KIND "websocket": WebSocket connections, 64 KiB binary frames and many small text frames;
 *   KIND "other": one large HTTP download (not WebSocket) and one small WebSocket connection.
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { CaptureImporter, PcapngWriter, TcpConversation, type SynthPacket } from '../../src/capture';
import { encodeFrame, Opcode } from '../../src/protocol';

const enc = new TextEncoder();
const [mode, a, b, c] = process.argv.slice(2);
if (mode === 'write') writeFile(a ?? 'websocket', Number(b ?? '20') * 1024 * 1024, c!);
else if (mode === 'import') importFile(a!);
else throw new Error('usage: memory-child.ts write KIND MB FILE | import FILE');

function writeFile(kind: string, target: number, file: string): void {
  const fd = openSync(file, 'w');
  const writer = new PcapngWriter();
  let written = 0;
  let wsPayload = 0;
  let time = 1_765_000_000_000;
  const write = (bytes: Uint8Array): void => {
    writeSync(fd, bytes);
    written += bytes.length;
  };
  const emit = (packets: SynthPacket[]): void => {
    for (const p of packets) write(writer.packet(p));
  };
  const connection = (port: number, server: number): TcpConversation => {
    const tcp = new TcpConversation({ address: '127.0.0.1', port }, { address: '127.0.0.1', port: server }, { client: port * 7919, server: port * 104729 });
    emit(tcp.open(time));
    return tcp;
  };
  const webSocket = (port: number, budget: number): void => {
    const tcp = connection(port, 8008);
    const request = enc.encode('GET /echo HTTP/1.1\r\nHost: 127.0.0.1:8008\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
    emit(tcp.send('client', request, request.length, (time += 0.01), { ack: false }));
    const response = enc.encode('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n');
    emit(tcp.send('server', response, response.length, (time += 0.01)));
    const big = new Uint8Array(64 * 1024).fill(0x5a);
    const key = Uint8Array.of(1, 2, 3, 4);
    for (let i = 0, sent = 0; sent < budget; i++) {
      const small = i % 4 !== 0;
      const payload = small ? enc.encode(`message ${i}: ${'x'.repeat(i % 100)}`) : big;
      const opcode = small ? Opcode.Text : Opcode.Binary;
      const c2s = encodeFrame({ opcode, payload, maskingKey: key }, (n) => new Uint8Array(n));
      const s2c = encodeFrame({ opcode, payload }, (n) => new Uint8Array(n));
      emit(tcp.send('client', c2s, c2s.length, (time += 0.01)));
      emit(tcp.send('server', s2c, s2c.length, (time += 0.01)));
      sent += c2s.length + s2c.length;
      wsPayload += 2 * payload.length;
    }
    emit(tcp.close('server', (time += 0.01)));
  };
  const download = (port: number, budget: number): void => {
    const tcp = connection(port, 80);
    const request = enc.encode('GET /big.iso HTTP/1.1\r\nHost: example\r\n\r\n');
    emit(tcp.send('client', request, request.length, (time += 0.01), { ack: false }));
    const head = enc.encode(`HTTP/1.1 200 OK\r\nContent-Length: ${budget}\r\n\r\n`);
    emit(tcp.send('server', head, head.length, (time += 0.01)));
    const chunk = new Uint8Array(60_000).fill(0x42);
    for (let sent = 0; sent < budget; sent += chunk.length) emit(tcp.send('server', chunk, chunk.length, (time += 0.01)));
    emit(tcp.close('server', (time += 0.01)));
  };

  write(writer.header());
  if (kind === 'websocket') {
    for (let i = 0; written < target; i++) webSocket(40000 + i, 2 * 1024 * 1024);
  } else {
    webSocket(40000, 64 * 1024);
    download(40001, target);
  }
  closeSync(fd);
  process.stdout.write(`${JSON.stringify({ kind, fileBytes: written, wsPayload })}\n`);
}

function importFile(file: string): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  gc();
  const base = process.memoryUsage();
  const held = (): number => {
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers - (base.heapUsed + base.arrayBuffers);
  };
  const importer = new CaptureImporter();
  const input = openSync(file, 'r');
  let peak = 0;
  let read = 0;
  for (let chunks = 1; ; chunks++) {
    const chunk = new Uint8Array(1024 * 1024);
    const n = readSync(input, chunk, 0, chunk.length, null);
    if (n === 0) break;
    importer.push(chunk.subarray(0, n));
    read += n;
    if (chunks % 4 === 0) peak = Math.max(peak, held());
  }
  closeSync(input);
  const report = importer.finish();
  const retained = held();
  peak = Math.max(peak, retained);
  const frames = report.connections.reduce((n, conn) => n + conn.frames.length, 0);
  process.stdout.write(`${JSON.stringify({ read, frames, connections: report.connections.length, other: report.nonWebSocketStreams, error: report.error, peak, retained })}\n`);
}
