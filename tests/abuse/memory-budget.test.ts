/**
 * The server's memory budget over all connections (server/connection/memory-budget.ts): peers that
 * each stay under the per-message limit but together hold more than the budget. The connection
 * holding the most is closed with 1013 as soon as the sum passes the budget; the others finish
 * their messages; memory measured in the server's own process comes back.
 */
import { describe, expect, it } from 'vitest';
import { MemoryBudget, type BudgetHolder } from '../../server/connection/memory-budget';
import { ChildServer, frame, MiB, Raw, sleep } from './helpers';

describe('MemoryBudget', () => {
  it('sheds the holder holding the most once the total passes the limit, and ignores it afterwards', () => {
    const shed: string[] = [];
    const holder = (name: string): BudgetHolder & { name: string } => ({ name, overBudget: (held, total, limit) => shed.push(`${name} ${held} ${total} ${limit}`) });
    const budget = new MemoryBudget(100);
    const [a, b, c] = [holder('a'), holder('b'), holder('c')];
    budget.report(a, 40);
    budget.report(b, 50);
    expect(shed).toEqual([]);
    budget.report(c, 20);
    expect(shed).toEqual(['b 50 110 100']);
    expect(budget.total).toBe(60);
    budget.report(b, 500);
    expect(budget.total).toBe(60);
    budget.report(a, 10);
    budget.remove(c);
    expect(budget.total).toBe(10);
    budget.remove(b);
    expect(shed).toHaveLength(1);
  });
});

describe('the memory budget on a running server', () => {
  it('unfinished messages that together pass the budget: the one holding the most is closed with 1013; a new message and the others go through; memory returns', { timeout: 30_000 }, async () => {
    const server = await ChildServer.start({ memoryBudget: 8 * MiB, maxMessage: 4 * MiB });
    try {
      const before = await server.memory();
      const peers = await Promise.all(Array.from({ length: 5 }, () => Raw.open(server.port)));
      const piece = Buffer.alloc(MiB, 0x61);
      // Peers 0-2 start a binary message with 1 MiB; peer 3 sends 3 MiB of one (its buffer: 4 MiB,
      // the message limit). Each is under the 4 MiB limit; together 7 MiB, under the 8 MiB budget.
      for (const peer of peers.slice(0, 3)) peer.write(frame(2, piece, false));
      peers[3]!.write(frame(2, piece, false));
      peers[3]!.write(frame(0, piece, false));
      peers[3]!.write(frame(0, piece, false));
      await sleep(500);
      expect(peers.every((peer) => peer.close === null && !peer.fin)).toBe(true);
      // Peer 4 sends a whole 2 MiB message: while it arrives the sum passes the budget. Peer 3 holds
      // the most and is closed, though it sent nothing new; peer 4's message is echoed.
      peers[4]!.write(frame(2, Buffer.alloc(2 * MiB, 0x62)));
      await peers[3]!.ended(5000);
      expect(peers[3]!.close).toEqual({ code: 1013, reason: expect.stringMatching(/^Try Again Later/) });
      await peers[4]!.until(() => peers[4]!.frames.length > 0, 10_000, 'the echo of 2 MiB');
      expect(peers[4]!.frames[0]!.payload.equals(Buffer.alloc(2 * MiB, 0x62))).toBe(true);
      // The others finish their messages (3 MiB each) and get them back whole.
      for (const peer of peers.slice(0, 3)) {
        peer.write(frame(0, Buffer.alloc(2 * MiB, 0x61), true));
        await peer.until(() => peer.frames.length > 0, 10_000, 'the echo of 3 MiB');
        expect(peer.frames[0]!.opcode).toBe(2);
        expect(peer.frames[0]!.payload.length).toBe(3 * MiB);
        expect(peer.close).toBeNull();
      }
      for (const peer of peers) peer.destroy();
      await sleep(300);
      const after = await server.memory();
      expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(4 * MiB);
    } finally {
      await server.stop();
    }
  });
});
