/**
 * The comparison's HTTP endpoints against clients that ask and never read: each poll's answer
 * would sit in the server's memory for as long as its socket stays open. The server's own memory
 * (child process, forced GC) must stay within the bound of unread answers, a reading client must
 * get a clear 503 while the room is taken and its echoes once the stalled sockets are dropped.
 * No timing is asserted beyond "eventually", with a harness limit.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPARE_PATHS, type PollResponse } from '../../src/wire/compare';
import { ChildServer, MiB, sleep } from './helpers';

const HOSTILE = 40;

describe('clients that poll and never read the answer', () => {
  let server: ChildServer;
  // Answers of up to 4 MiB of echo text: JSON-escaped control characters make each about 24 MiB,
  // more than the kernel's buffers for one loopback socket take, so the rest waits in the server.
  const limits = { maxUnsentBytes: 8 * MiB, stallMs: 1500, maxAnswerBytes: 4 * MiB };
  beforeAll(async () => {
    server = await ChildServer.start({ compare: limits });
  });
  afterAll(() => server.stop());

  const base = (): string => `http://127.0.0.1:${server.port}`;
  const post = (run: string, seq: number, body: string): Promise<Response> =>
    fetch(`${base()}${COMPARE_PATHS.send('short-polling')}?run=${run}&seq=${seq}`, { method: 'POST', body });

  it(`${HOSTILE} of them hold at most the bound plus one answer; a reader gets 503, then its echo once they are dropped`, { timeout: 60_000 }, async () => {
    for (let seq = 1; seq <= 4; seq++) expect((await post('hostile-run', seq, '\u0001'.repeat(MiB - 1))).status).toBe(204);
    expect((await post('reader-run', 1, 'hello from a reader')).status).toBe(204);
    const before = await server.memory();

    const sockets: net.Socket[] = [];
    for (let i = 0; i < HOSTILE; i++) {
      const socket = net.connect(server.port, '127.0.0.1');
      socket.pause(); // never read
      socket.on('error', () => {});
      socket.write(`GET ${COMPARE_PATHS.poll('short-polling')}?run=hostile-run&after=0 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      sockets.push(socket);
    }
    await sleep(1000);
    const during = await server.memory();
    const held = during.external + during.heapUsed - (before.external + before.heapUsed);
    console.log(`${HOSTILE} unread polls of a 24 MiB answer: the server holds ${(held / MiB).toFixed(1)} MiB more`);
    // Unbounded, this was about 14 MiB per socket (540 MiB); bounded: 8 MiB plus the one answer let through when nothing waited.
    expect(held).toBeLessThan(limits.maxUnsentBytes + 24 * MiB + 16 * MiB);

    const refused = await fetch(`${base()}${COMPARE_PATHS.poll('short-polling')}?run=reader-run&after=0`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.text()).toMatch(/answers that clients have not read yet/);

    // The socket that took nothing for stallMs is dropped, which gives the room back.
    await expect
      .poll(
        async () => {
          const response = await fetch(`${base()}${COMPARE_PATHS.poll('short-polling')}?run=reader-run&after=0`);
          return response.status === 200 ? ((await response.json()) as PollResponse).messages : response.status;
        },
        { timeout: 20_000, interval: 250 },
      )
      .toEqual([{ seq: 1, text: 'hello from a reader' }]);
    for (const socket of sockets) socket.destroy();
    expect(await server.alive()).toBe(true);
  });
});
