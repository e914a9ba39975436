/**
 * Floods: many pings (read and unread), many tiny frames (1-byte and empty fragments of one
 * message), many small messages, many connections at once, and connection churn. The server must
 * answer everything it owes, refuse what is over its limits with a clear status, and keep its
 * memory (measured in its own process, after a forced GC) bounded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChildServer, frame, MiB, Raw, sleep } from './helpers';

let server: ChildServer;
beforeAll(async () => {
  server = await ChildServer.start({});
});
afterAll(() => server.stop());

/** Write `total` copies of `unit` in batches, waiting for drain. */
async function pour(raw: Raw, unit: Buffer, total: number, batch = 10_000): Promise<void> {
  const block = Buffer.concat(Array.from({ length: Math.min(batch, total) }, () => unit));
  let left = total;
  while (left > 0) {
    const n = Math.min(batch, left);
    const ok = await raw.send(n === batch ? block : block.subarray(0, n * unit.length));
    if (!ok) throw new Error('the server closed the connection');
    left -= n;
  }
}

describe('ping floods', () => {
  it('20,000 pings in a burst get 20,000 pongs, in order, with their payloads', async () => {
    const raw = await Raw.open(server.port);
    const pings = Buffer.concat(Array.from({ length: 20_000 }, (_, i) => frame(9, `p${i}`)));
    raw.write(pings);
    await raw.until(() => raw.frames.length >= 20_000, 10_000, '20,000 pongs');
    expect(raw.frames.every((f, i) => f.opcode === 10 && f.payload.toString() === `p${i}`)).toBe(true);
    raw.destroy();
  });

  it('125-byte pings from a client that never reads: the server stops reading it; unsent pongs and memory stay bounded', async () => {
    const before = await server.memory();
    const raw = await Raw.open(server.port);
    raw.parse = false;
    raw.socket.pause();
    const ping = frame(9, Buffer.alloc(125, 0x70));
    const block = Buffer.concat(Array.from({ length: 8000 }, () => ping)); // ~1 MiB of pings
    let blocks = 0;
    for (; blocks < 200; blocks++) {
      if (raw.write(block)) continue;
      const drained = await Promise.race([new Promise<boolean>((r) => raw.socket.once('drain', () => r(true))), sleep(500).then(() => false)]);
      if (!drained) break;
    }
    await sleep(200);
    const [conn] = await server.connections();
    expect(conn!.readingPaused).toBe(true);
    expect(conn!.bufferedAmount).toBeLessThan(2 * MiB);
    expect(blocks).toBeLessThan(200);
    const during = await server.memory();
    expect(during.heapUsed - before.heapUsed).toBeLessThan(24 * MiB);
    raw.destroy();
    await sleep(100);
  });
});

