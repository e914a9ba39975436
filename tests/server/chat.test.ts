/**
 * `/chat` over real sockets: several `ws` clients against the server on 127.0.0.1 (the room's
 * logic in detail is tests/server/chat-room.test.ts; this checks it end to end on the wire).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createChatEndpoint } from '../../server/endpoints/chat';
import type { ChatRoomOptions } from '../../server/chat/room';
import { ChatClient, type Json } from './chat-client';
import { startServer, type Running } from './helpers';

let running: Running | null = null;
const clients: ChatClient[] = [];

async function start(options: Partial<ChatRoomOptions> = {}): Promise<Running> {
  running = await startServer({ endpoints: { '/chat': createChatEndpoint(options) } });
  return running;
}

async function connect(session = ''): Promise<ChatClient> {
  if (!running) throw new Error('start() first');
  const client = await ChatClient.open(running.url(`/chat${session ? `?session=${session}` : ''}`));
  clients.push(client);
  return client;
}

/** Connect, read the hello, join as `name`, read the welcome and one's own join line. */
async function joinAs(name: string): Promise<ChatClient> {
  const client = await connect();
  await client.next('hello');
  client.send({ type: 'join', name });
  await client.next('welcome');
  await client.next('join');
  return client;
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.ws.terminate();
  await running?.stop();
  running = null;
});

