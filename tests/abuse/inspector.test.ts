/**
 * Abuse through `/inspect`: a subscriber that never reads while the connection it watches is busy
 * (its queue is bounded, the echo never waits for it), and one that floods commands without reading
 * the answers (failed with 1008 before the answers it will not read fill the server's memory).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChildServer, frame, MiB, Raw, sleep } from './helpers';

let server: ChildServer;
beforeAll(async () => {
  server = await ChildServer.start({});
});
afterAll(() => server.stop());

describe('/inspect subscribers that do not read', () => {
  it('a subscriber that never reads does not slow the echo it watches; its queue is bounded and the gap announced', { timeout: 30_000 }, async () => {
    const before = await server.memory();
    const sub = await Raw.open(server.port, '/inspect?session=slow-sub');
    sub.socket.pause();
    const echo = await Raw.open(server.port, '/echo?session=slow-sub');
    const message = frame(2, Buffer.alloc(8 * 1024, 0x42));
    for (let i = 0; i < 2000; i++) {
      echo.write(message);
      if (i % 100 === 99) await echo.until(() => echo.frames.length >= i + 1, 10_000, 'the echoes');
    }
    await echo.until(() => echo.frames.length >= 2000, 10_000, 'all 2,000 echoes');
    // All 2,000 echoes arrived while the subscriber read nothing: the echo never waited for it.
    expect(sub.bytesIn).toBeLessThan(echo.bytesIn);
    const during = await server.memory();
    // 8 MiB of queued JSON (twice that as UTF-16 at worst) plus the socket's high water mark.
    expect(during.heapUsed - before.heapUsed).toBeLessThan(40 * MiB);
    // What the tap produced about the echo connection: its open, each TCP read, each frame both ways.
    const [watched] = (await server.connections()).filter((c) => c.path === '/echo');
    expect(watched!.stats).toMatchObject({ framesIn: 2000, framesOut: 2000 });
    const produced = 1 + watched!.stats.reads + 2000 + 2000;
    // Reading at last: the queue drains, and `dropped` messages count what did not fit. Every
    // message is delivered or counted, exactly once.
    sub.socket.resume();
    const counts = { read: 0, delivered: 0, dropped: 0 };
    const tally = (): typeof counts => {
      for (; counts.read < sub.frames.length; counts.read++) {
        const m = JSON.parse(sub.frames[counts.read]!.payload.toString()) as { type: string; count?: number; connection?: number };
        if (m.type === 'dropped') counts.dropped += m.count!;
        else if (m.connection === watched!.id) counts.delivered++;
      }
      return counts;
    };
    await sub.until(() => tally().delivered + counts.dropped >= produced, 10_000, 'every message delivered or counted');
    await sleep(100);
    const { delivered, dropped } = tally();
    expect(delivered + dropped).toBe(produced);
    expect(dropped).toBeGreaterThan(0); // the queue was bounded: some of it did not fit
    echo.destroy();
    sub.destroy();
  });

  it('a subscriber that floods commands without reading the answers is failed with 1008; memory stays bounded', { timeout: 60_000 }, async () => {
    const before = await server.memory();
    const sub = await Raw.open(server.port, '/inspect?session=flooder');
    sub.socket.pause();
    const commands = Buffer.concat(Array.from({ length: 1000 }, (_, i) => frame(1, JSON.stringify({ type: 'command', id: i, connection: 999, action: 'ping' }))));
    // The server reads on while the answers pile up unread; on a loaded machine it reads slowly, so
    // a drain may take seconds (giving up after one second left it short of the bound, never failed).
    for (let i = 0; i < 300 && !sub.closed; i++) {
      if (!sub.write(commands)) {
        const drained = await Promise.race([new Promise<boolean>((r) => sub.socket.once('drain', () => r(true))), sleep(10_000).then(() => false)]);
        if (!drained) break;
      }
    }
    await sleep(300);
    const during = await server.memory();
    // Without the bound: ~250 bytes of heap per unread answer, 75 MB for 300,000 commands.
    expect(during.heapUsed - before.heapUsed).toBeLessThan(32 * MiB);
    sub.socket.resume();
    await sub.ended(10_000);
    expect(sub.close?.code).toBe(1008);
    expect(sub.close?.reason).toMatch(/faster than/);
    // The answers it did read were errors for the unknown connection.
    expect(JSON.parse(sub.frames.find((f) => f.opcode === 1 && f.payload.includes('"error"'))!.payload.toString())).toMatchObject({ type: 'error', connection: 999 });
  });
});
