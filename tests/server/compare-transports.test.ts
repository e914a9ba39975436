/**
 * The comparison's endpoints (server/transports/), each on real sockets: every message echoed,
 * in order, none lost (a poll's `after` and a stream's `Last-Event-ID` resend what did not
 * arrive), every resource bounded (queued echoes, held polls, open streams and a stream whose
 * client stopped reading, runs), and bad requests answered with a status and a reason.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SseParser } from '../../src/compare/sse-parser';
import { COMPARE_PATHS, type HttpTransportName, type PollResponse, type StatsResponse } from '../../src/wire/compare';
import type { FramescopeServerOptions } from '../../server/server';
import { memoryLogger } from '../../server/log';
import { startServer, type Running } from './helpers';

let running: Running | null = null;
afterEach(async () => {
  await running?.stop();
  running = null;
});

async function serve(options: FramescopeServerOptions = {}): Promise<Running> {
  running = await startServer(options);
  return running;
}

const base = (r: Running): string => `http://127.0.0.1:${r.port}`;

function post(r: Running, transport: HttpTransportName, run: string, seq: number, text: string): Promise<Response> {
  return fetch(`${base(r)}${COMPARE_PATHS.send(transport)}?run=${run}&seq=${seq}`, { method: 'POST', body: text });
}

async function poll(r: Running, transport: 'short-polling' | 'long-polling', run: string, after: number, signal?: AbortSignal): Promise<PollResponse> {
  const response = await fetch(`${base(r)}${COMPARE_PATHS.poll(transport)}?run=${run}&after=${after}`, { signal });
  expect(response.status).toBe(200);
  return (await response.json()) as PollResponse;
}

async function stats(r: Running, run: string): Promise<StatsResponse> {
  const response = await fetch(`${base(r)}${COMPARE_PATHS.stats}?run=${run}`);
  expect(response.status).toBe(200);
  return (await response.json()) as StatsResponse;
}

const text = (seq: number): string => `message ${seq} ${'x'.repeat(seq % 7)}`;

describe('short polling', () => {
  it('echoes every message, in order, once; a poll acknowledges what came before it', async () => {
    const r = await serve();
    for (let seq = 1; seq <= 30; seq++) expect((await post(r, 'short-polling', 'short-run', seq, text(seq))).status).toBe(204);
    const all = await poll(r, 'short-polling', 'short-run', 0);
    expect(all.messages).toEqual(Array.from({ length: 30 }, (_, i) => ({ seq: i + 1, text: text(i + 1) })));
    // An answer lost on the way is sent again: the client asks after what it has.
    expect((await poll(r, 'short-polling', 'short-run', 10)).messages.map((m) => m.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 11));
    expect((await poll(r, 'short-polling', 'short-run', 30)).messages).toEqual([]);
    // A retried POST (a seq already taken) is answered 204 and not echoed twice.
    expect((await post(r, 'short-polling', 'short-run', 30, text(30))).status).toBe(204);
    expect((await poll(r, 'short-polling', 'short-run', 30)).messages).toEqual([]);
    const counts = (await stats(r, 'short-run')).transports['short-polling'];
    expect(counts.requests).toBe(31 + 4);
    expect(counts.up.payload).toBe(Array.from({ length: 30 }, (_, i) => Buffer.byteLength(text(i + 1))).reduce((a, b) => a + b) + Buffer.byteLength(text(30)));
  });

  it('keeps a bounded queue for a client that never polls: 503 until it does', async () => {
    const r = await serve({ compare: { queue: { maxMessages: 5 } } });
    for (let seq = 1; seq <= 5; seq++) expect((await post(r, 'short-polling', 'lazy-client', seq, 'hi')).status).toBe(204);
    const full = await post(r, 'short-polling', 'lazy-client', 6, 'hi');
    expect(full.status).toBe(503);
    expect(full.headers.get('retry-after')).toBe('1');
    expect(await full.text()).toMatch(/fetch them first/);
    expect((await poll(r, 'short-polling', 'lazy-client', 5)).messages).toEqual([]);
    expect((await post(r, 'short-polling', 'lazy-client', 6, 'hi')).status).toBe(204);
  });
});

describe('long polling', () => {
  it('holds a poll until there is an echo, then answers with it; in order, none lost', async () => {
    const r = await serve();
    const seen: number[] = [];
    let last = 0;
    const loop = (async () => {
      while (last < 40) {
        const answer = await poll(r, 'long-polling', 'long-run', last);
        for (const m of answer.messages) {
          expect(m.text).toBe(text(m.seq));
          seen.push(m.seq);
          last = m.seq;
        }
      }
    })();
    await expect.poll(() => r.server.compare.longPolling.held).toBe(1);
    for (let seq = 1; seq <= 40; seq++) expect((await post(r, 'long-polling', 'long-run', seq, text(seq))).status).toBe(204);
    await loop;
    expect(seen).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('answers an idle poll empty after its hold time, and a superseded poll at once', async () => {
    const r = await serve({ compare: { holdMs: 150 } });
    const started = performance.now();
    expect((await poll(r, 'long-polling', 'idle-run', 0)).messages).toEqual([]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    const older = poll(r, 'long-polling', 'twice-run', 0);
    await expect.poll(() => r.server.compare.longPolling.held).toBe(1);
    const newer = poll(r, 'long-polling', 'twice-run', 0);
    expect((await older).messages).toEqual([]);
    expect((await newer).messages).toEqual([]);
  });

  it('bounds held polls: past the limit 503, and a client that leaves frees its slot', async () => {
    const r = await serve({ compare: { maxHeld: 150, holdMs: 60_000 } });
    const controllers = Array.from({ length: 200 }, () => new AbortController());
    const told: { status: number; body: string }[] = [];
    const answers = controllers.map((c, i) =>
      fetch(`${base(r)}${COMPARE_PATHS.poll('long-polling')}?run=many-held-${i}&after=0`, { signal: c.signal }).then(
        async (res) => told.push({ status: res.status, body: await res.text() }),
        () => {},
      ),
    );
    await expect.poll(() => r.server.compare.longPolling.held, { timeout: 10_000 }).toBe(150);
    // The 50 over the limit are told to come back, with a reason; the 150 stay held.
    await expect.poll(() => told.length, { timeout: 10_000 }).toBe(50);
    for (const answer of told) expect(answer).toMatchObject({ status: 503, body: expect.stringMatching(/holds 150 polls already/) });
    expect(r.server.compare.longPolling.held).toBe(150);
    for (const c of controllers) c.abort();
    await Promise.all(answers);
    await expect.poll(() => r.server.compare.longPolling.held, { timeout: 5000 }).toBe(0);
    expect(r.server.compare.runs.size).toBe(200);
    for (let i = 0; i < 200; i++) expect(r.server.compare.runs.find(`many-held-${i}`)?.active).toBe(0);
  });
});

/** Read an event stream with fetch, collecting its events. */
async function openStream(r: Running, run: string, lastEventId?: number): Promise<{ events: { id: string; data: string }[]; close(): void; done: Promise<void> }> {
  const controller = new AbortController();
  const headers: Record<string, string> = { Accept: 'text/event-stream' };
  if (lastEventId !== undefined) headers['Last-Event-ID'] = String(lastEventId);
  const response = await fetch(`${base(r)}${COMPARE_PATHS.events}?run=${run}`, { headers, signal: controller.signal });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/event-stream');
  const events: { id: string; data: string }[] = [];
  const parser = new SseParser();
  const decoder = new TextDecoder();
  const reader = response.body!.getReader();
  const done = (async () => {
    try {
      for (;;) {
        const { done: end, value } = await reader.read();
        if (end) return;
        for (const event of parser.push(decoder.decode(value, { stream: true }))) events.push({ id: event.lastEventId, data: event.data });
      }
    } catch {
      // aborted
    }
  })();
  return { events, close: () => controller.abort(), done };
}

