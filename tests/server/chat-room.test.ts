/**
 * ChatRoom, the chat's logic with no sockets: commands in, what to send to whom out. The room here
 * uses the in-memory store (the default); tests/server/chat-store.test.ts checks the stores and
 * tests/server/chat-processes.test.ts the room on several processes through Redis.
 */
import { describe, expect, it } from 'vitest';
import type { ServerMessage, UserInfo } from '../../server/chat/messages';
import { ChatRoom, type ChatAction, type ChatRoomOptions } from '../../server/chat/room';

type Client = string;

/** A room whose calls resolve to what they made the room send (each call waits for the store). */
class TestRoom {
  readonly room: ChatRoom<Client>;
  readonly #sent: ChatAction<Client>[] = [];

  constructor(options: Partial<ChatRoomOptions>) {
    this.room = new ChatRoom<Client>((action) => this.#sent.push(action), options);
  }

  get users(): UserInfo[] {
    return this.room.users;
  }

  connect(client: Client): Promise<ChatAction<Client>[]> {
    return this.#run(() => this.room.connect(client));
  }

  receiveText(client: Client, text: string): Promise<ChatAction<Client>[]> {
    return this.#run(() => this.room.receiveText(client, text));
  }

  receiveBinary(client: Client, byteLength: number): Promise<ChatAction<Client>[]> {
    return this.#run(() => this.room.receiveBinary(client, byteLength));
  }

  disconnect(client: Client): Promise<ChatAction<Client>[]> {
    return this.#run(() => this.room.disconnect(client));
  }

  async #run(work: () => unknown): Promise<ChatAction<Client>[]> {
    const start = this.#sent.length;
    await work();
    return this.#sent.slice(start);
  }
}

/** A room with a clock the test moves and guest names that count up (`guest-0001`, …). */
function makeRoom(options: Partial<ChatRoomOptions> = {}) {
  const clock = { now: Date.UTC(2025, 0, 1, 12, 0, 0) };
  let n = 0;
  const room = new TestRoom({
    now: () => clock.now,
    randomHex: (digits) => (++n).toString(16).padStart(digits, '0'),
    ...options,
  });
  return { room, clock };
}

/** Each (recipient, message) pair, in order. */
function deliveries(actions: ChatAction<Client>[]): [Client, ServerMessage][] {
  return actions.flatMap((action) =>
    action.kind === 'send' ? action.to.map((to): [Client, ServerMessage] => [to, action.message]) : [],
  );
}

function to(actions: ChatAction<Client>[], client: Client): ServerMessage[] {
  return deliveries(actions)
    .filter(([recipient]) => recipient === client)
    .map(([, message]) => message);
}

function only(actions: ChatAction<Client>[], client: Client): ServerMessage {
  const messages = to(actions, client);
  expect(messages).toHaveLength(1);
  return messages[0] as ServerMessage;
}

async function join(room: TestRoom, client: Client, name = client): Promise<ChatAction<Client>[]> {
  await room.connect(client);
  return room.receiveText(client, JSON.stringify({ type: 'join', name }));
}

function say(room: TestRoom, client: Client, text: string): Promise<ChatAction<Client>[]> {
  return room.receiveText(client, JSON.stringify({ type: 'message', text }));
}

