/**
 * What only the Redis store does: a clear error when Redis is not there at start, sharded pub/sub
 * where the server has it, and losing Redis while running — one process cut off from it through a
 * relay the test controls (tests/helpers/tcp-proxy.ts), or Redis itself restarted — then catching
 * up with nothing acknowledged lost. The behaviour both stores share is tests/server/chat-store.test.ts.
 */
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { colourForName, nameKey } from '../../server/chat/names';
import { RedisStore, type RedisStoreOptions } from '../../server/chat/redis-store';
import { StoreUnavailableError, type MessageBody } from '../../server/chat/store';
import { RedisUnavailableError } from '../../server/chat/redis-url';
import { describeRedis, findRedisServer, freePort, TestRedis } from '../helpers/redis';
import { TcpProxy } from '../helpers/tcp-proxy';
import { Recorder } from './chat-store-recorder';

const time = '2025-01-01T12:00:00.000Z';
const body = (from: string, text: string): MessageBody => ({ from, colour: colourForName(from), text, time });

describeRedis('chat store: Redis only', () => {
  let redis: TestRedis;
  let proxy: TcpProxy;
  let room = 0;
  let stores: RedisStore[] = [];

  beforeAll(async () => {
    redis = await TestRedis.start();
    proxy = await TcpProxy.start(redis.port);
  });
  afterEach(async () => {
    proxy.restore();
    await Promise.all(stores.map((store) => store.close()));
    stores = [];
    room += 1;
  });
  afterAll(async () => {
    await proxy.stop();
    await redis.remove();
  });

  async function open(options: Partial<RedisStoreOptions> = {}): Promise<{ store: RedisStore; seen: Recorder }> {
    const store = new RedisStore({
      url: redis.url,
      prefix: `only${room}:{chat}`,
      heartbeatMs: 100,
      presenceTtlMs: 400,
      maxBackoffMs: 200,
      ...options,
    });
    stores.push(store);
    const seen = new Recorder();
    seen.initialUsers = (await store.open(seen)).users;
    return { store, seen };
  }

  async function join(store: RedisStore, name: string) {
    const result = await store.join({ key: nameKey(name), user: { name, colour: colourForName(name) }, maxUsers: 100, history: 100, time });
    expect(result).toMatchObject({ ok: true });
    return result;
  }

  it('says clearly, without retrying, that Redis is not there at start (and never shows a password)', async () => {
    const port = await freePort();
    const store = new RedisStore({ url: `redis://:s3cret@127.0.0.1:${port}/0` });
    const error = await store.open(new Recorder()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisUnavailableError);
    const message = (error as Error).message;
    expect(message).toContain(`redis://:***@127.0.0.1:${port}/0`);
    expect(message).toMatch(/nothing is listening there/);
    expect(message).not.toContain('s3cret');
  });

  it('gives up at start on something that accepts TCP but never answers like Redis', async () => {
    const silent = net.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const store = new RedisStore({ url: `redis://127.0.0.1:${port}/0`, connectTimeoutMs: 500 });
      const error = await store.open(new Recorder()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RedisUnavailableError);
      expect((error as Error).message).toMatch(/no answer like Redis's within 500 ms/);
    } finally {
      silent.close();
    }
  });

  it('uses sharded pub/sub (SPUBLISH) where the server offers it: Redis 7 and later', async () => {
    const { store } = await open();
    const version = /v=(\d+)\./.exec(spawnSync(findRedisServer()!, ['--version'], { encoding: 'utf8' }).stdout)?.[1];
    expect(store.publishCommand).toBe(Number(version) >= 7 ? 'spublish' : 'publish');
  });

  it('cut off from Redis: degraded, requests refused as unavailable, then caught up on what it missed, each once', async () => {
    const a = await open();
    const b = await open({ url: proxy.url });
    await join(a.store, 'Alice');
    await join(b.store, 'Bob');
    await b.seen.until(() => b.seen.events.length >= 2, 'both joins');
    const before = b.seen.events.length;

    proxy.cut();
    await b.seen.until(() => b.seen.statuses.includes('degraded'), 'degraded');
    expect(b.store.available).toBe(false);
    await expect(b.store.post({ fromKey: 'bob', dedupe: { sender: 'b', n: 1 }, body: body('Bob', 'lost?'), history: 100 })).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
    // Meanwhile the room goes on without B: messages, a private message for Bob, a newcomer.
    await a.store.post({ fromKey: 'alice', dedupe: { sender: 'a', n: 1 }, body: body('Alice', 'm1'), history: 100 });
    await a.store.sendPrivate({ fromKey: 'alice', toKey: 'bob', dedupe: { sender: 'a', n: 2 }, body: body('Alice', 'for Bob') });
    await a.store.post({ fromKey: 'alice', dedupe: { sender: 'a', n: 3 }, body: body('Alice', 'm2'), history: 100 });
    await join(a.store, 'Carol');

    proxy.restore();
    await b.seen.until(() => b.seen.statuses.at(-1) === 'ok', 'ok again');
    const caught = b.seen.events.slice(before);
    expect(caught.map((e) => (e.kind === 'message' || e.kind === 'private' ? e.message.text : e.kind))).toEqual(['m1', 'for Bob', 'm2']);
    expect(b.seen.resyncs.at(-1)?.map((u) => u.name)).toEqual(['Alice', 'Bob', 'Carol']);
    // A retry with the same dedupe key goes through now, once.
    await b.store.post({ fromKey: 'bob', dedupe: { sender: 'b', n: 1 }, body: body('Bob', 'lost?'), history: 100 });
    await a.seen.until(() => a.seen.messages().some((m) => m.text === 'lost?'), 'Bob’s message at A');
    await b.seen.until(() => b.seen.messages().some((m) => m.text === 'lost?'), 'Bob’s message at B');
    const seqs = b.seen.events.map((e) => e.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('cut off longer than the presence TTL: its users leave, come back after, and a name taken meanwhile is given up', async () => {
    const a = await open();
    const b = await open({ url: proxy.url });
    await join(b.store, 'Bob');
    await join(b.store, 'Bea');
    proxy.cut();
    await a.seen.until(() => a.seen.events.filter((e) => e.kind === 'leave').length >= 2, 'Bob and Bea leave', 5000);
    await join(a.store, 'BOB');
    proxy.restore();
    await b.seen.until(() => b.seen.statuses.at(-1) === 'ok', 'ok again', 5000);
    expect(b.seen.evictions).toEqual([['bob']]);
    await a.seen.until(() => a.seen.events.some((e) => e.kind === 'join' && e.user.name === 'Bea'), 'Bea back');
    expect(a.seen.events.at(-1)).toMatchObject({ kind: 'join', users: [{ name: 'BOB' }, { name: 'Bea' }] });
  });

  it('Redis restarted: degraded, back, and the history (append-only file) still there; ids keep increasing', async () => {
    const a = await open();
    await join(a.store, 'Alice');
    const ids: number[] = [];
    for (let i = 1; i <= 3; i++) {
      const result = await a.store.post({ fromKey: 'alice', dedupe: { sender: 'r', n: i }, body: body('Alice', `before ${i}`), history: 100 });
      if (result.ok) ids.push(result.id);
    }
    await redis.stop();
    await a.seen.until(() => a.seen.statuses.includes('degraded'), 'degraded');
    await redis.restart();
    await a.seen.until(() => a.seen.statuses.at(-1) === 'ok', 'ok again', 5000);
    const after = await a.store.post({ fromKey: 'alice', dedupe: { sender: 'r', n: 4 }, body: body('Alice', 'after'), history: 100 });
    expect(after.ok && after.id).toBeGreaterThan(Math.max(...ids));
    const b = await open();
    const joined = await join(b.store, 'Bob');
    expect(joined.ok && joined.history.map((m) => m.text)).toEqual(['before 1', 'before 2', 'before 3', 'after']);
    expect(b.seen.initialUsers.map((u) => u.name)).toEqual(['Alice']);
  });
});
