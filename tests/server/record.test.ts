/**
 * `--record DIR`: each connection written into DIR when it closes, as a pcapng and a Framescope
 * JSON capture: its handshake, every frame both ways whole (a 70,000-byte frame too, past the
 * pages' 64 KiB), one TCP segment per read, a fault, the close; a page watching at the same time
 * gets what it got before. Bounded (a connection past --record-max marks a gap; the server goes
 * on), safe (a folder removed under it is logged, the server goes on; a folder that cannot be
 * written stops the start with the reason). Under `npm start` (the compiled server, SIGINT writes
 * what is open) and `npm run dev` (FRAMESCOPE_RECORD).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer, type ViteDevServer } from 'vite';
import WebSocket, { WebSocketServer } from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { importCapture, parseCapture, type CaptureFile, type CaptureReport } from '../../src/capture';
import type { InspectorMessage } from '../../src/wire/inspector';
import { parseCli } from '../../server/args';
import { memoryLogger } from '../../server/log';
import { RecordDirError } from '../../server/record/index';
import { TrafficRecorder } from '../../server/record/recorder';
import { createFramescopeServer, type FramescopeServer } from '../../server/server';
import { framescopeDevPlugin, optionsFromEnv } from '../../server/vite-plugin';
import { frame, Raw } from '../abuse/helpers';
import { CI, have } from '../capture/tools';
import { buildServer, type ServerBuild } from '../helpers/built-server';
import { ServerProcess } from '../helpers/server-process';
import { fromCodec, problems, tsharkFrames, tsharkPackets } from '../wireshark/dissect';
import { eventually } from './helpers';

const dirs: string[] = [];
function folder(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'framescope-record-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The files in `dir` by extension, once `count` of each are there. */
async function files(dir: string, count: number): Promise<{ pcapng: string[]; json: string[] }> {
  let found = { pcapng: [] as string[], json: [] as string[] };
  await eventually(() => {
    const all = readdirSync(dir).sort();
    found = { pcapng: all.filter((f) => f.endsWith('.pcapng')).map((f) => path.join(dir, f)), json: all.filter((f) => f.endsWith('.json')).map((f) => path.join(dir, f)) };
    return found.pcapng.length >= count && found.json.length >= count;
  }, 10_000);
  return found;
}

async function echoSession(url: string): Promise<void> {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const replies: Buffer[] = [];
  ws.on('message', (data) => replies.push(data as Buffer));
  ws.send('Hello');
  ws.send(Buffer.alloc(200, 7));
  ws.send(Buffer.alloc(70_000, 9));
  ws.ping('are you there');
  await eventually(() => replies.length === 3, 5_000);
  ws.close(1000, 'done');
  await new Promise((resolve) => ws.once('close', resolve));
}

function frameSummary(report: CaptureReport): string[] {
  return report.connections[0]!.frames.map((f) => `${f.dir} ${f.frame.opcode} ${f.frame.payloadLength}`);
}

