/**
 * Slow clients: a slowloris on the HTTP head, a frame cut in half and then silence, a frame
 * trickled a byte per write, and a client that never reads while the server echoes big messages.
 * Each must get a clear refusal or close in bounded time, and the server's memory (measured in its
 * own process, after a forced GC) must stay bounded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChildServer, frame, header, MiB, Raw, sleep, upgradeHead } from './helpers';

describe('slowloris on the HTTP head', () => {
  let server: ChildServer;
  beforeAll(async () => {
    server = await ChildServer.start({ handshakeTimeout: 600 });
  });
  afterAll(() => server.stop());

  it('a head trickled a byte every 50 ms is answered 408 when the handshake timeout runs out, and TCP is closed', async () => {
    const raw = await Raw.connect(server.port);
    const head = upgradeHead(server.port);
    let i = 0;
    const timer = setInterval(() => {
      if (i < head.length - 2 && !raw.closed) raw.write(head[i++]!);
    }, 50);
    try {
      await raw.ended(3000);
    } finally {
      clearInterval(timer);
    }
    expect(raw.status).toBe(408);
    expect(raw.body.toString()).toMatch(/request head/i);
    const took = raw.closedAt - raw.openedAt;
    // Not before the handshake timeout (600 ms, less the timer's slack); `ended(3000)` bounds it above.
    expect(took).toBeGreaterThan(500);
  });

  it('200 silent connections at once are all dropped on time, while a real client still gets its echo', async () => {
    const loris = await Promise.all(Array.from({ length: 200 }, () => Raw.connect(server.port)));
    for (const r of loris) r.write('GET /echo HTTP/1.1\r\nHost: x\r\n');
    const real = await Raw.open(server.port);
    real.write(frame(1, 'still here'));
    await real.until(() => real.frames.length > 0, 2000, 'the echo');
    expect(real.frames[0]!.payload.toString()).toBe('still here');
    await Promise.all(loris.map((r) => r.ended(4000)));
    expect(loris.every((r) => r.status === 408)).toBe(true);
    real.write(frame(8, Buffer.from([0x03, 0xe8])));
    await real.ended();
    expect(await server.alive()).toBe(true);
  });
});

describe('half a frame, then silence', () => {
  let server: ChildServer;
  beforeAll(async () => {
    server = await ChildServer.start({ idleTimeout: 500, closeTimeout: 400 });
  });
  afterAll(() => server.stop());

  for (const [what, bytes] of [
    ['one byte of a header', Buffer.from([0x82])],
    ['a header without its masking key', header(2, 1000).subarray(0, 4)],
    ['a header and half the payload', Buffer.concat([header(2, 1000), Buffer.alloc(500)])],
  ] as const) {
    it(`${what}: the idle timeout closes with 1001, then the server drops TCP when no close comes back`, async () => {
      const raw = await Raw.open(server.port);
      raw.write(bytes);
      await raw.ended(3000);
      expect(raw.close?.code).toBe(1001);
      expect(raw.close?.reason).toMatch(/idle/);
      const took = raw.closedAt - raw.openedAt;
      // Never before the idle timeout (500 ms, with the timer's slack); `ended(3000)` bounds it above.
      expect(took).toBeGreaterThan(450);
    });
  }

  it('with pings on and no idle timeout: a peer stuck mid-frame cannot answer the ping and is dropped', async () => {
    const pinging = await ChildServer.start({ pingInterval: 300, idleTimeout: 0, closeTimeout: 300 });
    try {
      const raw = await Raw.open(pinging.port);
      raw.write(Buffer.concat([header(2, 100), Buffer.alloc(10)]));
      await raw.ended(3000);
      expect(raw.frames.some((f) => f.opcode === 9)).toBe(true);
      expect(raw.close?.code).toBe(1001);
      expect(raw.close?.reason).toMatch(/pong/);
      expect(raw.closedAt - raw.openedAt).toBeLessThan(2000);
    } finally {
      await pinging.stop();
    }
  });
});

describe('a frame trickled a byte per write', () => {
  let server: ChildServer;
  beforeAll(async () => {
    server = await ChildServer.start({});
  });
  afterAll(() => server.stop());

  it('256 KiB of payload, one byte per write: memory stays flat while it arrives, and the echo is byte-exact', async () => {
    const before = await server.memory();
    const raw = await Raw.open(server.port);
    const payload = Buffer.alloc(256 * 1024, 0x5a);
    const bytes = frame(2, payload);
    raw.write(bytes.subarray(0, 14));
    for (let i = 14; i < bytes.length - 1; i++) {
      raw.write(bytes.subarray(i, i + 1));
      if (i % 32 === 0) await new Promise((r) => setImmediate(r));
    }
    await sleep(200);
    // All but the last byte are in: the server holds ~256 KiB of payload, not a view per read.
    const during = await server.memory();
    expect(during.heapUsed - before.heapUsed, 'heap growth').toBeLessThan(3 * MiB);
    raw.write(bytes.subarray(bytes.length - 1));
    await raw.until(() => raw.frames.length > 0, 20_000, 'the echo');
    expect(raw.frames[0]!.payload.equals(payload)).toBe(true);
    raw.destroy();
  });
});

describe('a client that never reads', () => {
  let server: ChildServer;
  beforeAll(async () => {
    server = await ChildServer.start({ idleTimeout: 0 });
  });
  afterAll(() => server.stop());

  it('while it sends 1 MiB messages: the server stops reading it, its unsent bytes and memory stay bounded, others are served', async () => {
    const before = await server.memory();
    const raw = await Raw.open(server.port);
    raw.parse = false;
    raw.socket.pause(); // never read: the kernel buffers fill, then the server's socket
    const message = frame(2, Buffer.alloc(MiB, 0xab));
    let sent = 0;
    // Write until the writes stop draining for half a second (the server no longer reads).
    for (;;) {
      if (raw.write(message)) {
        sent++;
        if (sent > 400) break;
        continue;
      }
      sent++;
      const drained = await Promise.race([
        new Promise<boolean>((r) => raw.socket.once('drain', () => r(true))),
        sleep(500).then(() => false),
      ]);
      if (!drained || sent > 400) break;
    }
    await sleep(300);
    const [conn] = (await server.connections()).filter((c) => c.path === '/echo');
    expect(conn).toBeDefined();
    expect(conn!.readingPaused).toBe(true);
    // Unsent on the server: at most the pause threshold (1 MiB) plus the echo that crossed it.
    expect(conn!.bufferedAmount).toBeLessThan(3 * MiB);
    // It stopped well short of what we tried to send (kernel buffers hold the rest).
    expect(sent).toBeLessThan(400);
    const during = await server.memory();
    expect(during.heapUsed - before.heapUsed).toBeLessThan(32 * MiB);
    expect(during.rss - before.rss).toBeLessThan(96 * MiB);

    // Meanwhile another client is served at once.
    const other = await Raw.open(server.port);
    other.write(frame(1, 'hello'));
    await other.until(() => other.frames.length > 0, 2000, 'the echo');
    other.destroy();

    raw.destroy();
    await sleep(200);
    expect((await server.connections()).length).toBe(0);
    const after = await server.memory();
    expect(after.heapUsed - before.heapUsed).toBeLessThan(8 * MiB);
  });

  // 40 MiB written and a 2.5 s wait take 3-5 s on a loaded machine: a harness limit, not a speed assertion.
  it('a never-reading peer that also stops sending is closed by the idle timeout and dropped after the close timeout', { timeout: 30_000 }, async () => {
    const idle = await ChildServer.start({ idleTimeout: 400, closeTimeout: 300 });
    try {
      const raw = await Raw.open(idle.port);
      raw.parse = false;
      raw.socket.pause();
      for (let i = 0; i < 40; i++) raw.write(frame(2, Buffer.alloc(MiB)));
      // The server reads until its unsent echoes pass 1 MiB, then nothing arrives any more.
      await sleep(2500);
      const left = await idle.connections();
      expect(left.length).toBe(0);
      raw.destroy();
    } finally {
      await idle.stop();
    }
  });
});
