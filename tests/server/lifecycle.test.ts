/**
 * The life of a connection: the closing handshake started by the server, its timeout, pings and
 * dropping a silent peer, the idle timeout, backpressure with a client that never reads, many
 * connections at once, and shutting down with 1001.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Opcode } from '../../src/protocol';
import type { ServerConnection } from '../../server/connection';
import { memoryLogger } from '../../server/log';
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
  wsClosed,
  type Running,
} from './helpers';

/** The server side of the newest connection. */
function newest(s: Running): ServerConnection {
  const all = [...s.server.connections];
  return all[all.length - 1]!;
}

describe('closing handshake started by the server', () => {
  let s: Running;
  beforeAll(async () => {
    s = await startServer({ closeTimeout: 300 });
  });
  afterAll(() => s.stop());

  it('sends its close frame, waits for the peer\'s, then closes TCP', async () => {
    const raw = await RawClient.open(s.port);
    await eventually(() => s.server.connections.size === 1);
    newest(s).close(4000, 'lesson over');
    const frame = await raw.closeFrame();
    expect(closeCode(frame)).toBe(4000);
    expect(Buffer.from(frame.payload.subarray(2)).toString()).toBe('lesson over');
    expect(raw.ended).toBe(false); // waiting for our close frame
    raw.write(closeFrame(4000));
    await raw.waitClosed(1000);
    await eventually(() => s.server.connections.size === 0);
  });

  it('drops a peer that never answers its close frame after the close timeout', async () => {
    const raw = await RawClient.open(s.port);
    await eventually(() => s.server.connections.size === 1);
    const start = Date.now();
    newest(s).close(1000);
    await raw.closeFrame();
    await raw.waitClosed(2000);
    expect(Date.now() - start).toBeGreaterThanOrEqual(250);
  });

  it('a ws client sees the code and reason, clean', async () => {
    const ws = await openWs(s.url('/echo'));
    await eventually(() => s.server.connections.size === 1);
    newest(s).close(1000, 'bye');
    const closed = await wsClosed(ws);
    expect(closed).toEqual({ code: 1000, reason: 'bye' });
  });

  it('treats TCP ending without a close frame as 1006', async () => {
    const log = memoryLogger();
    const t = await startServer({ logger: log });
    const raw = await RawClient.open(t.port);
    raw.socket.end();
    await raw.waitClosed();
    await eventually(() => log.lines.some((l) => l.startsWith('close') && l.includes(' 1006 ')));
    await t.stop();
  });
});

describe('pings', () => {
  it('pings on the interval; a peer that answers stays, one that does not is dropped', async () => {
    const log = memoryLogger();
    const s = await startServer({ pingInterval: 150, logger: log });
    try {
      const ws = await openWs(s.url('/echo')); // ws answers pings by itself
      let pings = 0;
      ws.on('ping', () => pings++);
      const raw = await RawClient.open(s.port); // reads, but never answers
      const ping = await raw.nextFrame(1000);
      expect(ping.opcode).toBe(Opcode.Ping);
      const close = await raw.closeFrame(1000);
      expect(closeCode(close)).toBe(1001);
      await raw.waitClosed(1000);
      expect(log.lines.some((l) => l.includes('no pong'))).toBe(true);
      await sleep(400);
      expect(ws.readyState).toBe(ws.OPEN);
      expect(pings).toBeGreaterThanOrEqual(2);
      ws.close();
      await wsClosed(ws);
    } finally {
      await s.stop();
    }
  });

  it('a pong answering our ping counts, an unsolicited one is ignored', async () => {
    const s = await startServer({ pingInterval: 150 });
    try {
      const raw = await RawClient.open(s.port);
      for (let i = 0; i < 3; i++) {
        const ping = await raw.nextFrame(1000);
        expect(ping.opcode).toBe(Opcode.Ping);
        raw.write(clientFrame({ opcode: Opcode.Pong, payload: ping.payload }));
        raw.write(clientFrame({ opcode: Opcode.Pong, payload: Buffer.from('unsolicited') }));
      }
      expect(raw.closed).toBe(false);
      raw.write(clientFrame({ opcode: Opcode.Text, payload: Buffer.from('still here') }));
      let frame = await raw.nextFrame();
      while (frame.opcode === Opcode.Ping) frame = await raw.nextFrame();
      expect(Buffer.from(frame.payload).toString()).toBe('still here');
      raw.destroy();
    } finally {
      await s.stop();
    }
  });
});