describe('greeting and joining', async () => {
  it('greets a connection with a unique guest suggestion and the limits', async () => {
    const { room } = makeRoom();
    const [hello] = deliveries(await room.connect('a'));
    expect(hello).toEqual([
      'a',
      {
        type: 'hello',
        suggestion: 'guest-0001',
        limits: {
          nameMaxLength: 24,
          messageMaxLength: 2000,
          messagesPerSecond: 2,
          burst: 5,
          maxUsers: 100,
          history: 100,
          maxErrors: 20,
          errorWindowMs: 60_000,
        },
      },
    ]);
  });

  it('never suggests a name that is taken or already offered', async () => {
    let calls = 0;
    // The first three random draws all give 0001.
    const { room } = makeRoom({ randomHex: (digits) => (++calls <= 3 ? '1' : String(calls)).padStart(digits, '0') });
    const first = only(await room.connect('a'), 'a');
    const second = only(await room.connect('b'), 'b');
    expect(first).toMatchObject({ suggestion: 'guest-0001' });
    expect(second).toMatchObject({ suggestion: 'guest-0004' });
    await room.receiveText('a', JSON.stringify({ type: 'join', name: 'GUEST-0004' }));
    // b's own suggestion is taken now; a name-taken answer offers something free.
    const error = only(await room.receiveText('b', JSON.stringify({ type: 'join', name: 'guest-0004' })), 'b');
    expect(error).toMatchObject({ type: 'error', code: 'name-taken', suggestion: 'guest-0004-2' });
  });

  it('welcomes the joiner with the users and history, then tells everyone (joiner included)', async () => {
    const { room } = makeRoom();
    await join(room, 'a', 'Alice');
    await say(room, 'a', 'first');
    const actions = await join(room, 'b', '  Bob  ');
    const [welcome, joinForB] = to(actions, 'b');
    expect(welcome).toMatchObject({
      type: 'welcome',
      you: { name: 'Bob' },
      users: [{ name: 'Alice' }, { name: 'Bob' }],
      history: [{ type: 'message', from: 'Alice', text: 'first' }],
    });
    expect(joinForB).toMatchObject({ type: 'join', name: 'Bob', users: [{ name: 'Alice' }, { name: 'Bob' }] });
    expect(only(actions, 'a')).toEqual(joinForB);
    expect(room.users.map((user) => user.name)).toEqual(['Alice', 'Bob']);
  });

  it('refuses a duplicate nickname case-insensitively, with a free suggestion', async () => {
    const { room } = makeRoom();
    await join(room, 'a', 'Alice');
    await join(room, 'c', 'alice-2');
    for (const name of ['alice', 'ALICE', ' Alice ', 'ａｌｉｃｅ']) {
      const error = only(await join(room, `x-${name}`, name), `x-${name}`);
      // The suggestion keeps the spelling asked for: `ALICE` gets `ALICE-3`.
      expect(error).toMatchObject({ type: 'error', code: 'name-taken' });
      if (error.type === 'error') expect(error.suggestion?.normalize('NFKC').toLowerCase()).toBe('alice-3');
    }
    expect(room.users).toHaveLength(2);
  });

  it('checks nicknames: trimmed, 1–24 characters, no control characters', async () => {
    const { room } = makeRoom();
    const cases: [string, string][] = [
      ['', 'name-empty'],
      ['   ', 'name-empty'],
      ['x'.repeat(25), 'name-too-long'],
      ['bell\u0007', 'name-invalid'],
      ['a\u202Eb', 'name-invalid'],
      ['tab\there', 'name-invalid'],
      ['@bob', 'name-invalid'],
    ];
    for (const [name, code] of cases) {
      expect(only(await join(room, `c-${code}-${name}`, name), `c-${code}-${name}`)).toMatchObject({
        type: 'error',
        code,
      });
    }
    expect(to(await join(room, 'ok24', 'y'.repeat(24)), 'ok24')[0]).toMatchObject({ type: 'welcome' });
    expect(to(await join(room, 'emoji', '🙂'.repeat(24)), 'emoji')[0]).toMatchObject({ type: 'welcome' });
    expect(to(await join(room, 'spaces', ' Ann   Lee '), 'spaces')[0]).toMatchObject({ you: { name: 'Ann Lee' } });
  });

  it('refuses a second join and a message before joining', async () => {
    const { room } = makeRoom();
    await join(room, 'a', 'Alice');
    expect(only(await room.receiveText('a', '{"type":"join","name":"Other"}'), 'a')).toMatchObject({
      code: 'already-joined',
    });
    await room.connect('b');
    expect(only(await say(room, 'b', 'hi'), 'b')).toMatchObject({ code: 'not-joined' });
    expect(only(await room.receiveText('b', '{"type":"private","to":"Alice","text":"x"}'), 'b')).toMatchObject({
      code: 'not-joined',
    });
  });

  it('refuses a join over the user limit with room-full', async () => {
    const { room } = makeRoom({ maxUsers: 2 });
    await join(room, 'a');
    await join(room, 'b');
    expect(only(await join(room, 'c'), 'c')).toMatchObject({ code: 'room-full', reason: expect.stringContaining('2') });
    await room.disconnect('a');
    expect(to(await room.receiveText('c', '{"type":"join","name":"c"}'), 'c')[0]).toMatchObject({ type: 'welcome' });
  });

  it('gives every user a stable colour from the name', async () => {
    const { room } = makeRoom();
    const welcome = to(await join(room, 'a', 'Alice'), 'a')[0];
    await room.disconnect('a');
    const again = to(await join(room, 'b', 'ALICE'), 'b')[0];
    expect(welcome?.type === 'welcome' && again?.type === 'welcome').toBe(true);
    if (welcome?.type === 'welcome' && again?.type === 'welcome') {
      expect(again.you.colour).toBe(welcome.you.colour);
      expect(welcome.you.colour).toMatch(/^#[0-9a-f]{6}$/);
    }
  });
});

describe('messages', async () => {
  it('broadcasts a message to everyone, sender included, with from, colour, text and time', async () => {
    const { room, clock } = makeRoom();
    await join(room, 'a', 'Alice');
    await join(room, 'b', 'Bob');
    clock.now += 1500;
    const actions = await say(room, 'a', 'hello <b>there</b>');
    const message = {
      type: 'message',
      id: 1,
      from: 'Alice',
      colour: expect.stringMatching(/^#/),
      text: 'hello <b>there</b>',
      time: '2025-01-01T12:00:01.500Z',
    };
    expect(only(actions, 'a')).toEqual(message);
    expect(only(actions, 'b')).toEqual(message);
  });

  it('keeps order and numbers messages', async () => {
    const { room, clock } = makeRoom();
    await join(room, 'a');
    await join(room, 'b');
    const ids: number[] = [];
    for (let i = 0; i < 10; i++) {
      clock.now += 1000;
      const message = only(await say(room, i % 2 ? 'a' : 'b', `m${i}`), 'a');
      if (message.type === 'message') ids.push(message.id);
    }
    expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('refuses an empty message, a too-long one and control characters, with reasons', async () => {
    const { room } = makeRoom({ messageMaxLength: 10 });
    await join(room, 'a');
    expect(only(await say(room, 'a', ''), 'a')).toMatchObject({ code: 'message-empty' });
    expect(only(await say(room, 'a', ' \n\t '), 'a')).toMatchObject({ code: 'message-empty' });
    expect(only(await say(room, 'a', 'x'.repeat(11)), 'a')).toMatchObject({
      code: 'message-too-long',
      reason: 'A message has at most 10 characters; this one has 11.',
    });
    // Ten emoji are twenty UTF-16 units but ten characters.
    expect(only(await say(room, 'a', '🙂'.repeat(10)), 'a')).toMatchObject({ type: 'message' });
    expect(only(await say(room, 'a', 'ding\u0007'), 'a')).toMatchObject({
      code: 'message-invalid',
      reason: expect.stringContaining('U+0007'),
    });
    expect(only(await say(room, 'a', 'two\r\nlines'), 'a')).toMatchObject({ type: 'message', text: 'two\nlines' });
  });

  it('rate-limits each user with a token bucket (burst, then messagesPerSecond)', async () => {
    const { room, clock } = makeRoom({ rate: { perSecond: 2, burst: 3 } });
    await join(room, 'a');
    await join(room, 'b');
    const types = async (): Promise<string> => only(await say(room, 'a', 'x'), 'a').type;
    expect([await types(), await types(), await types()]).toEqual(['message', 'message', 'message']);
    const refused = only(await say(room, 'a', 'x'), 'a');
    expect(refused).toMatchObject({ type: 'error', code: 'rate-limited', retryAfterMs: 500 });
    // The refused message reached no one else.
    expect(to(await say(room, 'a', 'x'), 'b')).toEqual([]);
    // Another user has their own bucket.
    expect(only(await say(room, 'b', 'y'), 'b').type).toBe('message');
    clock.now += 500;
    expect(await types()).toBe('message');
    expect(only(await say(room, 'a', 'x'), 'a')).toMatchObject({ code: 'rate-limited' });
    clock.now += 10_000;
    expect([await types(), await types(), await types(), only(await say(room, 'a', 'x'), 'a').type]).toEqual([
      'message',
      'message',
      'message',
      'error',
    ]);
  });
});

describe('private messages', async () => {
  async function threeUsers() {
    const made = makeRoom();
    await join(made.room, 'a', 'Alice');
    await join(made.room, 'b', 'Bob');
    await join(made.room, 'c', 'Carol');
    return made;
  }

  it('delivers "@name text" to that user and echoes it to the sender, no one else', async () => {
    const { room } = await threeUsers();
    const actions = await say(room, 'a', '@bob see you at 5');
    const message = {
      type: 'private',
      id: 1,
      from: 'Alice',
      colour: expect.any(String),
      to: 'Bob',
      toColour: expect.any(String),
      text: 'see you at 5',
      time: expect.any(String),
    };
    expect(only(actions, 'b')).toEqual(message);
    expect(only(actions, 'a')).toEqual(message);
    expect(to(actions, 'c')).toEqual([]);
  });

  it('accepts an explicit private command', async () => {
    const { room } = await threeUsers();
    const actions = await room.receiveText('c', JSON.stringify({ type: 'private', to: ' @ALICE ', text: 'psst' }));
    expect(only(actions, 'a')).toMatchObject({ type: 'private', from: 'Carol', to: 'Alice', text: 'psst' });
    expect(only(actions, 'c')).toMatchObject({ type: 'private' });
    expect(to(actions, 'b')).toEqual([]);
  });

  it('matches the longest name, so names with spaces work', async () => {
    const { room } = makeRoom();
    await join(room, 'ann', 'Ann');
    await join(room, 'annlee', 'Ann Lee');
    await join(room, 'x', 'X');
    expect(only(await say(room, 'x', '@ann lee hello'), 'annlee')).toMatchObject({ to: 'Ann Lee', text: 'hello' });
    expect(only(await say(room, 'x', '@Ann hello'), 'ann')).toMatchObject({ to: 'Ann', text: 'hello' });
    expect(only(await say(room, 'x', '@Ann\nline two'), 'ann')).toMatchObject({ text: 'line two' });
  });

  it('answers an unknown recipient and an empty private message with an error', async () => {
    const { room } = await threeUsers();
    expect(only(await say(room, 'a', '@zed hi'), 'a')).toMatchObject({
      code: 'unknown-recipient',
      reason: expect.stringContaining('zed'),
    });
    expect(only(await say(room, 'a', '@bob'), 'a')).toMatchObject({
      code: 'message-empty',
      reason: 'A private message needs text after @Bob.',
    });
    expect(only(await say(room, 'a', '@bobby hi'), 'a')).toMatchObject({ code: 'unknown-recipient' });
  });

  it('treats a lone "@" or "@ " as public text', async () => {
    const { room } = await threeUsers();
    expect(to(await say(room, 'a', '@ everyone'), 'c')).toMatchObject([{ type: 'message', text: '@ everyone' }]);
  });

  it('delivers a private message to yourself once', async () => {
    const { room } = await threeUsers();
    const actions = await say(room, 'a', '@alice note to self');
    expect(deliveries(actions)).toHaveLength(1);
    expect(only(actions, 'a')).toMatchObject({ type: 'private', to: 'Alice' });
  });

  it('never puts private messages into history', async () => {
    const { room } = await threeUsers();
    await say(room, 'a', 'public');
    await say(room, 'a', '@bob secret');
    const welcome = to(await join(room, 'd', 'Dave'), 'd')[0];
    expect(welcome).toMatchObject({ type: 'welcome', history: [{ text: 'public' }] });
    expect(JSON.stringify(welcome)).not.toContain('secret');
  });
});

describe('history', async () => {
  it('replays the last 100 public messages, oldest first', async () => {
    const { room, clock } = makeRoom();
    await join(room, 'a');
    for (let i = 1; i <= 130; i++) {
      clock.now += 1000;
      await say(room, 'a', `m${i}`);
    }
    const welcome = to(await join(room, 'b'), 'b')[0];
    expect(welcome?.type).toBe('welcome');
    if (welcome?.type === 'welcome') {
      expect(welcome.history).toHaveLength(100);
      expect(welcome.history[0]?.text).toBe('m31');
      expect(welcome.history[99]?.text).toBe('m130');
    }
  });
});

describe('leaving', async () => {
  it('tells the others who left, with the new user list', async () => {
    const { room } = makeRoom();
    await join(room, 'a', 'Alice');
    await join(room, 'b', 'Bob');
    await join(room, 'c', 'Carol');
    const actions = await room.disconnect('b');
    const leave = { type: 'leave', name: 'Bob', users: [{ name: 'Alice' }, { name: 'Carol' }] };
    expect(only(actions, 'a')).toMatchObject(leave);
    expect(only(actions, 'c')).toMatchObject(leave);
    expect(to(actions, 'b')).toEqual([]);
    // The name is free again.
    expect(to(await join(room, 'd', 'bob'), 'd')[0]).toMatchObject({ type: 'welcome' });
  });

  it('says nothing when someone who never joined goes away', async () => {
    const { room } = makeRoom();
    await join(room, 'a');
    await room.connect('b');
    expect(await room.disconnect('b')).toEqual([]);
    expect(await room.disconnect('b')).toEqual([]);
    expect(await room.disconnect('nobody')).toEqual([]);
  });
});

describe('junk', async () => {
  const junk: [string, string][] = [
    ['not json', 'bad-json'],
    ['{"type":"message"', 'bad-json'],
    ['', 'bad-json'],
    ['42', 'not-an-object'],
    ['"join"', 'not-an-object'],
    ['null', 'not-an-object'],
    ['[{"type":"join"}]', 'not-an-object'],
    ['{}', 'bad-field'],
    ['{"type":7}', 'bad-field'],
    ['{"type":"shout","text":"x"}', 'unknown-type'],
    ['{"type":"join"}', 'bad-field'],
    ['{"type":"join","name":42}', 'bad-field'],
    ['{"type":"message","text":["a"]}', 'bad-field'],
    ['{"type":"private","to":"x"}', 'bad-field'],
    ['{"type":"private","text":"x","to":null}', 'bad-field'],
    ['{"type":"__proto__"}', 'unknown-type'],
  ];

  it.each(junk)('answers %j with %s and keeps the connection', async (text, code) => {
    const { room } = makeRoom();
    await room.connect('a');
    const actions = await room.receiveText('a', text);
    expect(actions).toHaveLength(1);
    expect(only(actions, 'a')).toMatchObject({ type: 'error', code, reason: expect.any(String) });
    // Still usable afterwards.
    expect(to(await room.receiveText('a', '{"type":"join","name":"a"}'), 'a')[0]).toMatchObject({ type: 'welcome' });
  });

  it('refuses an oversized message before parsing it', async () => {
    const { room } = makeRoom({ messageMaxLength: 10 });
    await room.connect('a');
    expect(only(await room.receiveText('a', `{"type":"message","text":"${'x'.repeat(5000)}"}`), 'a')).toMatchObject({
      code: 'too-large',
    });
  });

  it('answers a binary message with an error', async () => {
    const { room } = makeRoom();
    await join(room, 'a');
    expect(only(await room.receiveBinary('a', 3), 'a')).toMatchObject({
      code: 'binary-not-supported',
      reason: expect.stringContaining('3 bytes'),
    });
  });

  it('closes with 1008 after 20 errors within 60 s, and not before', async () => {
    const { room, clock } = makeRoom();
    await join(room, 'a');
    await join(room, 'b');
    for (let i = 1; i < 20; i++) {
      const actions = await room.receiveText('a', 'junk');
      expect(actions.map((action) => action.kind)).toEqual(['send']);
      clock.now += 1000;
    }
    const last = await room.receiveText('a', 'junk');
    expect(last.map((action) => action.kind)).toEqual(['send', 'send', 'close']);
    expect(to(last, 'a')[1]).toMatchObject({ type: 'error', code: 'too-many-errors' });
    expect(last[2]).toEqual({ kind: 'close', to: 'a', code: 1008, reason: 'too many errors' });
    // After that the room ignores the connection until it is gone, then says it left.
    expect(await say(room, 'a', 'still here?')).toEqual([]);
    expect(only(await room.disconnect('a'), 'b')).toMatchObject({ type: 'leave', name: 'a' });
  });

  it('forgets errors older than the window', async () => {
    const { room, clock } = makeRoom();
    await room.connect('a');
    for (let i = 0; i < 100; i++) {
      const actions = await room.receiveText('a', 'junk');
      expect(actions.every((action) => action.kind === 'send')).toBe(true);
      clock.now += 4000;
    }
  });

  it('counts rate-limit refusals as errors, so a flood is disconnected', async () => {
    const { room } = makeRoom();
    await join(room, 'a');
    const kinds: string[] = [];
    for (let i = 0; i < 30; i++) kinds.push(...(await say(room, 'a', 'spam')).map((action) => action.kind));
    expect(kinds.filter((kind) => kind === 'close')).toHaveLength(1);
  });

  it('ignores input from a connection it does not know', async () => {
    const { room } = makeRoom();
    expect(await room.receiveText('ghost', '{"type":"join","name":"x"}')).toEqual([]);
    expect(await room.receiveBinary('ghost', 1)).toEqual([]);
  });
});
