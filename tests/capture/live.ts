/**
 * Sessions played on a loopback address for the capture tests and for the fixtures' regeneration
 * script: a raw TCP client that writes exactly the frames given and records every byte both ways
 * (so the expected frames come from the client's own bytes, decoded by the codec, not from the
 * importer under test); and permessage-deflate sessions against `ws` with its compression on,
 * from a `ws` client and from Chromium, recording the messages each side's application saw.
 */
import net from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { captureJson, type CaptureJson } from '../../src/cli/capture';
import { decodeFrames, encodeFrame, FrameParser, Opcode, toHex, type FrameSpec } from '../../src/protocol';
import { createFramescopeServer } from '../../server/index';

const enc = new TextEncoder();

export type JsonFrame = CaptureJson['connections'][number]['frames'][number];

/** What the client saw: its connection's ends and every frame both ways, as `decode --capture --json` prints them. */
export interface ClientView {
  client: string;
  server: string;
  frames: JsonFrame[];
}

export interface DeflateView {
  client: string;
  server: string;
  /** The messages the applications sent and received, in order per direction. */
  messages: { dir: 'c2s' | 's2c'; text: string }[];
}

const address = (host: string, port: number): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

/** One frame as `captureJson` prints it. */
function jsonFrames(bytes: Uint8Array, dir: 'c2s' | 's2c'): JsonFrame[] {
  const decoded = decodeFrames(bytes, { sender: dir === 'c2s' ? 'client' : 'server' });
  if (decoded.fault !== null) throw new Error(`the ${dir} bytes do not decode: ${decoded.fault.message}`);
  return decoded.frames.map((f) => ({
    dir,
    fin: f.fin,
    rsv1: f.rsv1,
    rsv2: f.rsv2,
    rsv3: f.rsv3,
    opcode: f.opcode,
    masked: f.masked,
    payloadLength: f.payloadLength,
    maskingKey: f.maskingKey === null ? null : toHex(f.maskingKey),
    payload: toHex(f.payload),
  }));
}

/** Frames of a view in the order the importer gives them for one direction. */
export function byDirection(frames: readonly JsonFrame[], dir: 'c2s' | 's2c'): JsonFrame[] {
  return frames.filter((f) => f.dir === dir);
}

const key = (i: number): Uint8Array => Uint8Array.of(0x11 * i, 0x22, 0x33 + i, 0x44);
const pattern = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 0xff);

/** The client's script: what it writes, and how many frames it then waits for. */
const SCRIPT: { write: FrameSpec[]; replies: number }[] = [
  { write: [{ opcode: Opcode.Text, payload: enc.encode('Hello') }], replies: 1 },
  { write: [{ opcode: Opcode.Binary, payload: pattern(125) }], replies: 1 },
  { write: [{ opcode: Opcode.Binary, payload: pattern(126) }], replies: 1 },
  { write: [{ opcode: Opcode.Text, payload: enc.encode('ü'.repeat(500)) }], replies: 1 },
  { write: [{ opcode: Opcode.Text, payload: new Uint8Array(0) }], replies: 1 },
  {
    write: [
      { opcode: Opcode.Text, payload: enc.encode('frag'), fin: false },
      { opcode: Opcode.Ping, payload: enc.encode('mid') },
      { opcode: Opcode.Continuation, payload: enc.encode('ment') },
    ],
    replies: 2,
  },
  { write: [{ opcode: Opcode.Ping, payload: enc.encode('are you there?') }], replies: 1 },
  { write: [{ opcode: Opcode.Close, payload: Uint8Array.of(0x03, 0xe8, ...enc.encode('bye')) }], replies: 1 },
];

/**
 * Framescope's own server on `host` (127.0.0.1 or ::1), a raw client playing SCRIPT on /echo.
 * `during` runs with the server's port before the client connects (to start a capture).
 */
export async function echoSession(host: string, during: (port: number) => Promise<void>): Promise<ClientView> {
  const server = createFramescopeServer({ quiet: true, pingInterval: 0, idleTimeout: 0 });
  const { port } = await server.listen(0, host);
  try {
    await during(port);
    return await rawClient(host, port);
  } finally {
    await server.close({ timeout: 200 });
  }
}