describe('idle timeout', () => {
  it('closes with 1001 a peer that sends nothing for the idle timeout', async () => {
    const s = await startServer({ idleTimeout: 300 });
    try {
      const ws = await openWs(s.url('/echo'));
      const start = Date.now();
      // Activity postpones it.
      await sleep(150);
      ws.send('x');
      await nextMessage(ws);
      const closed = await wsClosed(ws, 3000);
      expect(closed.code).toBe(1001);
      expect(closed.reason).toBe('idle timeout');
      expect(Date.now() - start).toBeGreaterThanOrEqual(400);
    } finally {
      await s.stop();
    }
  });
});

describe('backpressure', () => {
  it('stops reading from a client that never reads; memory stays bounded', async () => {
    const s = await startServer({});
    try {
      const raw = await RawClient.open(s.port);
      raw.socket.pause(); // the client never reads what the server echoes
      await eventually(() => s.server.connections.size === 1);
      const conn = newest(s);
      const frame = Buffer.from(clientFrame({ opcode: Opcode.Binary, payload: pattern(64 * 1024, 9) }));
      let written = 0;
      const heapBefore = process.memoryUsage();
      // Write as long as the socket takes it (then a little more), for at most ~2 s.
      const deadline = Date.now() + 2000;
      while (Date.now() < deadline) {
        const ok = raw.socket.write(frame);
        written += frame.length;
        if (!ok) {
          const drained = await Promise.race([
            new Promise<boolean>((r) => raw.socket.once('drain', () => r(true))),
            sleep(300).then(() => false),
          ]);
          if (!drained) break;
        }
      }
      await eventually(() => conn.readingPaused, 2000, 'the server to pause reading');
      const read1 = conn.bytesRead;
      await sleep(300);
      const read2 = conn.bytesRead;
      // The client keeps writing; the server does not read it.
      for (let i = 0; i < 20; i++) raw.socket.write(frame);
      await sleep(300);
      const read3 = conn.bytesRead;
      expect(read2).toBe(read1);
      expect(read3).toBe(read1);
      expect(written).toBeGreaterThan(read1);
      // What the server holds: its unsent echoes, bounded (not the tens of MB the client tried).
      expect(conn.bufferedAmount).toBeLessThan(8 * 1024 * 1024);
      const heapAfter = process.memoryUsage();
      expect(heapAfter.arrayBuffers - heapBefore.arrayBuffers).toBeLessThan(96 * 1024 * 1024);

      // When the client reads again, everything it sent is echoed, and the server reads again.
      raw.socket.resume();
      await eventually(() => conn.bytesRead > read3, 5000, 'reading to resume');
      raw.destroy();
    } finally {
      await s.stop();
    }
  }, 15_000);
});

describe('many connections', () => {
  it('1,000 connections at once all echo', async () => {
    const s = await startServer({ maxConnections: 1100 });
    try {
      const N = 1000;
      const clients = await Promise.all(Array.from({ length: N }, () => openWs(s.url('/echo'))));
      expect(s.server.connections.size).toBe(N);
      const echoes = await Promise.all(
        clients.map((ws, i) => {
          const got = nextMessage(ws, 15_000);
          ws.send(`hello ${i}`);
          return got;
        }),
      );
      echoes.forEach((e, i) => expect(e.data.toString()).toBe(`hello ${i}`));
      await Promise.all(
        clients.map((ws) => {
          const closed = wsClosed(ws, 15_000);
          ws.close(1000);
          return closed;
        }),
      );
      await eventually(() => s.server.connections.size === 0, 5000);
    } finally {
      await s.stop();
    }
  }, 30_000);
});

describe('shutdown', () => {
  it('closes every connection with 1001 and stops listening', async () => {
    const s = await startServer({});
    const clients = await Promise.all([1, 2, 3].map(() => openWs(s.url('/echo'))));
    const closes = clients.map((ws) => wsClosed(ws));
    await s.server.close();
    for (const c of await Promise.all(closes)) expect(c.code).toBe(1001);
    await expect(openWs(s.url('/echo'))).rejects.toThrow();
  });
});