describe('--record DIR, in the server', () => {
  let server: FramescopeServer;
  let port = 0;
  let dir = '';
  const logger = memoryLogger();

  beforeAll(async () => {
    dir = folder();
    server = createFramescopeServer({ logger, pingInterval: 0, idleTimeout: 0, record: { dir } });
    port = (await server.listen(0, '127.0.0.1')).port;
  });
  afterAll(async () => {
    await server?.close({ timeout: 500 });
  });

  it('writes a pcapng and a JSON capture of a connection when it closes: every frame whole, both ways, one segment per read', async () => {
    // A page watching the same session meanwhile: it gets the 70,000-byte frame cut to its 64 KiB, as before.
    const seen: InspectorMessage[] = [];
    const page = new WebSocket(`ws://127.0.0.1:${port}/inspect?session=rec1`);
    page.on('message', (data) => seen.push(JSON.parse(String(data)) as InspectorMessage));
    await new Promise((resolve) => page.once('open', resolve));
    await echoSession(`ws://127.0.0.1:${port}/echo?session=rec1`);
    const { pcapng, json } = await files(dir, 1);
    expect(pcapng).toHaveLength(1);
    expect(path.basename(pcapng[0]!)).toMatch(/^\d{8}-\d{6}-conn\d+-echo-127\.0\.0\.1-\d+\.pcapng$/);

    const parsed = parseCapture(readFileSync(json[0]!, 'utf8'));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const conn = parsed.capture.connections[0]!;
    expect(parsed.capture.source).toBe('server --record');
    expect(conn.path).toBe('/echo');
    expect(conn.events.at(-1)).toMatchObject({ type: 'closed', code: 1000, reason: 'done', wasClean: true });
    const big = conn.events.find((e) => e.type === 'frame' && e.payloadLength === 70_000);
    expect(big).toMatchObject({ truncated: false });

    const report = importCapture(readFileSync(pcapng[0]!));
    expect(report.error).toBeNull();
    const ways = (r: CaptureReport, dir: string): string[] => frameSummary(r).filter((f) => f.startsWith(dir));
    expect(ways(report, 'c2s')).toEqual(['c2s 1 5', 'c2s 2 200', 'c2s 2 70000', 'c2s 9 13', 'c2s 8 6']);
    expect(ways(report, 's2c')).toEqual(['s2c 1 5', 's2c 2 200', 's2c 2 70000', 's2c 10 13', 's2c 8 2']);
    // One TCP segment per read the server made of the client's bytes.
    const reads = conn.events.filter((e) => e.type === 'read').length;
    expect(reads).toBeGreaterThan(0);
    expect(report.packets).toBeGreaterThanOrEqual(3 + 2 + reads + 5 + 3);
    const payload = report.connections[0]!.frames.find((f) => f.dir === 's2c' && f.frame.payloadLength === 70_000)!.frame.payload;
    expect(payload.every((b) => b === 9)).toBe(true);
    const fromJson = importCapture(readFileSync(json[0]!));
    for (const dir of ['c2s', 's2c']) expect(ways(fromJson, dir)).toEqual(ways(report, dir));

    // The page's copy of the same frame: cut at its limit, as without --record.
    const pageBig = seen.find((m) => m.type === 'frame' && m.payloadLength === 70_000 && m.direction === 'out');
    expect(pageBig).toMatchObject({ truncated: true });
    page.close();
  });

  it('tshark reads the recorded pcapng as the codec does', async (context) => {
    if (!have('tshark')) {
      if (CI) expect.fail('tshark not found (apt-get install tshark): CI=true needs it');
      console.warn('\n!!! tests/server/record.test.ts: tshark not found: the Wireshark check did NOT run\n');
      context.skip();
    }
    const { pcapng } = await files(dir, 1);
    const packets = tsharkPackets(pcapng[0]!, port);
    const report = importCapture(readFileSync(pcapng[0]!));
    const conn = report.connections[0]!;
    const clientPort = Number(conn.client.split(':').at(-1));
    const ts = tsharkFrames(packets, port);
    for (const dir of ['c2s', 's2c'] as const) {
      expect(ts.get(`${clientPort} ${dir}`), dir).toEqual(conn.frames.filter((f) => f.dir === dir).map((f) => fromCodec(f.frame)));
    }
    expect(problems(packets)).toEqual([]);
  });

  it('records a connection watched through /proxy: the target\u2019s bytes as the proxy read them, one segment per read', async () => {
    const target = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
    target.on('connection', (socket) => socket.on('message', (data, binary) => socket.send(data, { binary })));
    await new Promise((resolve) => target.once('listening', resolve));
    try {
      const targetUrl = `ws://127.0.0.1:${(target.address() as AddressInfo).port}/`;
      const before = new Set(readdirSync(dir));
      const ws = new WebSocket(`ws://127.0.0.1:${port}/proxy?target=${encodeURIComponent(targetUrl)}&session=rec3`, { perMessageDeflate: false });
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      ws.send('through the proxy');
      await new Promise((resolve) => ws.once('message', resolve));
      ws.close(1000, 'bye');
      await new Promise((resolve) => ws.once('close', resolve));
      // Files are written as hidden `.NAME.partial`, then renamed: wait for the two final names.
      const finished = (f: string): boolean => !before.has(f) && !f.startsWith('.') && f.includes('-proxy-');
      await eventually(() => readdirSync(dir).filter(finished).length === 2, 10_000, 'the proxied connection\u2019s files');
      const name = readdirSync(dir).find((f) => finished(f) && f.endsWith('.json'))!;
      const parsed = parseCapture(readFileSync(path.join(dir, name), 'utf8'));
      if (!parsed.ok) throw new Error(parsed.error.message);
      const conn = parsed.capture.connections[0]!;
      expect(conn.proxy?.target).toBe(targetUrl);
      expect(conn.events.some((e) => e.type === 'read' && e.direction === 'out')).toBe(true);
      const report = importCapture(readFileSync(path.join(dir, name.replace(/\.json$/, '.pcapng'))));
      expect(report.error).toBeNull();
      expect(report.connections[0]!.frames.map((f) => `${f.dir} ${f.frame.opcode}`)).toEqual(['c2s 1', 's2c 1', 'c2s 8', 's2c 8']);
    } finally {
      await new Promise((resolve) => target.close(resolve));
    }
  });

  it('records a client\u2019s fault where the server found it', async () => {
    // Only finished files: each is written as a hidden `.NAME.partial` first, then renamed.
    const written = (): string[] => readdirSync(dir).filter((f) => !f.startsWith('.'));
    const before = written().length;
    const raw = await Raw.open(port, '/echo?session=rec2');
    raw.write(frame(1, 'ok', true, 0, Buffer.from([1, 2, 3, 4])));
    raw.write(Buffer.concat([Buffer.from([0x81, 8]), Buffer.from('unmasked')])); // MASK=0 from a client (RFC 6455 §5.1)
    await raw.until(() => raw.close !== null, 3_000, 'the server\u2019s close');
    raw.socket.end();
    await eventually(() => written().length >= before + 2, 10_000);
    const newest = written().filter((f) => f.endsWith('.pcapng')).sort().map((f) => path.join(dir, f));
    const reports = newest.map((f) => importCapture(readFileSync(f)));
    const faulty = reports.find((r) => r.connections[0]!.faults.length > 0)!;
    expect(faulty.connections[0]!.faults.map((f) => [f.dir, f.fault.rule])).toEqual([['c2s', 'mask-required']]);
    expect(faulty.connections[0]!.frames.map((f) => `${f.dir} ${f.frame.opcode}`)).toEqual(['c2s 1', 's2c 1', 's2c 8']);
  });
});

