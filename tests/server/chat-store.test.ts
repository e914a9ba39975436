/**
 * The chat store (server/chat/store.ts): one suite, run against the in-memory store and against
 * the Redis store on a real redis-server. Each test plays several server processes: several
 * stores sharing one state (one `MemoryBackend`, or one Redis and key prefix).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { colourForName, nameKey } from '../../server/chat/names';
import { MemoryBackend, MemoryStore } from '../../server/chat/memory-store';
import { RedisStore } from '../../server/chat/redis-store';
import type { ChatStore, MessageBody, StoreEvent } from '../../server/chat/store';
import type { UserInfo } from '../../server/chat/messages';
import { describeRedis, TestRedis } from '../helpers/redis';
import { Recorder } from './chat-store-recorder';

const HEARTBEAT_MS = 100;
const TTL_MS = 400;

interface Kind {
  /** A store for one more process of the current test's room. */
  store(): ChatStore;
  /** Stop `store` like a killed process: no goodbye. */
  crash(store: ChatStore): void;
  /** A fresh room for the next test. */
  reset(): void;
}

const user = (name: string): UserInfo => ({ name, colour: colourForName(name) });
const time = '2025-01-01T12:00:00.000Z';
const body = (from: string, text: string): MessageBody => ({ from, colour: colourForName(from), text, time });

let opened: ChatStore[] = [];

/** Opens a store for one more process, with a recorder listening to it. */
async function open(kind: Kind): Promise<{ store: ChatStore; seen: Recorder }> {
  const store = kind.store();
  const seen = new Recorder();
  opened.push(store);
  const { users } = await store.open(seen);
  seen.initialUsers = users;
  return { store, seen };
}

async function join(store: ChatStore, name: string, maxUsers = 100) {
  return store.join({ key: nameKey(name), user: user(name), maxUsers, history: 100, time });
}