describe('server-sent events', () => {
  it('streams every echo in order with its seq as the id, and resumes from Last-Event-ID', async () => {
    const r = await serve();
    const stream = await openStream(r, 'sse-run-1');
    for (let seq = 1; seq <= 25; seq++) expect((await post(r, 'sse', 'sse-run-1', seq, text(seq))).status).toBe(204);
    await expect.poll(() => stream.events.length).toBe(25);
    expect(stream.events).toEqual(Array.from({ length: 25 }, (_, i) => ({ id: String(i + 1), data: text(i + 1) })));
    stream.close();
    await stream.done;
    await expect.poll(() => r.server.compare.sse.streams).toBe(0);
    // Say the client had only up to 20 when it lost the stream: it gets 21-25 again, and what came since.
    expect((await post(r, 'sse', 'sse-run-1', 26, text(26))).status).toBe(204);
    const again = await openStream(r, 'sse-run-1', 20);
    await expect.poll(() => again.events.map((e) => Number(e.id))).toEqual([21, 22, 23, 24, 25, 26]);
    again.close();
  });

  it('sends what came before the stream opened, and one stream per client', async () => {
    const r = await serve({ compare: { maxStreams: 2 } });
    expect((await post(r, 'sse', 'early-client', 1, 'before the stream')).status).toBe(204);
    const first = await openStream(r, 'early-client');
    await expect.poll(() => first.events).toEqual([{ id: '1', data: 'before the stream' }]);
    // The same client again: the older stream is ended, the newer one takes over.
    const second = await openStream(r, 'early-client');
    await first.done;
    expect(r.server.compare.sse.streams).toBe(1);
    const other = await openStream(r, 'other-client');
    const refused = await fetch(`${base(r)}${COMPARE_PATHS.events}?run=third-client`);
    expect(refused.status).toBe(503);
    expect(await refused.text()).toMatch(/2 event streams open already/);
    second.close();
    other.close();
  });

  it('drops a client that stops reading once its unsent bytes pass the bound, without holding up the sender', async () => {
    const logger = memoryLogger();
    const r = await serve({ logger, quiet: false, compare: { streamHighWater: 64 * 1024, queue: { maxBytes: 2 * 1024 * 1024 } } });
    // A client that asks for the stream and then never reads a byte.
    const stalled = net.connect(r.port, '127.0.0.1');
    await new Promise<void>((resolve) => stalled.once('connect', resolve));
    stalled.write(`GET ${COMPARE_PATHS.events}?run=stalled-client HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`);
    stalled.pause();
    await expect.poll(() => r.server.compare.sse.streams).toBe(1);
    const big = 'y'.repeat(256 * 1024);
    let seq = 0;
    // The kernel's socket buffers take a few MiB first; the server's own buffer is what is bounded.
    while (r.server.compare.sse.dropped === 0 && seq < 256) {
      seq++;
      expect((await post(r, 'sse', 'stalled-client', seq, big)).status).toBe(204);
    }
    expect(r.server.compare.sse.dropped).toBe(1);
    expect(r.server.compare.sse.streams).toBe(0);
    expect(logger.lines.some((line) => /drop {2}\/compare\/sse\/events run=stalled-client: \d+ bytes unsent; the client is not reading/.test(line))).toBe(true);
    // The queue keeps only what fits (older echoes already written make room), and sends go on.
    const queue = r.server.compare.runs.find('stalled-client')!.queues.sse;
    expect(queue.bytes).toBeLessThanOrEqual(2 * 1024 * 1024);
    expect((await post(r, 'sse', 'stalled-client', seq + 1, big)).status).toBe(204);
    stalled.destroy();
  });
});