describe('--record is bounded and safe', () => {
  const servers: FramescopeServer[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close({ timeout: 200 });
  });

  it('a connection past --record-max marks a gap in its file and goes on; the server keeps serving', async () => {
    const dir = folder();
    const server = createFramescopeServer({ quiet: true, pingInterval: 0, idleTimeout: 0, record: { dir, maxBytes: 8 * 1024 } });
    servers.push(server);
    const { port } = await server.listen(0, '127.0.0.1');
    const ws = new WebSocket(`ws://127.0.0.1:${port}/echo`);
    await new Promise((resolve) => ws.once('open', resolve));
    let back = 0;
    ws.on('message', () => back++);
    for (let i = 0; i < 40; i++) ws.send(Buffer.alloc(1000, i));
    await eventually(() => back === 40, 5_000);
    ws.close(1000);
    const { json } = await files(dir, 1);
    const parsed = parseCapture(readFileSync(json[0]!, 'utf8'));
    if (!parsed.ok) throw new Error(parsed.error.message);
    const events = parsed.capture.connections[0]!.events;
    const kept = events.filter((e) => e.type === 'frame').length;
    expect(kept).toBeGreaterThan(2);
    expect(kept).toBeLessThan(20);
    const dropped = events.filter((e) => e.type === 'dropped').reduce((n, e) => n + (e as { count: number }).count, 0);
    expect(kept + dropped).toBeGreaterThanOrEqual(80 + 2 - 2);
    expect(parsed.capture.name).toMatch(/frames past 8,192 bytes not kept/);
    const report = importCapture(readFileSync(json[0]!));
    expect(report.notes.join(' ')).toMatch(/inspector events? (was|were) skipped or dropped/);
    expect(server.recording!.recorder.bytes).toBe(0);
  });

  it('a folder removed under it: the write error is logged, the server goes on', async () => {
    const dir = folder();
    const logger = memoryLogger();
    const server = createFramescopeServer({ logger, pingInterval: 0, idleTimeout: 0, record: { dir } });
    servers.push(server);
    const { port } = await server.listen(0, '127.0.0.1');
    rmSync(dir, { recursive: true, force: true });
    for (let i = 0; i < 2; i++) {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/echo`);
      await new Promise((resolve) => ws.once('open', resolve));
      ws.send('still here');
      await new Promise((resolve) => ws.once('message', resolve));
      ws.close(1000);
      await new Promise((resolve) => ws.once('close', resolve));
    }
    await eventually(() => server.recording!.writer.failed >= 4, 5_000);
    const errors = logger.lines.filter((l) => l.startsWith('record: '));
    expect(errors[0]).toMatch(/^record: could not write .*\.pcapng: ENOENT .*; the server goes on$/);
    // Logged once for the first failure of a kind, not once per file.
    expect(errors.length).toBeLessThan(4);
  });

  it('a folder that cannot be written stops the start, saying which and why', () => {
    const dir = folder();
    const file = path.join(dir, 'a-file');
    writeFileSync(file, 'not a folder');
    expect(() => createFramescopeServer({ quiet: true, record: { dir: path.join(file, 'captures') } })).toThrow(RecordDirError);
    expect(() => createFramescopeServer({ quiet: true, record: { dir: path.join(file, 'captures') } })).toThrow(/^--record .*a-file\/captures: cannot write there \((ENOTDIR|EEXIST): /);
  });

  it('parses --record and --record-max', () => {
    expect(parseCli(['--record', 'caps'])).toMatchObject({ kind: 'run', options: { record: { dir: 'caps', maxBytes: 32 * 1024 * 1024 } } });
    expect(parseCli(['--record', 'caps', '--record-max', '1MiB'])).toMatchObject({ options: { record: { dir: 'caps', maxBytes: 1024 * 1024 } } });
    expect(parseCli([])).toMatchObject({ options: { record: null } });
    expect(parseCli(['--record-max', '1MiB'])).toEqual({ kind: 'error', message: '--record-max goes with --record DIR' });
    expect(parseCli(['--record', ' '])).toEqual({ kind: 'error', message: '--record needs a folder, like --record captures' });
    expect(parseCli(['--record', 'x', '--record-max', 'lots'])).toMatchObject({ kind: 'error', message: expect.stringMatching(/^--record-max takes a size/) });
  });
});

describe('--record under npm start (the compiled server)', () => {
  let build: ServerBuild;
  beforeAll(async () => {
    build = await buildServer();
  }, 120_000);
  afterAll(() => build?.remove());

  it('records every connection; SIGINT writes the ones still open; exit 0', async () => {
    const dir = folder();
    const server = await ServerProcess.start(build, ['--record', dir, '--quiet']);
    try {
      await eventually(() => server.output.includes(`Recording every connection into ${dir}`), 5_000, 'the recording line');
      await echoSession(server.url('/echo'));
      await files(dir, 1);
      const open = new WebSocket(server.url('/echo'));
      await new Promise((resolve) => open.once('open', resolve));
      open.send('left open');
      await new Promise((resolve) => open.once('message', resolve));
      expect(await server.stop('SIGINT')).toBe(0);
      const { json } = await files(dir, 2);
      const captures = json.map((f) => parseCapture(readFileSync(f, 'utf8')));
      expect(captures.every((c) => c.ok)).toBe(true);
      const last = captures.map((c) => (c.ok ? c.capture.connections[0]!.events.at(-1) : null));
      expect(last.filter((e) => e?.type === 'closed').map((e) => (e as { code: number }).code).sort()).toEqual([1000, 1001]);
    } finally {
      await server.stop();
    }
  }, 60_000);

  it('a folder that cannot be written: one clear line, exit 1', async () => {
    const dir = folder();
    const file = path.join(dir, 'plain-file');
    writeFileSync(file, '');
    const { code, err } = await ServerProcess.run(build, ['--port', '0', '--record', path.join(file, 'sub')]);
    expect(code).toBe(1);
    expect(err).toMatch(/^framescope: --record .*plain-file\/sub: cannot write there \((ENOTDIR|EEXIST): .*\)\n$/);
  }, 30_000);
});

describe('FRAMESCOPE_RECORD=DIR npm run dev', () => {
  let vite: ViteDevServer;
  let dir = '';
  beforeAll(async () => {
    dir = folder();
    const root = folder();
    writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>dev</title>');
    vite = await createServer({
      configFile: false,
      root,
      logLevel: 'silent',
      plugins: [framescopeDevPlugin({ quiet: true, ...optionsFromEnv({ FRAMESCOPE_RECORD: dir }) })],
      server: { host: '127.0.0.1', port: 0, strictPort: false },
    });
    await vite.listen();
  });
  afterAll(async () => {
    await vite?.close();
  });

  it('writes each connection on Vite\u2019s port', async () => {
    expect(optionsFromEnv({ FRAMESCOPE_RECORD: ' caps ' })).toEqual({ record: { dir: 'caps' } });
    const port = (vite.httpServer!.address() as AddressInfo).port;
    await echoSession(`ws://127.0.0.1:${port}/echo`);
    const { pcapng } = await files(dir, 1);
    const report = importCapture(readFileSync(pcapng[0]!));
    expect(report.connections[0]!.server).toBe(`127.0.0.1:${port}`);
    expect(frameSummary(report)).toHaveLength(10);
  });
});

