/**
 * The inspector tap and /inspect: what a subscriber sees (the handshake, every frame's wire
 * bytes both ways, TCP reads and where frames ended in them, faults, closes), who sees what
 * (session isolation, class mode), a slow subscriber (bounded queue, a dropped notice, echo
 * unaffected), and the demonstrations a page asks for.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { encodeFrame, Opcode } from '../../src/protocol';
import type { InspectorMessage } from '../../server/inspector/messages';
import {
  clientFrame,
  closeCode,
  closeFrame,
  eventually,
  nextMessage,
  openWs,
  pattern,
  RawClient,
  sleep,
  startServer,
  upgradeRequest,
  wsClosed,
  type Running,
} from './helpers';

type Msg = InspectorMessage & Record<string, unknown>;

interface Watcher {
  ws: WebSocket;
  messages: Msg[];
  /** The first message (from now on, or already received if `seen` allows) matching `match`. */
  next(match: (m: Msg) => boolean, timeout?: number): Promise<Msg>;
  send(command: Record<string, unknown>): void;
}

async function watch(url: string): Promise<Watcher> {
  const messages: Msg[] = [];
  const waiters = new Set<() => void>();
  // Listen before 'open': the hello may arrive in the same read as the 101.
  const ws = await openWs(url, {}, (socket) =>
    socket.on('message', (data) => {
      messages.push(JSON.parse(String(data)) as Msg);
      for (const w of [...waiters]) w();
    }),
  );
  let cursor = 0;
  return {
    ws,
    messages,
    next(match, timeout = 5000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          for (; cursor < messages.length; cursor++) {
            if (match(messages[cursor]!)) {
              waiters.delete(check);
              clearTimeout(timer);
              resolve(messages[cursor++]!);
              return true;
            }
          }
          return false;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching inspector message; got types ${messages.map((m) => m.type).join(',')}`));
        }, timeout);
        if (!check()) waiters.add(check);
      });
    },
    send(command) {
      ws.send(JSON.stringify({ type: 'command', ...command }));
    },
  };
}

const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('what a subscriber sees', () => {
  let s: Running;
  beforeAll(async () => {
    s = await startServer({});
  });
  afterAll(() => s.stop());

  it('the handshake, the exact bytes of each frame both ways, and the reads', async () => {
    const w = await watch(s.url('/inspect?session=bytes1'));
    const hello = await w.next((m) => m.type === 'hello');
    expect(hello).toMatchObject({ session: 'bytes1', all: false, classMode: false, connections: [] });

    const raw = await RawClient.connect(s.port);
    raw.write(upgradeRequest('/echo?session=bytes1', { 'User-Agent': 'raw-test' }, s.port));
    await raw.readHead();
    const open = await w.next((m) => m.type === 'open');
    expect(open.path).toBe('/echo');
    expect(open.session).toBe('bytes1');
    expect(open.request).toMatchObject({ method: 'GET', url: '/echo?session=bytes1', httpVersion: '1.1' });
    expect((open.request as { headers: string[] }).headers).toContain('User-Agent: raw-test');
    expect((open.response as { head: string }).head).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n[\s\S]*Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=\r\n\r\n$/);
    const id = open.connection;

    // Two frames in one TCP write: one read, two boundaries.
    const a = clientFrame({ opcode: Opcode.Text, payload: Buffer.from('Hello') });
    const b = clientFrame({ opcode: Opcode.Binary, payload: pattern(300) });
    raw.write(Buffer.concat([a, b]));
    const inA = await w.next((m) => m.type === 'frame' && m.direction === 'in');
    expect(inA).toMatchObject({ connection: id, offset: 0, size: a.length, opcode: 1, fin: true, masked: true, payloadLength: 5, truncated: false });
    expect(inA.bytes).toBe(hexOf(a)); // masked, as on the wire
    const outA = await w.next((m) => m.type === 'frame' && m.direction === 'out');
    expect(outA).toMatchObject({ offset: 0, opcode: 1, masked: false, bytes: '810548656c6c6f' });
    const inB = await w.next((m) => m.type === 'frame' && m.direction === 'in');
    expect(inB).toMatchObject({ offset: a.length, size: b.length, bytes: hexOf(b) });
    const read = await w.next((m) => m.type === 'read');
    expect(read).toMatchObject({ connection: id, offset: 0, size: a.length + b.length, boundaries: [a.length, a.length + b.length] });
    expect(typeof read.t).toBe('number');
    expect(Math.abs((read.wall as number) - Date.now())).toBeLessThan(5000);

    // One frame in three writes: three reads, the boundary in the last.
    const c = clientFrame({ opcode: Opcode.Text, payload: Buffer.from('split') });
    const base = a.length + b.length;
    for (const part of [c.subarray(0, 1), c.subarray(1, 7), c.subarray(7)]) {
      await new Promise<void>((r) => raw.socket.write(part, () => r()));
      await sleep(20);
    }
    // The frame is reported when it completes, then the read it completed in.
    const inC = await w.next((m) => m.type === 'frame' && m.direction === 'in');
    expect(inC.bytes).toBe(hexOf(c));
    await w.next((m) => m.type === 'read' && m.offset === base + 7);
    const reads = w.messages.filter((m) => m.type === 'read' && (m.offset as number) >= base);
    expect(reads.map((r) => [r.offset, r.size, r.boundaries])).toEqual([
      [base, 1, []],
      [base + 1, 6, []],
      [base + 7, c.length - 7, [c.length - 7]],
    ]);

    raw.write(clientFrame({ opcode: Opcode.Close, payload: Buffer.from([0x03, 0xe8]) }));
    const closed = await w.next((m) => m.type === 'closed');
    expect(closed).toMatchObject({ connection: id, code: 1000, wasClean: true, initiator: 'client', framesIn: 4, framesOut: 4 });
    w.ws.close();
  });

  it('a fault, with the bytes of the frame at fault', async () => {
    const w = await watch(s.url('/inspect?session=fault1'));
    await w.next((m) => m.type === 'hello');
    const raw = await RawClient.open(s.port, '/echo?session=fault1');
    const bad = encodeFrame({ opcode: Opcode.Text, payload: Buffer.from('unmasked') });
    raw.write(bad);
    const fault = await w.next((m) => m.type === 'fault');
    expect(fault).toMatchObject({ rule: 'mask-required', closeCode: 1002, rfc: '5.1', frameOffset: 0 });
    expect(fault.bytes).toBe(hexOf(bad));
    const out = await w.next((m) => m.type === 'frame' && m.direction === 'out');
    expect(out.opcode).toBe(Opcode.Close);
    const closed = await w.next((m) => m.type === 'closed');
    expect(closed).toMatchObject({ code: 1002, wasClean: false, cause: 'fault' });
    w.ws.close();
  });

  it('after a fault, bytes the codec drops are not reported as reads (RFC 6455 §7.1.7: nothing more is read)', async () => {
    const w = await watch(s.url('/inspect?session=fault2'));
    await w.next((m) => m.type === 'hello');
    // Half-open on our side, so the client's Close still goes out after the server's FIN.
    const socket = net.connect({ port: s.port, host: '127.0.0.1', allowHalfOpen: true });
    socket.on('error', () => {});
    socket.resume();
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(upgradeRequest('/echo?session=fault2', {}, s.port));
    await w.next((m) => m.type === 'open');
    const bad = encodeFrame({ opcode: Opcode.Text, payload: Buffer.from('unmasked') });
    socket.write(bad);
    await w.next((m) => m.type === 'fault');
    // The client's Close, after the server failed the connection: it arrives in a read of its own.
    const close = closeFrame(1000, 'bye');
    socket.end(close);
    const closed = await w.next((m) => m.type === 'closed');
    expect(closed).toMatchObject({ cause: 'fault', bytesIn: bad.length + close.length });
    const reads = w.messages.filter((m) => m.type === 'read' && m.connection === closed.connection);
    expect(reads.map((r) => [r.offset, r.size])).toEqual([[0, bad.length]]);
    socket.destroy();
    w.ws.close();
  });

  it('a large frame in part (truncated), with its size', async () => {
    const w = await watch(s.url('/inspect?session=big1'));
    await w.next((m) => m.type === 'hello');
    const ws = await openWs(s.url('/echo?session=big1'));
    ws.send(Buffer.from(pattern(200_000)));
    await nextMessage(ws);
    const frame = await w.next((m) => m.type === 'frame' && m.direction === 'in');
    expect(frame).toMatchObject({ size: 200_014, payloadLength: 200_000, truncated: true });
    expect((frame.bytes as string).length).toBe(2 * 64 * 1024);
    ws.close();
    w.ws.close();
  });

  it('a refused handshake with a session is reported to its subscribers', async () => {
    const w = await watch(s.url('/inspect?session=ref1'));
    await w.next((m) => m.type === 'hello');
    const raw = await RawClient.connect(s.port);
    raw.write(upgradeRequest('/echo?session=ref1', { 'Sec-WebSocket-Version': '7' }));
    await raw.readHead();
    const refused = await w.next((m) => m.type === 'refused');
    expect(refused).toMatchObject({ status: 426, path: '/echo', session: 'ref1' });
    expect((refused.response as { head: string }).head).toMatch(/^HTTP\/1\.1 426 Upgrade Required\r\n/);
    w.ws.close();
  });

  it('a subscriber that arrives late gets the open connections in its hello', async () => {
    const ws = await openWs(s.url('/echo?session=late1'));
    const w = await watch(s.url('/inspect?session=late1'));
    const hello = await w.next((m) => m.type === 'hello');
    const connections = hello.connections as { path: string; session: string }[];
    expect(connections).toHaveLength(1);
    expect(connections[0]).toMatchObject({ path: '/echo', session: 'late1' });
    ws.close();
    w.ws.close();
  });
});

describe('who sees what', () => {
  it('a subscriber sees only its own session', async () => {
    const s = await startServer({});
    try {
      const a = await watch(s.url('/inspect?session=alpha'));
      const b = await watch(s.url('/inspect?session=beta'));
      await a.next((m) => m.type === 'hello');
      await b.next((m) => m.type === 'hello');
      const wa = await openWs(s.url('/echo?session=alpha'));
      const wb = await openWs(s.url('/echo?session=beta'));
      const wn = await openWs(s.url('/echo'));
      for (const [ws, text] of [[wa, 'for alpha'], [wb, 'for beta'], [wn, 'for nobody']] as const) {
        ws.send(text);
        await nextMessage(ws);
      }
      await a.next((m) => m.type === 'frame' && m.direction === 'out');
      await b.next((m) => m.type === 'frame' && m.direction === 'out');
      await sleep(100);
      const ids = (w: Watcher): Set<unknown> => new Set(w.messages.filter((m) => 'connection' in m && m.type !== 'hello').map((m) => m.connection));
      expect(ids(a).size).toBe(1);
      expect(ids(b).size).toBe(1);
      expect([...ids(a)][0]).not.toBe([...ids(b)][0]);
      const texts = (w: Watcher): string[] =>
        w.messages.filter((m) => m.type === 'frame' && m.direction === 'in').map((m) => Buffer.from(m.bytes as string, 'hex').length.toString());
      expect(texts(a)).toHaveLength(1);
      expect(texts(b)).toHaveLength(1);
      for (const ws of [wa, wb, wn, a.ws, b.ws]) ws.close();
    } finally {
      await s.stop();
    }
  });

  it('class mode: /inspect?all sees every connection; a session subscriber still only its own', async () => {
    const s = await startServer({ classMode: true });
    try {
      const teacher = await watch(s.url(`/inspect?all&teacher=${s.server.teacherToken}`));
      const student = await watch(s.url('/inspect?session=s1'));
      expect(await teacher.next((m) => m.type === 'hello')).toMatchObject({ all: true, classMode: true, session: null });
      await student.next((m) => m.type === 'hello');
      const clients = await Promise.all(['/echo?session=s1', '/echo?session=s2', '/echo'].map((p) => openWs(s.url(p))));
      for (const ws of clients) {
        ws.send('hi');
        await nextMessage(ws);
      }
      await eventually(() => teacher.messages.filter((m) => m.type === 'frame' && m.direction === 'out').length === 3);
      expect(teacher.messages.filter((m) => m.type === 'open').map((m) => m.session)).toEqual(['s1', 's2', null]);
      await sleep(50);
      expect(student.messages.filter((m) => m.type === 'open').map((m) => m.session)).toEqual(['s1']);
      // The teacher may send demonstrations to anyone's connection.
      const target = teacher.messages.find((m) => m.type === 'open' && m.session === 's2')!.connection;
      teacher.send({ id: 1, connection: target, action: 'ping', payload: 'from the teacher' });
      expect(await teacher.next((m) => m.type === 'ack')).toMatchObject({ id: 1, connection: target, action: 'ping' });
      for (const ws of [...clients, teacher.ws, student.ws]) ws.close();
    } finally {
      await s.stop();
    }
  });

  it('the inspector connections themselves are never reported', async () => {
    const s = await startServer({ classMode: true });
    try {
      const teacher = await watch(s.url(`/inspect?all&teacher=${s.server.teacherToken}`));
      await teacher.next((m) => m.type === 'hello');
      const other = await watch(s.url(`/inspect?all&teacher=${s.server.teacherToken}`));
      await other.next((m) => m.type === 'hello');
      await sleep(100);
      expect(teacher.messages.map((m) => m.type)).toEqual(['hello']);
      teacher.ws.close();
      other.ws.close();
    } finally {
      await s.stop();
    }
  });
});

describe('a slow subscriber', () => {
  it('gets a bounded queue and a dropped notice; the echo is not slowed', async () => {
    const s = await startServer({ inspector: { queueCount: 200, queueBytes: 512 * 1024, socketHighWater: 64 * 1024 } });
    try {
      // A subscriber that never reads (its socket is paused).
      const sub = await RawClient.open(s.port, '/inspect?session=slow');
      sub.socket.pause();
      await eventually(() => s.server.hub.subscriberCount === 1);
      const echo = await openWs(s.url('/echo?session=slow'));
      const N = 300;
      const payload = Buffer.from(pattern(60_000, 5));
      let received = 0;
      const all = new Promise<void>((resolve) =>
        echo.on('message', () => {
          if (++received === N) resolve();
        }),
      );
      for (let i = 0; i < N; i++) echo.send(payload);
      await all;
      const subscriber = s.server.hub.subscribers()[0]!;
      expect(subscriber.queued).toBeLessThanOrEqual(201);
      expect(subscriber.queuedBytes).toBeLessThan(512 * 1024 + 2 * 64 * 1024 + 4096);

      // Echo still works while the subscriber is stuck.
      echo.send('still echoing');
      expect((await nextMessage(echo)).data.toString()).toBe('still echoing');

      // What the tap produced about the echo connection: its open, each read, each frame both ways.
      const watched = [...s.server.connections].find((c) => c.path === '/echo')!;
      const { reads, framesIn, framesOut } = watched.stats;
      expect([framesIn, framesOut]).toEqual([N + 1, N + 1]);
      const produced = 1 + reads + framesIn + framesOut;
      expect(subscriber.totalDropped).toBeGreaterThan(0); // the bound was reached...

      // ...and once it reads again it gets what was queued and the count of what was not: nothing is
      // lost without being counted, nothing counted twice.
      sub.socket.resume();
      const counts = { read: 0, delivered: 0, dropped: 0 };
      const tally = (): typeof counts => {
        for (; counts.read < sub.frames.length; counts.read++) {
          const m = JSON.parse(Buffer.from(sub.frames[counts.read]!.payload).toString()) as Msg;
          if (m.type === 'dropped') counts.dropped += m.count;
          else if (m.type !== 'hello' && m.connection === watched.id) counts.delivered++;
        }
        return counts;
      };
      await sub.waitFor(() => tally().delivered + counts.dropped >= produced, 10_000, 'every message delivered or counted');
      await sleep(100);
      const { delivered, dropped } = tally();
      expect(delivered + dropped).toBe(produced);
      expect(dropped).toBe(subscriber.totalDropped);
      echo.close();
      sub.destroy();
    } finally {
      await s.stop();
    }
  }, 20_000);
});

describe('the rate budget', () => {
  const traffic = (w: Watcher): Msg[] => w.messages.filter((m) => m.type === 'frame' || m.type === 'read');
  const droppedBy = (w: Watcher, reason: string): number =>
    w.messages.filter((m) => m.type === 'dropped' && m.reason === reason).reduce((n, m) => n + (m.count as number), 0);

  it('skips a flood over the budget, says so with reason "rate", and the echo goes on', async () => {
    const s = await startServer({ inspector: { rateMessages: 200, rateBytes: 1024 * 1024 } });
    try {
      const w = await watch(s.url('/inspect?session=flood'));
      const hello = await w.next((m) => m.type === 'hello');
      expect(hello.limits).toMatchObject({ rateMessages: 200, rateBytes: 1024 * 1024 });
      const echo = await openWs(s.url('/echo?session=flood'));
      const N = 5000;
      let received = 0;
      const all = new Promise<void>((resolve) =>
        echo.on('message', () => {
          if (++received === N) resolve();
        }),
      );
      const start = performance.now();
      for (let i = 0; i < N; i++) echo.send(`m${i}`);
      await all;
      const seconds = (performance.now() - start) / 1000;
      // Echo still works, and the skipped events are announced once budget is back.
      echo.send('still echoing');
      expect((await nextMessage(echo)).data.toString()).toBe('still echoing');
      await w.next((m) => m.type === 'dropped' && m.reason === 'rate', 5000);
      // Every read and every frame both ways is either reported or counted, exactly once.
      const watched = [...s.server.connections].find((c) => c.path === '/echo')!;
      const { reads, framesIn, framesOut } = watched.stats;
      expect([framesIn, framesOut]).toEqual([N + 1, N + 1]);
      const produced = reads + framesIn + framesOut;
      const counted = (): number => traffic(w).length + droppedBy(w, 'rate') + droppedBy(w, 'queue');
      await eventually(() => counted() >= produced, 5000, 'every frame reported or counted');
      await sleep(150);
      expect(counted()).toBe(produced);
      const reported = traffic(w).length;
      // At most the burst (one second's worth) plus the refill while the flood lasted (and a
      // little for the announcements' wait), never the 10,000 frames.
      expect(reported).toBeLessThanOrEqual(200 + Math.ceil(200 * (seconds + 0.5)) + 20);
      expect(reported).toBeGreaterThan(0);
      echo.close();
      w.ws.close();
    } finally {
      await s.stop();
    }
  }, 20_000);

  it('reports frames over the byte budget with only their first bytes (truncated)', async () => {
    const s = await startServer({ inspector: { rateBytes: 200 * 1024 } });
    try {
      const w = await watch(s.url('/inspect?session=bytes'));
      await w.next((m) => m.type === 'hello');
      const echo = await openWs(s.url('/echo?session=bytes'));
      const payload = Buffer.from(pattern(60_000, 3));
      let echoed = 0;
      echo.on('message', () => echoed++);
      for (let i = 0; i < 10; i++) echo.send(payload);
      await eventually(() => echoed === 10);
      await eventually(() => w.messages.filter((m) => m.type === 'frame').length === 20);
      const frames = w.messages.filter((m) => m.type === 'frame');
      const full = frames.filter((f) => !f.truncated);
      const cut = frames.filter((f) => f.truncated);
      expect(full.length).toBeGreaterThan(0);
      expect(full.length).toBeLessThanOrEqual(4);
      expect(cut.length).toBeGreaterThan(0);
      for (const f of cut) {
        expect((f.bytes as string).length).toBe(2 * 256);
        expect(f.size).toBeGreaterThan(60_000);
      }
      echo.close();
      w.ws.close();
    } finally {
      await s.stop();
    }
  }, 20_000);

  it('with the default budget, a classroom session (a few hundred frames/s, up to 1 MiB) loses nothing', async () => {
    const s = await startServer({});
    try {
      const w = await watch(s.url('/inspect?session=class'));
      await w.next((m) => m.type === 'hello');
      const echo = await openWs(s.url('/echo?session=class'));
      const big = Buffer.from(pattern(1024 * 1024, 7));
      let echoed = 0;
      echo.on('message', () => echoed++);
      let sent = 0;
      // 61 messages every 100 ms: some 600 frames/s with the echoes, a 1 MiB message in each burst.
      for (let burst = 0; burst < 5; burst++) {
        for (let i = 0; i < 60; i++) echo.send(`message ${burst}.${i} ${'x'.repeat(i * 10)}`);
        echo.send(big);
        sent += 61;
        await eventually(() => echoed === sent);
        await sleep(100);
      }
      await eventually(() => w.messages.filter((m) => m.type === 'frame').length >= 2 * sent);
      await sleep(100);
      expect(w.messages.filter((m) => m.type === 'dropped')).toEqual([]);
      expect(w.messages.filter((m) => m.type === 'frame').length).toBe(2 * sent);
      echo.close();
      w.ws.close();
    } finally {
      await s.stop();
    }
  }, 20_000);
});

describe('demonstrations (commands over /inspect)', () => {
  let s: Running;
  beforeAll(async () => {
    s = await startServer({});
  });
  afterAll(() => s.stop());

  async function setup(session: string): Promise<{ w: Watcher; raw: RawClient; id: number }> {
    const w = await watch(s.url(`/inspect?session=${session}`));
    await w.next((m) => m.type === 'hello');
    const raw = await RawClient.open(s.port, `/echo?session=${session}`);
    const open = await w.next((m) => m.type === 'open');
    return { w, raw, id: open.connection as number };
  }

  it('ping: the client gets a ping with the payload; the subscriber an ack', async () => {
    const { w, raw, id } = await setup('cmd-ping');
    w.send({ id: 'p', connection: id, action: 'ping', payload: 'are you there?' });
    const ping = await raw.nextFrame();
    expect(ping.opcode).toBe(Opcode.Ping);
    expect(Buffer.from(ping.payload).toString()).toBe('are you there?');
    expect(await w.next((m) => m.type === 'ack')).toMatchObject({ id: 'p', connection: id, action: 'ping' });
    w.ws.close();
    raw.destroy();
  });

  it('fragment-next: the next echo goes out in N fragments, the one after in one', async () => {
    const { w, raw, id } = await setup('cmd-frag');
    w.send({ connection: id, action: 'fragment-next', count: 3 });
    await w.next((m) => m.type === 'ack');
    raw.write(clientFrame({ opcode: Opcode.Text, payload: Buffer.from('fragment me!') }));
    const frames = [await raw.nextFrame(), await raw.nextFrame(), await raw.nextFrame()];
    expect(frames.map((f) => [f.opcode, f.fin, Buffer.from(f.payload).toString()])).toEqual([
      [Opcode.Text, false, 'frag'],
      [Opcode.Continuation, false, 'ment'],
      [Opcode.Continuation, true, ' me!'],
    ]);
    raw.write(clientFrame({ opcode: Opcode.Text, payload: Buffer.from('whole') }));
    const whole = await raw.nextFrame();
    expect([whole.opcode, whole.fin]).toEqual([Opcode.Text, true]);
    w.ws.close();
    raw.destroy();
  });

  it('close: a close frame with the code and reason', async () => {
    const { w, raw, id } = await setup('cmd-close');
    w.send({ connection: id, action: 'close', code: 4001, reason: 'demo' });
    const frame = await raw.closeFrame();
    expect(closeCode(frame)).toBe(4001);
    expect(Buffer.from(frame.payload.subarray(2)).toString()).toBe('demo');
    await w.next((m) => m.type === 'ack');
    w.send({ connection: id, action: 'ping' });
    expect((await w.next((m) => m.type === 'error')).message).toMatch(/closing|closed|no open/);
    w.ws.close();
    raw.destroy();
  });

  it('refuses bad commands and connections of other sessions', async () => {
    const { w, raw, id } = await setup('cmd-mine');
    const other = await watch(s.url('/inspect?session=cmd-theirs'));
    await other.next((m) => m.type === 'hello');
    other.send({ id: 7, connection: id, action: 'close', code: 1000 });
    const refused = await other.next((m) => m.type === 'error');
    expect(refused).toMatchObject({ id: 7, connection: id });
    expect(refused.message).toMatch(/no open connection/);
    for (const [command, pattern] of [
      [{ connection: id, action: 'close', code: 1005 }, /may not be sent/],
      [{ connection: id, action: 'ping', payload: 'x'.repeat(126) }, /125/],
      [{ connection: id, action: 'fragment-next', count: 0 }, /count/],
      [{ connection: id, action: 'misbehave', kind: 'nonsense' }, /kind/],
      [{ connection: id, action: 'dance' }, /unknown action/],
      [{ connection: 'x', action: 'ping' }, /connection/],
    ] as const) {
      w.send(command);
      expect((await w.next((m) => m.type === 'error')).message).toMatch(pattern);
    }
    w.ws.send('not json');
    expect((await w.next((m) => m.type === 'error')).message).toMatch(/JSON/);
    // The connection was not touched.
    raw.write(clientFrame({ opcode: Opcode.Text, payload: Buffer.from('ok') }));
    expect(Buffer.from((await raw.nextFrame()).payload).toString()).toBe('ok');
    w.ws.close();
    other.ws.close();
    raw.destroy();
  });

  const violations: [string, (bytes: Buffer) => void, number][] = [
    ['masked-frame', (b) => expect([b[0], b[1]! & 0x80]).toEqual([0x81, 0x80]), 1002],
    ['rsv1', (b) => expect(b[0]).toBe(0xc1), 1002],
    ['reserved-opcode', (b) => expect(b[0]).toBe(0x83), 1002],
    ['invalid-utf8', (b) => expect(b.toString('hex')).toBe('81054869' + '20c328'), 1007],
    ['long-control', (b) => expect(b.subarray(0, 4).toString('hex') + b.length).toBe('897e007e' + 130), 1002],
    ['fragmented-ping', (b) => expect(b.toString('hex')).toBe('0904' + Buffer.from('frag').toString('hex') + '8006' + Buffer.from('mented').toString('hex')), 1002],
  ];

  it.each(violations)('misbehave %s: the exact frame goes out, marked; a ws client fails the connection', async (kind, check, code) => {
    // What is on the wire, and what the subscriber is told.
    const w = await watch(s.url(`/inspect?session=mis-${kind}`));
    await w.next((m) => m.type === 'hello');
    const raw = await RawClient.connect(s.port);
    raw.write(upgradeRequest(`/echo?session=mis-${kind}`));
    const got: Buffer[] = [];
    await raw.readHead();
    raw.socket.on('data', (c: Buffer) => got.push(c));
    const id = (await w.next((m) => m.type === 'open')).connection;
    w.send({ connection: id, action: 'misbehave', kind });
    const frame = await w.next((m) => m.type === 'frame' && m.direction === 'out');
    expect(frame.misbehave).toBe(kind);
    const ack = await w.next((m) => m.type === 'ack');
    expect(ack.detail).toMatch(/RFC 6455/);
    await eventually(() => Buffer.concat(got).length > 0);
    await sleep(20);
    const bytes = Buffer.concat(got);
    check(bytes);
    const reported = w.messages.filter((m) => m.type === 'frame' && m.direction === 'out').map((m) => m.bytes).join('');
    expect(reported).toBe(bytes.toString('hex'));
    raw.destroy();

    // An independent client (ws) fails the connection with the RFC's code.
    const ws = await openWs(s.url(`/echo?session=mis-${kind}`));
    ws.on('error', () => {});
    const id2 = (await w.next((m) => m.type === 'open')).connection;
    w.send({ connection: id2, action: 'misbehave', kind });
    // ws fails the connection: it sends a close frame with the code and stops reading (its own
    // close event says 1006, as a browser's does); the server saw the close frame.
    const closed = await wsClosed(ws);
    expect(closed.code).toBe(1006);
    const serverSide = await w.next((m) => m.type === 'closed' && m.connection === id2);
    expect(serverSide).toMatchObject({ code, initiator: 'client' });
    w.ws.close();
  });
});
