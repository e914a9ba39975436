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
    const t0 = performance.now();
    for (let i = 0; i < 2000; i++) {
      echo.write(message);
      if (i % 100 === 99) await echo.until(() => echo.frames.length >= i + 1, 10_000, 'the echoes');
    }
    await echo.until(() => echo.frames.length >= 2000, 10_000, 'all 2,000 echoes');
    const took = performance.now() - t0;
    expect(took).toBeLessThan(10_000);
    const during = await server.memory();
    // 8 MiB of queued JSON (twice that as UTF-16 at worst) plus the socket's high water mark.
    expect(during.heapUsed - before.heapUsed).toBeLessThan(40 * MiB);
    echo.destroy();
    // Reading at last: the queue drains and a `dropped` message says how much was missed.
    sub.socket.resume();
    await sub.until(() => sub.frames.some((f) => f.opcode === 1 && f.payload.toString().startsWith('{"type":"dropped"')), 10_000, 'a dropped notice');
    const dropped = sub.frames.map((f) => JSON.parse(f.payload.toString()) as { type: string; count?: number }).filter((m) => m.type === 'dropped');
    expect(dropped.reduce((n, m) => n + (m.count ?? 0), 0)).toBeGreaterThan(0);
    sub.destroy();
  });

  it('a subscriber that floods commands without reading the answers is failed with 1008; memory stays bounded', { timeout: 30_000 }, async () => {
    const before = await server.memory();
    const sub = await Raw.open(server.port, '/inspect?session=flooder');
    sub.socket.pause();
    const commands = Buffer.concat(Array.from({ length: 1000 }, (_, i) => frame(1, JSON.stringify({ type: 'command', id: i, connection: 999, action: 'ping' }))));
    for (let i = 0; i < 300 && !sub.closed; i++) {
      if (!sub.write(commands)) {
        const drained = await Promise.race([new Promise<boolean>((r) => sub.socket.once('drain', () => r(true))), sleep(1000).then(() => false)]);
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