describe('the recorder\u2019s memory bound', () => {
  it('past maxMemory it wants no more traffic; what the tap skipped is a dropped event on that session\u2019s connections', () => {
    const done: CaptureFile[] = [];
    const recorder = new TrafficRecorder({ maxBytes: 1_000_000, maxMemory: 2_000, maxFrameBytes: 1_000_000 }, (f) => done.push(f.capture));
    const open = (connection: number, session: string): InspectorMessage => ({
      type: 'open', t: connection, wall: 1_700_000_000_000 + connection, connection, path: '/echo', session, peer: `127.0.0.1:${50_000 + connection}`,
      request: { method: 'GET', url: '/echo', httpVersion: '1.1', headers: ['Host: 127.0.0.1:8008'] },
      response: { status: 101, head: 'HTTP/1.1 101 Switching Protocols\r\n\r\n' },
    });
    recorder.accept(open(1, 'a'));
    recorder.accept(open(2, 'b'));
    expect(recorder.wants).toBe(true);
    const payload = '00'.repeat(1_500);
    recorder.accept({ type: 'frame', t: 10, wall: 1_700_000_000_010, connection: 1, direction: 'out', offset: 0, size: 1_504, opcode: 2, fin: true, masked: false, payloadLength: 1_500, headerLength: 4, bytes: `827e05dc${payload}`, truncated: false });
    expect(recorder.wants).toBe(true);
    recorder.accept({ type: 'frame', t: 11, wall: 1_700_000_000_011, connection: 1, direction: 'out', offset: 1_504, size: 1_504, opcode: 2, fin: true, masked: false, payloadLength: 1_500, headerLength: 4, bytes: `827e05dc${payload}`, truncated: false });
    expect(recorder.wants).toBe(false);
    recorder.skipped('a', 5);
    recorder.accept({ type: 'closed', t: 20, wall: 1_700_000_000_020, connection: 1, code: 1000, reason: '', wasClean: true, initiator: 'client', cause: null, duration: 19, framesIn: 0, framesOut: 7, bytesIn: 0, bytesOut: 10_000 });
    expect(recorder.wants).toBe(true);
    expect(recorder.bytes).toBe(0);
    expect(done).toHaveLength(1);
    expect(done[0]!.connections[0]!.events.map((e) => e.type)).toEqual(['frame', 'frame', 'dropped', 'closed']);
    expect(done[0]!.connections[0]!.events[2]).toMatchObject({ type: 'dropped', count: 5 });
    // Connection 2 (another session) is written as it is when the server stops.
    recorder.drain();
    expect(done).toHaveLength(2);
    expect(done[1]!.connections[0]!.events).toEqual([]);
  });
});