async function rawClient(host: string, port: number): Promise<ClientView> {
  const socket = net.connect({ host, port });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.setNoDelay(true);
  const localPort = socket.localPort!;
  const sent: Uint8Array[] = [];
  const received: Buffer[] = [];
  let head = -1;
  let frames = 0;
  const parser = new FrameParser({ sender: 'server' });
  let wake = (): void => {};
  let ended = false;
  socket.on('data', (chunk: Buffer) => {
    received.push(chunk);
    if (head === -1) {
      const all = Buffer.concat(received);
      const end = all.indexOf('\r\n\r\n');
      if (end === -1) return;
      head = end + 4;
      parser.push(new Uint8Array(all.subarray(head)));
    } else {
      parser.push(new Uint8Array(chunk));
    }
    while (parser.next() !== null) frames++;
    wake();
  });
  socket.on('end', () => {
    ended = true;
    wake();
  });
  const until = (ready: () => boolean, what: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), 10_000);
      const check = (): void => {
        if (!ready()) return;
        clearTimeout(timer);
        resolve();
      };
      wake = check;
      check();
    });
  const write = (bytes: Uint8Array): void => {
    sent.push(bytes);
    socket.write(bytes);
  };
  write(enc.encode(`GET /echo HTTP/1.1\r\nHost: ${address(host, port)}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`));
  await until(() => head !== -1, 'the 101');
  let k = 0;
  for (const step of SCRIPT) {
    const want = frames + step.replies;
    const bytes = step.write.map((spec) => encodeFrame({ ...spec, maskingKey: key(++k) }, (n) => new Uint8Array(n)));
    write(Uint8Array.from(Buffer.concat(bytes)));
    await until(() => frames >= want, `${step.replies} frame(s) back`);
  }
  await until(() => ended, 'the server to close TCP');
  socket.end();
  await new Promise((r) => socket.once('close', r));
  const out = Buffer.concat(sent);
  const back = Buffer.concat(received);
  const requestEnd = out.indexOf('\r\n\r\n') + 4;
  return {
    client: address(host, localPort),
    server: address(host, port),
    frames: [...jsonFrames(new Uint8Array(out.subarray(requestEnd)), 'c2s'), ...jsonFrames(new Uint8Array(back.subarray(head)), 's2c')],
  };
}

/** The messages both deflate sessions send: repetitive text (so context takeover shows), and a long one. */
export const DEFLATE_MESSAGES = ['Hello, Hello, Hello, compressed world', 'Hello, Hello, Hello, compressed world', 'lesson '.repeat(400), '{"json":true,"n":42}'];

/** `ws` as the server with permessage-deflate on every message (threshold 0), echoing. */
export async function deflateServer(host: string, noContextTakeover: boolean): Promise<{ port: number; close(): Promise<void> }> {
  const wss = new WebSocketServer({ host, port: 0, perMessageDeflate: { threshold: 0, serverNoContextTakeover: noContextTakeover, clientNoContextTakeover: noContextTakeover } });
  wss.on('connection', (ws) => ws.on('message', (data, binary) => ws.send(data, { binary })));
  await new Promise((r) => wss.once('listening', r));
  return {
    port: (wss.address() as net.AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      for (const c of wss.clients) c.terminate();
      wss.close(() => resolve());
    }),
  };
}

/** A `ws` client with permessage-deflate: sends DEFLATE_MESSAGES one by one, each echoed. */
export async function wsDeflateClient(host: string, port: number): Promise<DeflateView> {
  const ws = new WebSocket(`ws://${address(host, port)}/`, { perMessageDeflate: { threshold: 0 } });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const messages: DeflateView['messages'] = [];
  for (const text of DEFLATE_MESSAGES) {
    const echoed = new Promise<string>((r) => ws.once('message', (d) => r(String(d))));
    ws.send(text);
    messages.push({ dir: 'c2s', text });
    messages.push({ dir: 's2c', text: await echoed });
  }
  const local = (ws as unknown as { _socket: net.Socket })._socket.localPort!;
  ws.close(1000, 'done');
  await new Promise((r) => ws.once('close', r));
  return { client: address(host, local), server: address(host, port), messages };
}

/** Chromium's own WebSocket (it offers permessage-deflate itself), driven by playwright-core. */
export async function chromiumDeflateClient(chromiumPath: string, args: readonly string[], host: string, port: number): Promise<DeflateView> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: chromiumPath, args: [...args] });
  try {
    const page = await browser.newPage();
    const url = `ws://${address(host, port)}/`;
    // A string, not a function: the test runner rewrites identifiers such as WebSocket in this module's code.
    const received = (await page.evaluate(`(async () => {
      const ws = new WebSocket(${JSON.stringify(url)});
      await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = () => reject(new Error('the WebSocket failed')); });
      const out = [];
      for (const m of ${JSON.stringify(DEFLATE_MESSAGES)}) {
        const echoed = new Promise((r) => { ws.onmessage = (e) => r(String(e.data)); });
        ws.send(m);
        out.push(await echoed);
      }
      ws.close(1000, 'done');
      await new Promise((r) => { ws.onclose = r; });
      return out;
    })()`)) as string[];
    return { client: '', server: address(host, port), messages: DEFLATE_MESSAGES.flatMap((text, i) => [{ dir: 'c2s' as const, text }, { dir: 's2c' as const, text: received[i]! }]) };
  } finally {
    await browser.close();
  }
}

/** The importer's view of a file, as the CLI's JSON prints it. */
export { captureJson };