describe('websocket', () => {
  it('echoes every message in order over our codec, and counts the handshake and every frame', async () => {
    const r = await serve();
    const ws = new WebSocket(`ws://127.0.0.1:${r.port}${COMPARE_PATHS.websocket}?run=ws-run-1`);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const echoes: string[] = [];
    ws.on('message', (data) => echoes.push(String(data)));
    for (let seq = 1; seq <= 50; seq++) ws.send(text(seq));
    await expect.poll(() => echoes.length).toBe(50);
    expect(echoes).toEqual(Array.from({ length: 50 }, (_, i) => text(i + 1)));
    const open = (await stats(r, 'ws-run-1')).transports.websocket;
    const payload = echoes.reduce((sum, e) => sum + Buffer.byteLength(e), 0);
    // Live while open: 50 frames each way, every one under 126 bytes (RFC 6455 §5.2).
    expect(open).toMatchObject({ requests: 1, up: { framing: 50 * 6, payload }, down: { framing: 50 * 2, payload } });
    ws.close(1000);
    await new Promise((resolve) => ws.once('close', resolve));
    // The close frames: 6 + 2 up (masked, the code), 2 + 2 down.
    await expect.poll(async () => (await stats(r, 'ws-run-1')).transports.websocket.up.framing).toBe(50 * 6 + 8);
    expect((await stats(r, 'ws-run-1')).transports.websocket.down.framing).toBe(50 * 2 + 4);
  });

  it('asks for a run, and answers a plain GET with 426', async () => {
    const r = await serve();
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${r.port}${COMPARE_PATHS.websocket}`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => {});
    });
    expect(refused).toBe(400);
    expect((await fetch(`${base(r)}${COMPARE_PATHS.websocket}?run=plain-get`)).status).toBe(426);
  });
});

describe('bad requests and bounds', () => {
  it('answers each with a status and a reason', async () => {
    const r = await serve({ compare: { maxMessageBytes: 100 } });
    const send = `${base(r)}${COMPARE_PATHS.send('sse')}`;
    const cases: [string, Promise<Response>, number, RegExp][] = [
      ['no run', fetch(`${send}?seq=1`, { method: 'POST', body: 'x' }), 400, /\?run=TOKEN/],
      ['a run token too short', fetch(`${send}?run=abc&seq=1`, { method: 'POST', body: 'x' }), 400, /\?run=TOKEN/],
      ['no seq', fetch(`${send}?run=bad-requests`, { method: 'POST', body: 'x' }), 400, /\?seq=N/],
      ['seq 0', fetch(`${send}?run=bad-requests&seq=0`, { method: 'POST', body: 'x' }), 400, /\?seq=N/],
      ['not UTF-8', fetch(`${send}?run=bad-requests&seq=1`, { method: 'POST', body: new Uint8Array([0x68, 0xc3, 0x28]) }), 400, /not valid UTF-8/],
      ['too large', fetch(`${send}?run=bad-requests&seq=2`, { method: 'POST', body: 'z'.repeat(101) }), 413, /at most 100 bytes/],
      ['GET to send', fetch(`${send}?run=bad-requests&seq=1`), 405, /takes POST/],
      ['POST to poll', fetch(`${base(r)}${COMPARE_PATHS.poll('short-polling')}?run=bad-requests`, { method: 'POST', body: 'x' }), 405, /takes GET/],
      ['a bad after', fetch(`${base(r)}${COMPARE_PATHS.poll('short-polling')}?run=bad-requests&after=-1`), 400, /\?after=/],
      ['an unknown path', fetch(`${base(r)}/compare/carrier-pigeon`), 404, /No comparison endpoint at \/compare\/carrier-pigeon/],
      ['stats of no run', fetch(`${base(r)}${COMPARE_PATHS.stats}?run=never-was-here`), 404, /No run "never-was-here"/],
    ];
    for (const [what, request, status, reason] of cases) {
      const response = await request;
      expect({ what, status: response.status }).toEqual({ what, status });
      expect(await response.text()).toMatch(reason);
    }
  });

  it('refuses a chunked body: a message comes with its Content-Length (411)', async () => {
    const r = await serve();
    const socket = net.connect(r.port, '127.0.0.1');
    socket.write(`POST ${COMPARE_PATHS.send('short-polling')}?run=chunked-body&seq=1 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n`);
    const head = await new Promise<string>((resolve) => socket.once('data', (chunk) => resolve(String(chunk))));
    expect(head).toMatch(/^HTTP\/1\.1 411 Length Required/);
    socket.destroy();
  });

  it('bounds the echoes queued across every run, and gives them back when a run is forgotten', async () => {
    const r = await serve({ compare: { maxQueuedBytes: 1000, maxRuns: 2 } });
    const text600 = 'q'.repeat(600);
    expect((await post(r, 'short-polling', 'queue-run-a', 1, text600)).status).toBe(204);
    const refused = await post(r, 'short-polling', 'queue-run-b', 1, text600);
    expect(refused.status).toBe(503);
    expect(await refused.text()).toMatch(/for every client together/);
    expect(r.server.compare.runs.queued.used).toBe(600);
    // Run a fetches its echo: the bytes are free again.
    expect((await poll(r, 'short-polling', 'queue-run-a', 0)).messages).toHaveLength(1);
    expect((await poll(r, 'short-polling', 'queue-run-a', 1)).messages).toHaveLength(0);
    expect(r.server.compare.runs.queued.used).toBe(0);
    expect((await post(r, 'short-polling', 'queue-run-b', 1, text600)).status).toBe(204);
    // A third run makes the registry forget the least recently used (a), then b: b's 600 bytes come back.
    expect((await post(r, 'short-polling', 'queue-run-c', 1, 'c')).status).toBe(204);
    expect((await post(r, 'short-polling', 'queue-run-d', 1, 'd')).status).toBe(204);
    expect(r.server.compare.runs.find('queue-run-b')).toBeUndefined();
    expect(r.server.compare.runs.queued.used).toBe(2);
  });

  it('bounds the message bodies being received at once: a POST that does not fit waits its turn (503)', async () => {
    const r = await serve({ compare: { maxBodyBytesInFlight: 100 } });
    // A slow sender: declares 80 bytes, sends 10, and holds the rest.
    const slow = net.connect(r.port, '127.0.0.1');
    slow.write(`POST ${COMPARE_PATHS.send('sse')}?run=slow-sender&seq=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 80\r\n\r\n${'s'.repeat(10)}`);
    await expect.poll(() => r.server.compare.bodies.used).toBe(80);
    const refused = await post(r, 'sse', 'other-sender', 1, 'm'.repeat(50));
    expect(refused.status).toBe(503);
    expect(await refused.text()).toMatch(/too many messages at once/);
    const answer = new Promise<string>((resolve) => slow.once('data', (chunk) => resolve(String(chunk))));
    slow.write('s'.repeat(70));
    expect(await answer).toMatch(/^HTTP\/1\.1 204 No Content/);
    expect(r.server.compare.bodies.used).toBe(0);
    expect((await post(r, 'sse', 'other-sender', 1, 'm'.repeat(50))).status).toBe(204);
    // A sender that gives up half way gives its share back too.
    const quitter = net.connect(r.port, '127.0.0.1');
    quitter.write(`POST ${COMPARE_PATHS.send('sse')}?run=quitter-run&seq=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 90\r\n\r\nabc`);
    await expect.poll(() => r.server.compare.bodies.used).toBe(90);
    quitter.destroy();
    await expect.poll(() => r.server.compare.bodies.used).toBe(0);
    slow.destroy();
  });

  it('bounds runs: the least recently used idle one makes room; when all are busy, 503', async () => {
    const r = await serve({ compare: { maxRuns: 3, holdMs: 60_000 } });
    const controllers = [new AbortController(), new AbortController()];
    const held = controllers.map((c, i) => poll(r, 'long-polling', `busy-run-${i}`, 0, c.signal).catch(() => null));
    await expect.poll(() => r.server.compare.longPolling.held).toBe(2);
    expect((await post(r, 'short-polling', 'idle-run-1', 1, 'a')).status).toBe(204);
    // A fourth run: the idle one is forgotten for it.
    expect((await post(r, 'short-polling', 'idle-run-2', 1, 'b')).status).toBe(204);
    expect(r.server.compare.runs.find('idle-run-1')).toBeUndefined();
    // Every run busy (two held polls, one more): no room.
    const third = new AbortController();
    const heldThird = poll(r, 'long-polling', 'idle-run-2', 1, third.signal).catch(() => null);
    await expect.poll(() => r.server.compare.longPolling.held).toBe(3);
    const refused = await post(r, 'short-polling', 'new-run-x', 1, 'c');
    expect(refused.status).toBe(503);
    expect(await refused.text()).toMatch(/as many comparisons as it can hold/);
    for (const c of [...controllers, third]) c.abort();
    await Promise.all([...held, heldThird]);
  });
});
