/**
 * One chat room on two and three real server processes (`npm start -- --redis URL`, each on its
 * own port) joined through a real redis-server, with `ws` clients spread across them: a client
 * cannot tell one process from many. Then a process killed with SIGKILL, Redis restarted while the
 * room runs, and every process restarted.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChatClient, type Json } from './chat-client';
import { buildServer, type ServerBuild } from '../helpers/built-server';
import { describeRedis, TestRedis } from '../helpers/redis';
import { ServerProcess } from '../helpers/server-process';

let redis: TestRedis;
/** The compiled server, as `npm run build` makes it and `npm start` runs it. */
let build: ServerBuild;
const clients: ChatClient[] = [];

async function connect(server: ServerProcess): Promise<ChatClient> {
  const client = await ChatClient.open(server.url('/chat'));
  clients.push(client);
  return client;
}

/** Connects to `server`, joins as `name`; the welcome and its own join are read. */
async function joinAs(server: ServerProcess, name: string): Promise<ChatClient> {
  const client = await connect(server);
  await client.next('hello');
  client.send({ type: 'join', name });
  await client.next('welcome', 5000);
  await client.take((m) => m.type === 'join' && m.name === name, `${name}'s own join`, 5000);
  return client;
}

/** Waits until `client` has been told the room is exactly `names`; forgets the joins and leaves that said so. */
async function until(client: ChatClient, names: string[], timeout = 5000): Promise<void> {
  await client.usersAre(names, timeout);
  client.takeAll('join');
  client.takeAll('leave');
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function startAll(n: number): Promise<ServerProcess[]> {
  return Promise.all(Array.from({ length: n }, () => ServerProcess.start(build, ['--redis', redis.url, '--quiet'])));
}

describeRedis('one chat room on several server processes through Redis', () => {
  let servers: ServerProcess[] = [];

  beforeAll(async () => {
    [build, redis] = await Promise.all([buildServer(), TestRedis.start()]);
  }, 120_000);
  afterEach(async () => {
    for (const client of clients.splice(0)) client.ws.terminate();
    await Promise.all(servers.map((server) => server.stop('SIGKILL')));
    servers = [];
    if (redis.running) await redis.flush();
  });
  afterAll(async () => {
    await redis?.remove();
    build?.remove();
  });

  describe('two processes', () => {
    it('joins across processes, refuses a name taken on the other one, and broadcasts each message once, in order', async () => {
      servers = await startAll(2);
      const [p1, p2] = servers as [ServerProcess, ServerProcess];
      const alice = await joinAs(p1, 'Alice');
      const bob = await joinAs(p2, 'Bob');
      await until(alice, ['Alice', 'Bob']);

      // The same name, another case, on the other process.
      const other = await connect(p2);
      await other.next('hello');
      other.send({ type: 'join', name: 'ALICE' });
      expect(await other.next('error', 5000)).toMatchObject({ code: 'name-taken', suggestion: 'ALICE-2' });

      const carol = await joinAs(p1, 'Carol');
      const dave = await joinAs(p2, 'Dave');
      const everyone = [alice, bob, carol, dave];
      for (const client of everyone) await until(client, ['Alice', 'Bob', 'Carol', 'Dave']);

      // Each sends five at once (the default burst): 20 messages, to all four.
      for (const [i, client] of everyone.entries()) {
        for (let n = 0; n < 5; n++) client.send({ type: 'message', text: `${'abcd'[i]}${n}` });
      }
      const seen = await Promise.all(
        everyone.map(async (client) => {
          const lines: string[] = [];
          for (let n = 0; n < 20; n++) {
            const message = await client.take((m) => m.type === 'message', 'a message', 5000);
            lines.push(`${message.id as number} ${message.from as string} ${message.text as string}`);
          }
          await client.nothingFor(200);
          return lines;
        }),
      );
      // Exactly once each, the same order everywhere, ids increasing, each sender's in the order sent.
      for (const lines of seen) expect(lines).toEqual(seen[0]);
      const ids = seen[0]!.map((line) => Number(line.split(' ')[0]));
      expect(ids).toEqual([...new Set(ids)].sort((x, y) => x - y));
      for (const [i, name] of ['Alice', 'Bob', 'Carol', 'Dave'].entries()) {
        const texts = seen[0]!.filter((line) => line.split(' ')[1] === name).map((line) => line.split(' ')[2]);
        expect(texts).toEqual([0, 1, 2, 3, 4].map((n) => `${'abcd'[i]}${n}`));
      }
    }, 30_000);

    it('delivers a private message to a user on the other process and echoes it to the sender only', async () => {
      servers = await startAll(2);
      const [p1, p2] = servers as [ServerProcess, ServerProcess];
      const alice = await joinAs(p1, 'Alice');
      const carol = await joinAs(p1, 'Carol');
      const bob = await joinAs(p2, 'Bob');
      const dave = await joinAs(p2, 'Dave');
      await until(alice, ['Alice', 'Carol', 'Bob', 'Dave']);
      await until(bob, ['Alice', 'Carol', 'Bob', 'Dave']);
      alice.send({ type: 'message', text: '@bob see you at five' });
      const expected = { type: 'private', from: 'Alice', to: 'Bob', text: 'see you at five' };
      expect(await bob.take((m) => m.type === 'private', 'the private message', 5000)).toMatchObject(expected);
      expect(await alice.take((m) => m.type === 'private', 'the echo', 5000)).toMatchObject(expected);
      await sleep(300);
      for (const client of [carol, dave]) {
        expect(client.received.filter((m) => m.type === 'private')).toEqual([]);
      }
    }, 30_000);

    it('replays the history to a newcomer on another process, and after every process restarted', async () => {
      servers = await startAll(2);
      const [p1, p2] = servers as [ServerProcess, ServerProcess];
      const alice = await joinAs(p1, 'Alice');
      for (let n = 1; n <= 3; n++) alice.send({ type: 'message', text: `h${n}` });
      for (let n = 1; n <= 3; n++) await alice.take((m) => m.type === 'message' && m.text === `h${n}`, `h${n}`, 5000);
      const bob = await connect(p2);
      await bob.next('hello');
      bob.send({ type: 'join', name: 'Bob' });
      const welcome = await bob.next('welcome', 5000);
      expect((welcome.history as Json[]).map((m) => m.text)).toEqual(['h1', 'h2', 'h3']);

      // Every process stops (as Ctrl-C does); a new one starts: the room is empty, the history is not.
      await Promise.all(servers.map((server) => server.stop('SIGINT')));
      servers = await startAll(1);
      const carol = await connect(servers[0]!);
      await carol.next('hello');
      carol.send({ type: 'join', name: 'Carol' });
      const again = await carol.next('welcome', 5000);
      expect(again.users).toEqual([{ name: 'Carol', colour: expect.any(String) }]);
      expect((again.history as Json[]).map((m) => m.text)).toEqual(['h1', 'h2', 'h3']);
    }, 30_000);
  });

  describe('three processes', () => {
    it('a process killed with SIGKILL: its users leave for the others within seconds, the rest keep chatting', async () => {
      servers = await startAll(3);
      const [p1, p2, p3] = servers as [ServerProcess, ServerProcess, ServerProcess];
      const alice = await joinAs(p1, 'Alice');
      const bob = await joinAs(p2, 'Bob');
      await joinAs(p3, 'Carol');
      await joinAs(p3, 'Cora');
      await until(alice, ['Alice', 'Bob', 'Carol', 'Cora']);
      await until(bob, ['Alice', 'Bob', 'Carol', 'Cora']);

      await p3.stop('SIGKILL');
      // The default presence: heartbeats every second, taken for dead after three seconds without one.
      await until(alice, ['Alice', 'Bob'], 10_000);
      await until(bob, ['Alice', 'Bob'], 10_000);

      bob.send({ type: 'message', text: 'still here' });
      expect(await alice.take((m) => m.type === 'message', 'Bob’s message', 5000)).toMatchObject({ from: 'Bob', text: 'still here' });
      // Carol's name is free again.
      await joinAs(p1, 'carol');
    }, 30_000);

    it('Redis restarted mid-run: the room says degraded, holds messages, then catches up with nothing acknowledged lost', async () => {
      servers = await startAll(3);
      const [p1, p2, p3] = servers as [ServerProcess, ServerProcess, ServerProcess];
      const alice = await joinAs(p1, 'Alice');
      const bob = await joinAs(p2, 'Bob');
      const carol = await joinAs(p3, 'Carol');
      const everyone = [alice, bob, carol];
      for (const client of everyone) await until(client, ['Alice', 'Bob', 'Carol']);
      alice.send({ type: 'message', text: 'acknowledged' });
      for (const client of everyone) await client.take((m) => m.type === 'message', 'the first message', 5000);

      await redis.stop();
      for (const client of everyone) {
        expect(await client.take((m) => m.type === 'status', 'degraded', 5000)).toMatchObject({ state: 'degraded', reason: expect.stringMatching(/degraded/) });
      }
      // Sent while Redis is away: held, not lost, not acknowledged yet.
      bob.send({ type: 'message', text: 'held' });
      await sleep(300);
      expect(bob.received.filter((m) => m.type === 'message')).toEqual([]);
      // A newcomer cannot join meanwhile, and is told why.
      const dave = await connect(p1);
      await dave.next('hello');
      await dave.take((m) => m.type === 'status', 'degraded for the newcomer');
      dave.send({ type: 'join', name: 'Dave' });
      expect(await dave.next('error')).toMatchObject({ code: 'unavailable' });

      await redis.restart();
      for (const client of everyone) {
        expect(await client.take((m) => m.type === 'status', 'ok', 10_000)).toMatchObject({ state: 'ok' });
        expect(await client.take((m) => m.type === 'message', 'the held message', 5000)).toMatchObject({ from: 'Bob', text: 'held' });
      }
      await sleep(200);
      for (const client of everyone) {
        expect(client.received.filter((m) => m.type === 'message' || m.type === 'leave')).toEqual([]);
      }
      // The history kept what was acknowledged before the restart, and the held message after it.
      expect(await dave.take((m) => m.type === 'status', 'ok for the newcomer')).toMatchObject({ state: 'ok' });
      dave.send({ type: 'join', name: 'Dave' });
      const welcome = await dave.next('welcome', 5000);
      expect((welcome.history as Json[]).map((m) => m.text)).toEqual(['acknowledged', 'held']);
      expect((welcome.users as Json[]).map((u) => u.name)).toEqual(['Alice', 'Bob', 'Carol', 'Dave']);
    }, 40_000);
  });

  it('without Redis at start: one clear line and exit code 1', async () => {
    const result = await ServerProcess.run(build, ['--port', '0', '--redis', 'redis://:hunter2@127.0.0.1:1/0']);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^framescope: cannot use Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1\/0: nothing is listening there/);
    expect(result.err).not.toContain('hunter2');
    expect(result.err.trim().split('\n')).toHaveLength(1);
  }, 20_000);
});