function storeSuite(kind: Kind): void {
  afterEach(async () => {
    await Promise.all(opened.map((store) => store.close()));
    opened = [];
    kind.reset();
  });

  it('claims a name once across processes, case-insensitively, atomically', async () => {
    const a = await open(kind);
    const b = await open(kind);
    const results = await Promise.all([join(a.store, 'Alice'), join(b.store, 'ALICE'), join(a.store, 'alice')]);
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.filter((result) => !result.ok)).toEqual([
      { ok: false, reason: 'taken' },
      { ok: false, reason: 'taken' },
    ]);
    // Both processes hear about the one join, once.
    for (const { seen } of [a, b]) {
      await seen.until(() => seen.events.length >= 1, 'the join');
      expect(seen.events).toHaveLength(1);
      expect(seen.events[0]).toMatchObject({ kind: 'join', users: [{ name: expect.stringMatching(/^alice$/i) }] });
    }
  });

  it('keeps the user list in join order with each colour, and refuses a join over maxUsers', async () => {
    const a = await open(kind);
    const b = await open(kind);
    expect(await join(a.store, 'Alice', 3)).toMatchObject({ ok: true });
    expect(await join(b.store, 'Bob', 3)).toMatchObject({ ok: true });
    const carol = await join(a.store, 'Carol', 3);
    expect(carol).toMatchObject({ ok: true, users: [user('Alice'), user('Bob'), user('Carol')] });
    expect(await join(b.store, 'Dave', 3)).toEqual({ ok: false, reason: 'full' });
    const c = await open(kind);
    expect(c.seen.initialUsers).toEqual([user('Alice'), user('Bob'), user('Carol')]);
  });

  it('numbers messages from every process with increasing ids, delivered once each, in one order', async () => {
    const a = await open(kind);
    const b = await open(kind);
    await join(a.store, 'Alice');
    await join(b.store, 'Bob');
    const ids: number[] = [];
    for (let i = 0; i < 10; i++) {
      const [store, from] = i % 2 === 0 ? [a.store, 'alice'] : [b.store, 'bob'];
      const result = await store.post({ fromKey: from, dedupe: { sender: 'm', n: i }, body: body(from, `m${i}`), history: 100 });
      if (result.ok) ids.push(result.id);
    }
    expect(ids).toHaveLength(10);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(new Set(ids).size).toBe(10);
    for (const { seen } of [a, b]) {
      await seen.until(() => seen.messages().length >= 10, 'ten messages');
      expect(seen.messages().map((m) => m.text)).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
      expect(seen.messages().map((m) => m.id)).toEqual(ids);
      expectIncreasing(seen.events);
    }
    // Concurrent posts from both processes still reach both in the same order.
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? a.store : b.store).post({ fromKey: i % 2 ? 'alice' : 'bob', dedupe: { sender: `c${i % 2}`, n: i }, body: body('x', `c${i}`), history: 100 }),
      ),
    );
    await a.seen.until(() => a.seen.messages().length >= 30, '30 messages');
    await b.seen.until(() => b.seen.messages().length >= 30, '30 messages');
    expect(a.seen.messages().map((m) => m.id)).toEqual(b.seen.messages().map((m) => m.id));
  });

  it('posts a message once even when it is sent again with the same dedupe key', async () => {
    const a = await open(kind);
    await join(a.store, 'Alice');
    const request = { fromKey: 'alice', dedupe: { sender: 'once', n: 1 }, body: body('Alice', 'hi'), history: 100 };
    const first = await a.store.post(request);
    const again = await a.store.post(request);
    expect(again).toEqual(first);
    await a.seen.until(() => a.seen.messages().length >= 1, 'the message');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(a.seen.messages()).toHaveLength(1);
  });

  it('refuses a message from someone not in the room (on this process)', async () => {
    const a = await open(kind);
    const b = await open(kind);
    await join(b.store, 'Bob');
    expect(await a.store.post({ fromKey: 'bob', dedupe: { sender: 'x', n: 1 }, body: body('Bob', 'x'), history: 100 })).toEqual({
      ok: false,
      reason: 'not-joined',
    });
  });

  it('keeps the last N public messages, oldest first, for a newcomer', async () => {
    const a = await open(kind);
    await join(a.store, 'Alice');
    for (let i = 1; i <= 8; i++) await a.store.post({ fromKey: 'alice', dedupe: { sender: 'h', n: i }, body: body('Alice', `h${i}`), history: 5 });
    const b = await open(kind);
    const result = await b.store.join({ key: 'bob', user: user('Bob'), maxUsers: 100, history: 3, time });
    expect(result.ok && result.history.map((m) => m.text)).toEqual(['h6', 'h7', 'h8']);
    const all = await b.store.join({ key: 'carol', user: user('Carol'), maxUsers: 100, history: 100, time });
    expect(all.ok && all.history.map((m) => m.text)).toEqual(['h4', 'h5', 'h6', 'h7', 'h8']);
  });

  it('routes a private message to the process holding the recipient (and the sender’s), no other', async () => {
    const a = await open(kind);
    const b = await open(kind);
    const c = await open(kind);
    await join(a.store, 'Alice');
    await join(b.store, 'Bob');
    await join(c.store, 'Carol');
    const sent = await a.store.sendPrivate({ fromKey: 'alice', toKey: 'bob', dedupe: { sender: 'p', n: 1 }, body: body('Alice', 'psst') });
    expect(sent).toMatchObject({ ok: true });
    const expected = { kind: 'private', from: 'alice', to: 'bob', message: { type: 'private', from: 'Alice', to: 'Bob', toColour: colourForName('Bob'), text: 'psst' } };
    await b.seen.until(() => b.seen.privates().length >= 1, 'the private message at Bob’s process');
    await a.seen.until(() => a.seen.privates().length >= 1, 'the echo at Alice’s process');
    expect(b.seen.privates()).toMatchObject([expected]);
    expect(a.seen.privates()).toMatchObject([expected]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(c.seen.privates()).toEqual([]);
    expect(await a.store.sendPrivate({ fromKey: 'alice', toKey: 'zed', dedupe: { sender: 'p', n: 2 }, body: body('Alice', 'x') })).toEqual({
      ok: false,
      reason: 'unknown-recipient',
    });
    // Private messages are not history.
    const d = await join(c.store, 'Dave');
    expect(d.ok && d.history).toEqual([]);
  });

  it('lets only the holder release a name, and tells everyone', async () => {
    const a = await open(kind);
    const b = await open(kind);
    await join(a.store, 'Alice');
    await b.store.leave('alice', time);
    expect(await join(b.store, 'alice')).toEqual({ ok: false, reason: 'taken' });
    await a.store.leave('alice', time);
    await b.seen.until(() => b.seen.events.some((e) => e.kind === 'leave'), 'the leave');
    expect(b.seen.events.find((e) => e.kind === 'leave')).toMatchObject({ user: user('Alice'), users: [] });
    expect(await join(b.store, 'ALICE')).toMatchObject({ ok: true });
  });

  it('takes the users of a process that stops heartbeating out of the room within a few heartbeats', async () => {
    const a = await open(kind);
    const b = await open(kind);
    await join(a.store, 'Alice');
    await join(b.store, 'Bob');
    await join(b.store, 'Bea');
    kind.crash(b.store);
    await a.seen.until(() => a.seen.events.filter((e) => e.kind === 'leave').length >= 2, 'two leaves', 5000);
    const last = a.seen.events.at(-1);
    expect(last).toMatchObject({ kind: 'leave', users: [user('Alice')] });
    expect(await join(a.store, 'bob')).toMatchObject({ ok: true });
  });

  it('lets the users of a process that closes leave at once', async () => {
    const a = await open(kind);
    const b = await open(kind);
    await join(b.store, 'Bob');
    await b.store.close();
    await a.seen.until(() => a.seen.events.some((e) => e.kind === 'leave'), 'Bob’s leave', 1000);
    expect(a.seen.events.at(-1)).toMatchObject({ kind: 'leave', user: user('Bob'), users: [] });
  });
}

function expectIncreasing(events: StoreEvent[]): void {
  const seqs = events.map((event) => event.seq);
  expect(seqs).toEqual([...new Set(seqs)].sort((x, y) => x - y));
}

describe('chat store: in memory', () => {
  let backend = new MemoryBackend();
  storeSuite({
    store: () => new MemoryStore(backend, { heartbeatMs: HEARTBEAT_MS, presenceTtlMs: TTL_MS }),
    crash: (store) => (store as MemoryStore).crash(),
    reset: () => {
      backend = new MemoryBackend();
    },
  });
});

describeRedis('chat store: Redis', () => {
  let redis: TestRedis;
  let room = 0;
  beforeAll(async () => {
    redis = await TestRedis.start();
  });
  afterAll(async () => {
    await redis.remove();
  });
  storeSuite({
    store: () => new RedisStore({ url: redis.url, prefix: `test${room}:{chat}`, heartbeatMs: HEARTBEAT_MS, presenceTtlMs: TTL_MS }),
    crash: (store) => (store as RedisStore).crash(),
    reset: () => {
      room += 1;
    },
  });
});