describe('/chat greeting and joining', () => {
  it('greets each connection with a different guest-xxxx suggestion and the limits', async () => {
    await start();
    const a = await connect('s1');
    const b = await connect();
    const helloA = await a.next('hello');
    const helloB = await b.next('hello');
    expect(helloA.suggestion).toMatch(/^guest-[0-9a-f]{4}$/);
    expect(helloB.suggestion).toMatch(/^guest-[0-9a-f]{4}$/);
    expect(helloA.suggestion).not.toBe(helloB.suggestion);
    expect(helloA.limits).toMatchObject({ nameMaxLength: 24, messageMaxLength: 2000, history: 100, maxErrors: 20 });
    expect(a.binary).toEqual([false]); // JSON in text frames
  });

  it('welcomes a joiner with the user list and tells everyone', async () => {
    await start();
    const alice = await joinAs('Alice');
    const bob = await connect();
    await bob.next('hello');
    bob.send({ type: 'join', name: 'Bob' });
    const welcome = await bob.next('welcome');
    expect(welcome).toMatchObject({
      you: { name: 'Bob', colour: expect.stringMatching(/^#[0-9a-f]{6}$/) },
      users: [{ name: 'Alice' }, { name: 'Bob' }],
      history: [],
    });
    const join = { type: 'join', name: 'Bob', users: [{ name: 'Alice' }, { name: 'Bob' }] };
    expect(await bob.next('join')).toMatchObject(join);
    expect(await alice.next('join')).toMatchObject(join);
  });

  it('refuses a duplicate nickname case-insensitively, with a suggestion, and lets the client try again', async () => {
    await start();
    const alice = await joinAs('Alice');
    const other = await connect();
    await other.next('hello');
    other.send({ type: 'join', name: '  aLiCe ' });
    const error = await other.next('error');
    expect(error).toMatchObject({ code: 'name-taken', suggestion: 'aLiCe-2', reason: expect.stringContaining('aLiCe') });
    other.send({ type: 'join', name: error.suggestion });
    expect(await other.next('welcome')).toMatchObject({ you: { name: 'aLiCe-2' } });
    expect(await alice.next('join')).toMatchObject({ name: 'aLiCe-2' });
  });
});

describe('/chat messages', () => {
  it('broadcasts to everyone in one order', async () => {
    await start({ rate: { perSecond: 100, burst: 100 } });
    const a = await joinAs('a');
    const b = await joinAs('b');
    const c = await joinAs('c');
    await a.next('join');
    await a.next('join');
    await b.next('join');
    for (let i = 0; i < 10; i++) {
      a.send({ type: 'message', text: `a${i}` });
      b.send({ type: 'message', text: `b${i}` });
    }
    const seen = async (client: ChatClient): Promise<string[]> => {
      const texts: string[] = [];
      for (let i = 0; i < 20; i++) {
        const message = await client.next('message');
        texts.push(`${message.id as number}:${message.from as string}:${message.text as string}`);
      }
      return texts;
    };
    const [orderA, orderB, orderC] = await Promise.all([seen(a), seen(b), seen(c)]);
    expect(orderB).toEqual(orderA);
    expect(orderC).toEqual(orderA);
    // Each sender's own messages stay in the order sent; ids count up.
    expect(orderA.filter((line) => line.includes(':a:a')).map((line) => line.split(':')[2])).toEqual(
      Array.from({ length: 10 }, (_, i) => `a${i}`),
    );
    expect(orderA.map((line) => Number(line.split(':')[0]))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('delivers @name privately to that user and echoes it to the sender, never to a third', async () => {
    await start();
    const alice = await joinAs('Alice');
    const bob = await joinAs('Bob');
    const carol = await joinAs('Carol');
    await alice.next('join');
    await alice.next('join');
    await bob.next('join');

    alice.send({ type: 'message', text: '@bob the answer is 42' });
    const expected = { type: 'private', from: 'Alice', to: 'Bob', text: 'the answer is 42' };
    expect(await bob.next('private')).toMatchObject(expected);
    expect(await alice.next('private')).toMatchObject(expected);

    // Then a public message: it is the first and only thing Carol sees.
    alice.send({ type: 'message', text: 'public' });
    expect(await carol.next('message')).toMatchObject({ text: 'public' });
    await carol.nothingFor();
    expect(await bob.next('message')).toMatchObject({ text: 'public' });
  });

  it('tells the others when someone leaves, with the new user list', async () => {
    await start();
    const alice = await joinAs('Alice');
    const bob = await joinAs('Bob');
    await alice.next('join');
    bob.ws.close(1000);
    expect(await alice.next('leave')).toMatchObject({ name: 'Bob', users: [{ name: 'Alice' }] });
    // And when a socket just drops.
    const carol = await joinAs('Carol');
    await alice.next('join');
    carol.ws.terminate();
    expect(await alice.next('leave')).toMatchObject({ name: 'Carol', users: [{ name: 'Alice' }] });
  });

  it('replays the last 100 public messages to a newcomer, and no private ones', async () => {
    await start({ rate: { perSecond: 1000, burst: 1000 } });
    const alice = await joinAs('Alice');
    const bob = await joinAs('Bob');
    await alice.next('join');
    alice.send({ type: 'message', text: '@Bob secret' });
    for (let i = 1; i <= 120; i++) alice.send({ type: 'message', text: `m${i}` });
    for (let i = 0; i < 121; i++) await bob.next();
    const carol = await connect();
    await carol.next('hello');
    carol.send({ type: 'join', name: 'Carol' });
    const welcome = await carol.next('welcome');
    const history = welcome.history as Json[];
    expect(history).toHaveLength(100);
    expect(history[0]).toMatchObject({ type: 'message', text: 'm21' });
    expect(history[99]).toMatchObject({ text: 'm120' });
    expect(JSON.stringify(welcome)).not.toContain('secret');
  });
});

describe('/chat limits', () => {
  it('refuses a message over the length limit, with the numbers', async () => {
    await start({ messageMaxLength: 2000 });
    const alice = await joinAs('Alice');
    alice.send({ type: 'message', text: 'x'.repeat(2001) });
    expect(await alice.next('error')).toMatchObject({
      code: 'message-too-long',
      reason: 'A message has at most 2000 characters; this one has 2001.',
    });
    alice.send({ type: 'message', text: 'x'.repeat(2000) });
    expect(await alice.next('message')).toMatchObject({ from: 'Alice' });
  });

  it('rate-limits each user: a burst, then an error with retryAfterMs', async () => {
    await start({ rate: { perSecond: 2, burst: 5 } });
    const alice = await joinAs('Alice');
    for (let i = 0; i < 7; i++) alice.send({ type: 'message', text: `m${i}` });
    const types: string[] = [];
    for (let i = 0; i < 7; i++) types.push((await alice.next()).type);
    expect(types).toEqual(['message', 'message', 'message', 'message', 'message', 'error', 'error']);
    alice.received.length = 0;
    alice.send({ type: 'message', text: 'too soon' });
    const error = await alice.next('error');
    expect(error).toMatchObject({ code: 'rate-limited', reason: expect.stringContaining('2 messages a second') });
    expect(error.retryAfterMs).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, (error.retryAfterMs as number) + 50));
    alice.send({ type: 'message', text: 'later' });
    expect(await alice.next('message')).toMatchObject({ text: 'later' });
  });

  it('refuses a join over the user limit, and lets it in when someone leaves', async () => {
    await start({ maxUsers: 2 });
    const a = await joinAs('a');
    await joinAs('b');
    const c = await connect();
    await c.next('hello');
    c.send({ type: 'join', name: 'c' });
    expect(await c.next('error')).toMatchObject({ code: 'room-full', reason: 'The room is full (2 people). Try again later.' });
    a.ws.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    c.send({ type: 'join', name: 'c' });
    expect(await c.next('welcome')).toMatchObject({ you: { name: 'c' } });
  });
});

describe('/chat junk', () => {
  const junk: [string, string | Uint8Array, string][] = [
    ['not JSON', 'hello?', 'bad-json'],
    ['JSON that is not an object', '[1,2,3]', 'not-an-object'],
    ['no type', '{"text":"hi"}', 'bad-field'],
    ['an unknown type', '{"type":"nick","name":"x"}', 'unknown-type'],
    ['a number for a name', '{"type":"join","name":7}', 'bad-field'],
    ['an object for text', '{"type":"message","text":{"a":1}}', 'bad-field'],
    ['a binary frame', new Uint8Array([0x7b, 0x7d]), 'binary-not-supported'],
  ];

  it.each(junk)('answers %s with an error and keeps the connection open', async (_what, data, code) => {
    await start();
    const client = await connect();
    await client.next('hello');
    client.ws.send(data);
    expect(await client.next('error')).toMatchObject({ code, reason: expect.any(String) });
    // Still connected and usable.
    client.send({ type: 'join', name: 'after-junk' });
    expect(await client.next('welcome')).toMatchObject({ you: { name: 'after-junk' } });
    expect(client.closed).toBeNull();
  });

  it('closes with 1008 after 20 errors (and only then)', async () => {
    await start();
    const watcher = await joinAs('watcher');
    const abuser = await joinAs('abuser');
    await watcher.next('join');
    for (let i = 0; i < 19; i++) abuser.send('junk');
    for (let i = 0; i < 19; i++) await abuser.next('error');
    expect(abuser.closed).toBeNull();
    abuser.send('junk');
    expect(await abuser.next('error')).toMatchObject({ code: 'bad-json' });
    expect(await abuser.next('error')).toMatchObject({ code: 'too-many-errors' });
    expect(await abuser.waitClosed()).toEqual({ code: 1008, reason: 'too many errors' });
    expect(await watcher.next('leave')).toMatchObject({ name: 'abuser', users: [{ name: 'watcher' }] });
  });

  it('survives every kind of junk from many clients at once', async () => {
    await start();
    const watcher = await joinAs('watcher');
    const inputs = ['', ' ', 'null', '{}', '{"type":null}', '{"type":"join","name":""}', '{"type":"private","to":1,"text":"x"}', '{"type":"message","text":"\u0000"}', '"\\ud800"', '{"__proto__":{"type":"join"}}', '{"type":"message","text":"hi"}'];
    const abusers = await Promise.all(Array.from({ length: 5 }, () => connect()));
    for (const client of abusers) {
      await client.next('hello');
      for (const input of inputs) client.send(input);
      client.ws.send(new Uint8Array(1000));
    }
    for (const client of abusers) {
      for (let i = 0; i < inputs.length + 1; i++) expect((await client.next('error')).reason).toEqual(expect.any(String));
      expect(client.closed).toBeNull();
    }
    // The room still works.
    watcher.send({ type: 'message', text: 'still here' });
    expect(await watcher.next('message')).toMatchObject({ text: 'still here' });
  });
});