describe('tiny frames', () => {
  it('one binary message in 2,000,000 one-byte fragments: echoed whole; the server holds the message, not a view per fragment', { timeout: 30_000 }, async () => {
    const before = await server.memory();
    const raw = await Raw.open(server.port);
    raw.write(frame(2, Buffer.from([0]), false));
    const one = frame(0, Buffer.from([1]), false);
    await pour(raw, one, 2_000_000 - 2);
    await sleep(200);
    // Before the last fragment: ~2 MB of message gathered (a 4 MB buffer at most), not ~200 MB of views.
    const during = await server.memory();
    expect(during.heapUsed - before.heapUsed, 'heap growth while the fragments pile up').toBeLessThan(24 * MiB);
    expect(during.arrayBuffers - before.arrayBuffers, 'buffers pinned').toBeLessThan(24 * MiB);
    raw.write(frame(0, Buffer.from([2]), true));
    await raw.until(() => raw.frames.length > 0, 20_000, 'the echo');
    const echo = raw.frames[0]!;
    expect(echo.opcode).toBe(2);
    expect(echo.payload.length).toBe(2_000_000);
    expect(echo.payload[0]).toBe(0);
    expect(echo.payload[1_000_000]).toBe(1);
    expect(echo.payload[1_999_999]).toBe(2);
    raw.destroy();
  });

  it('a text message that never ends, in 2,000,000 empty continuation frames: memory flat (they never reach maxMessage)', { timeout: 30_000 }, async () => {
    const before = await server.memory();
    const raw = await Raw.open(server.port);
    raw.write(frame(1, 'start', false));
    await pour(raw, frame(0, '', false), 2_000_000);
    await sleep(200);
    const during = await server.memory();
    expect(during.heapUsed - before.heapUsed, 'heap growth').toBeLessThan(4 * MiB);
    raw.write(frame(0, '!', true));
    await raw.until(() => raw.frames.length > 0, 10_000, 'the echo');
    expect(raw.frames[0]!.payload.toString()).toBe('start!');
    raw.destroy();
  });

  it('100,000 small text messages in a burst: 100,000 echoes, in order', { timeout: 30_000 }, async () => {
    const raw = await Raw.open(server.port);
    const all = Buffer.concat(Array.from({ length: 100_000 }, (_, i) => frame(1, `m${i}`)));
    await raw.send(all);
    await raw.until(() => raw.frames.length >= 100_000, 20_000, '100,000 echoes');
    expect(raw.frames.every((f, i) => f.opcode === 1 && f.payload.toString() === `m${i}`)).toBe(true);
    raw.destroy();
  });

  it('fragments past maxMessage are refused with 1009 as soon as the total goes over', async () => {
    const small = await ChildServer.start({ maxMessage: 64 * 1024 });
    try {
      const raw = await Raw.open(small.port);
      raw.write(frame(2, Buffer.alloc(1000), false));
      for (let i = 0; i < 70; i++) raw.write(frame(0, Buffer.alloc(1000), false));
      await raw.ended(3000);
      expect(raw.close?.code).toBe(1009);
    } finally {
      await small.stop();
    }
  });
});

describe('many connections', () => {
  it('over maxConnections: exactly the excess gets 503 with Retry-After and a reason; the rest work; the count returns to 0', async () => {
    const limited = await ChildServer.start({ maxConnections: 100 });
    try {
      const raws = await Promise.all(Array.from({ length: 130 }, () => Raw.connect(limited.port)));
      const { upgradeHead } = await import('./helpers');
      for (const r of raws) r.write(upgradeHead(limited.port));
      await Promise.all(raws.map((r) => r.until(() => r.head !== null, 5000, 'a response')));
      const ok = raws.filter((r) => r.status === 101);
      const refused = raws.filter((r) => r.status === 503);
      expect(ok.length).toBe(100);
      expect(refused.length).toBe(30);
      for (const r of refused) {
        expect(r.head).toMatch(/\r\nRetry-After: \d+\r\n/i);
        await r.ended(3000);
        expect(r.body.toString()).toMatch(/limit of 100/);
      }
      await Promise.all(ok.map(async (r, i) => {
        r.write(frame(1, `n${i}`));
        await r.until(() => r.frames.length > 0, 5000, 'an echo');
        expect(r.frames[0]!.payload.toString()).toBe(`n${i}`);
        r.write(frame(8, Buffer.from([0x03, 0xe8])));
        await r.ended(3000);
        expect(r.close?.code).toBe(1000);
      }));
      await sleep(100);
      expect((await limited.connections()).length).toBe(0);
      const again = await Raw.open(limited.port);
      again.destroy();
    } finally {
      await limited.stop();
    }
  });

  it('connection churn: 2,000 connections opened, used and closed (half cleanly, half dropped) leave nothing behind', { timeout: 30_000 }, async () => {
    const before = await server.memory();
    for (let round = 0; round < 40; round++) {
      await Promise.all(Array.from({ length: 50 }, async (_, i) => {
        const r = await Raw.open(server.port);
        r.write(frame(1, 'x'));
        await r.until(() => r.frames.length > 0, 5000, 'an echo');
        if (i % 2 === 0) {
          r.write(frame(8, Buffer.from([0x03, 0xe8])));
          await r.ended(3000);
        } else {
          r.destroy();
        }
      }));
    }
    await sleep(200);
    expect((await server.connections()).length).toBe(0);
    const after = await server.memory();
    expect(after.heapUsed - before.heapUsed).toBeLessThan(8 * MiB);
    expect(await server.alive()).toBe(true);
  });
});
