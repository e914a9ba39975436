/** ChatSession with a fake WebSocket and a fake timer: greeting, joining, sending, reconnecting. */
import { describe, expect, it } from 'vitest';
import { ChatSession } from './chat.svelte';
import { fakeEnvironment } from './fake-environment';

function setup() {
  const fake = fakeEnvironment();
  const session = new ChatSession({ ok: true, url: 'ws://127.0.0.1:1/chat?session=abc' }, fake.env);
  return { session, ...fake };
}

const limits = {
  nameMaxLength: 24,
  messageMaxLength: 20,
  messagesPerSecond: 2,
  burst: 5,
  maxUsers: 100,
  history: 100,
  maxErrors: 20,
  errorWindowMs: 60000,
};
const hello = { type: 'hello', suggestion: 'guest-7f3a', limits };
const alice = { name: 'Alice', colour: '#b42318' };
const bob = { name: 'Bob', colour: '#0b5cad' };

function welcome(users = [alice], history: unknown[] = []) {
  return { type: 'welcome', you: alice, users, history };
}

function joined() {
  const made = setup();
  made.session.start();
  made.last().open();
  made.last().receiveJson(hello);
  made.session.join('Alice');
  made.last().receiveJson(welcome([alice, bob]));
  return made;
}

describe('ChatSession', () => {
  it('sends nothing while CONNECTING, then joins after the hello', () => {
    const { session, last } = setup();
    session.start();
    expect(session.phase).toBe('connecting');
    expect(session.connection.readyStateName).toBe('CONNECTING');
    expect(session.join('Alice')).toBe(false);
    expect(session.room.joinError).toMatch(/Not connected yet/);
    expect(last().sentJson()).toEqual([]);

    last().open();
    expect(session.connection.readyStateName).toBe('OPEN');
    expect(session.join('Alice')).toBe(false);
    last().receiveJson(hello);
    expect(session.phase).toBe('choosing');
    expect(session.room.suggestion).toBe('guest-7f3a');
    expect(session.room.limits).toEqual(limits);

    expect(session.join('  Alice ')).toBe(true);
    expect(last().sentJson()).toEqual([{ type: 'join', name: 'Alice' }]);
    expect(session.phase).toBe('joining');
    last().receiveJson(welcome([alice, bob], [{ type: 'message', id: 1, from: 'Bob', colour: '#0b5cad', text: 'earlier', time: '' }]));
    expect(session.phase).toBe('joined');
    expect(session.room.me).toEqual(alice);
    expect(session.room.users).toEqual([alice, bob]);
    expect(session.room.entries).toMatchObject([
      { kind: 'notice', text: 'Earlier in the room: the last message.' },
      { kind: 'message', text: 'earlier', history: true, mine: false },
    ]);
    expect(session.status).toBe('Joined the room as Alice.');
  });

  it('refuses an empty or too-long nickname before sending it', () => {
    const { session, last } = setup();
    session.start();
    last().open();
    last().receiveJson(hello);
    expect(session.join('   ')).toBe(false);
    expect(session.room.joinError).toMatch(/at least one character/);
    expect(session.join('x'.repeat(25))).toBe(false);
    expect(session.room.joinError).toBe(`A nickname has at most 24 characters; “${'x'.repeat(25)}” has 25.`);
    expect(last().sentJson()).toEqual([]);
  });

  it('shows a taken nickname and takes the server’s suggestion', () => {
    const { session, last } = setup();
    session.start();
    last().open();
    last().receiveJson(hello);
    session.join('alice');
    last().receiveJson({ type: 'error', code: 'name-taken', reason: 'Someone is already called alice.', suggestion: 'alice-2' });
    expect(session.phase).toBe('choosing');
    // The page makes the sentence from the code, the name it asked for and the suggestion.
    expect(session.room.joinError).toBe('Someone in the room is already called alice. Try alice-2?');
    expect(session.room.suggestion).toBe('alice-2');
  });

  it('logs messages, private messages and join/leave lines, and keeps the user list', () => {
    const { session, last } = joined();
    last().receiveJson({ type: 'message', id: 2, from: 'Bob', colour: '#0b5cad', text: '<b>hi</b>', time: 't' });
    last().receiveJson({ type: 'private', id: 3, from: 'Alice', colour: '#b42318', to: 'Bob', toColour: '#0b5cad', text: 'psst', time: 't' });
    last().receiveJson({ type: 'join', name: 'Carol', colour: '#4f46e5', time: 't', users: [alice, bob, { name: 'Carol', colour: '#4f46e5' }] });
    last().receiveJson({ type: 'leave', name: 'Bob', colour: '#0b5cad', time: 't', users: [alice, { name: 'Carol', colour: '#4f46e5' }] });
    expect(session.room.entries).toMatchObject([
      { kind: 'message', from: 'Bob', text: '<b>hi</b>', mine: false },
      { kind: 'private', from: 'Alice', to: 'Bob', outgoing: true },
      { kind: 'presence', action: 'join', name: 'Carol', you: false },
      { kind: 'presence', action: 'leave', name: 'Bob' },
    ]);
    expect(session.room.users.map((user) => user.name)).toEqual(['Alice', 'Carol']);
  });

  it('sends the draft, refuses an empty one with a word, and checks the length', () => {
    const { session, last } = joined();
    session.composer.draft = '  \n ';
    expect(session.send()).toBe(false);
    expect(session.composer.error).toMatch(/Nothing to send/);
    session.composer.draft = 'x'.repeat(21);
    expect(session.send()).toBe(false);
    expect(session.composer.error).toBe('Too long: 21 characters; the room takes at most 20.');
    session.composer.draft = 'hello\nworld';
    expect(session.composer.error).toBeNull();
    expect(session.send()).toBe(true);
    expect(session.composer.draft).toBe('');
    expect(last().sentJson().at(-1)).toEqual({ type: 'message', text: 'hello\nworld' });
  });

  it('puts a refused message back in the composer with the reason for the server’s code', () => {
    const { session, last } = joined();
    session.composer.draft = 'too fast';
    session.send();
    last().receiveJson({ type: 'error', code: 'rate-limited', reason: 'Too fast.', retryAfterMs: 400 });
    expect(session.composer.draft).toBe('too fast');
    expect(session.composer.error).toBe('Too fast: at most 2 messages a second (5 at once). Wait 0.4 s.');
  });

  it('says when the room is degraded (a server lost its Redis) and when it is back, and can still send', () => {
    const { session, last } = joined();
    last().receiveJson({ type: 'status', state: 'degraded', reason: 'The room is degraded: messages wait here.' });
    expect(session.status).toMatch(/^The room is degraded: this server lost its connection to the room's shared store\./);
    expect(session.room.entries.at(-1)).toMatchObject({ kind: 'notice', tone: 'error', text: session.status });
    expect(session.phase).toBe('joined');
    session.composer.draft = 'wait for it';
    expect(session.send()).toBe(true);
    expect(last().sentJson().at(-1)).toEqual({ type: 'message', text: 'wait for it' });
    last().receiveJson({ type: 'status', state: 'ok', reason: 'The room is back.' });
    expect(session.status).toMatch(/^The room is back: /);
    expect(session.room.entries.at(-1)).toMatchObject({ kind: 'notice', tone: 'ok', text: session.status });
  });

  it('puts a message refused as unavailable back in the composer', () => {
    const { session, last } = joined();
    session.composer.draft = 'too many waiting';
    session.send();
    last().receiveJson({ type: 'error', code: 'unavailable', reason: 'The room is away: 50 messages wait.', retryAfterMs: 2000 });
    expect(session.phase).toBe('joined');
    expect(session.composer.draft).toBe('too many waiting');
    expect(session.composer.error).toMatch(/^Paused: this server lost the room's shared store/);
  });

  it('goes back to the nickname form when a join is refused as unavailable', () => {
    const { session, last } = setup();
    session.start();
    last().open();
    last().receiveJson(hello);
    session.join('Alice');
    last().receiveJson({ type: 'error', code: 'unavailable', reason: 'Joining is paused.', retryAfterMs: 2000 });
    expect(session.phase).toBe('choosing');
    expect(session.room.joinError).toMatch(/^Paused: /);
  });

  it('logs junk from the server without throwing', () => {
    const { session, last } = joined();
    last().receive('not json');
    last().receiveJson({ type: 'mystery' });
    last().receiveJson({ type: 'error', code: 'bad-json', reason: 'Not JSON.' });
    expect(session.room.entries.map((entry) => entry.kind === 'notice' && entry.text)).toEqual([
      'Ignored: the server sent something that is not JSON.',
      'Ignored: the server sent a message “mystery” this page does not understand.',
      'The server says: The server refused a message this page sent (bad-json).',
    ]);
  });

  it('reconnects with backoff after the server goes away, and joins again with the same name', () => {
    const { session, sockets, last, runTimer } = joined();
    last().closed(1001, 'server shutting down');
    expect(session.phase).toBe('waiting');
    expect(session.connection.readyStateName).toBe('CLOSED');
    expect(session.room.users).toEqual([]);
    expect(session.connection.reconnect).toEqual({ attempt: 1, delay: 500 });
    expect(session.status).toBe('Connection lost (1001 Going Away: server shutting down). Reconnecting in 0.5 s…');
    expect(session.room.entries.at(-1)).toMatchObject({ kind: 'notice', tone: 'error' });
    expect(session.canSend).toBe(false);

    // The server is still down: the next attempt fails too, and waits longer.
    expect(runTimer()).toBe(500);
    expect(sockets).toHaveLength(2);
    last().fail();
    expect(session.connection.reconnect).toEqual({ attempt: 2, delay: 1000 });
    expect(session.status).toMatch(/attempt 2/);
    expect(runTimer()).toBe(1000);
    last().fail();
    expect(session.connection.reconnect?.delay).toBe(2000);

    // Back up: hello, then the page joins again by itself.
    runTimer();
    last().open();
    last().receiveJson(hello);
    expect(last().sentJson()).toEqual([{ type: 'join', name: 'Alice' }]);
    last().receiveJson(welcome([alice]));
    expect(session.phase).toBe('joined');
    expect(session.status).toBe('Reconnected: back in the room as Alice.');
    expect(session.connection.reconnect).toBeNull();
    expect(session.connection.connections).toBe(4);
  });

  it('does not replay history it already shows after a short reconnect', () => {
    const { session, last, runTimer } = joined();
    const m = { type: 'message', id: 5, from: 'Bob', colour: '#0b5cad', text: 'once', time: 't5' };
    last().receiveJson(m);
    last().fail();
    runTimer();
    last().open();
    last().receiveJson(hello);
    last().receiveJson(welcome([alice], [m, { ...m, id: 6, text: 'missed', time: 't6' }]));
    expect(session.room.entries.filter((entry) => entry.kind === 'message').map((entry) => entry.kind === 'message' && entry.text)).toEqual([
      'once',
      'missed',
    ]);
  });

  it('asks for a new nickname when its old one was taken while it was away', () => {
    const { session, last, runTimer } = joined();
    last().fail();
    runTimer();
    last().open();
    last().receiveJson(hello);
    last().receiveJson({ type: 'error', code: 'name-taken', reason: 'Taken.', suggestion: 'Alice-2' });
    expect(session.phase).toBe('choosing');
    expect(session.room.me).toBeNull();
    expect(session.room.suggestion).toBe('Alice-2');
    expect(session.room.entries.at(-1)).toMatchObject({ kind: 'notice', text: 'Could not join again: Someone in the room is already called Alice. Try Alice-2?' });
  });

  it('leaves with 1000 and does not reconnect', () => {
    const { session, last, timers } = joined();
    session.leave();
    expect(last().closeCalls).toEqual([{ code: 1000, reason: 'left the room' }]);
    expect(session.connection.readyStateName).toBe('CLOSING');
    last().closed(1000, 'left the room');
    expect(session.phase).toBe('offline');
    expect(session.room.me).toBeNull();
    expect(timers).toHaveLength(0);
    session.start();
    expect(session.phase).toBe('connecting');
  });

  it('stays offline after a 1008 close (too many errors)', () => {
    const { session, last, timers } = joined();
    last().closed(1008, 'too many errors');
    expect(session.phase).toBe('offline');
    expect(timers).toHaveLength(0);
    expect(session.status).toMatch(/1008 Policy Violation: too many errors/);
  });

  it('says when no server answers, and keeps trying', () => {
    const { session, last, runTimer } = setup();
    session.start();
    last().fail();
    expect(session.status).toBe('No chat server answered at ws://127.0.0.1:1/chat?session=abc. Reconnecting in 0.5 s…');
    runTimer();
    last().fail();
    expect(session.status).toBe('Still no chat server (attempt 2). Trying again in 1 s…');
    session.reconnectNow();
    expect(session.phase).toBe('connecting');
  });

  it('has no address to connect to from a file:// page', () => {
    const session = new ChatSession({ ok: false, reason: 'opened from a file' });
    session.start();
    expect(session.phase).toBe('offline');
    expect(session.status).toBe('opened from a file');
  });

  it('ignores events from a socket it has replaced', () => {
    const { session, sockets, last, runTimer } = joined();
    last().fail();
    runTimer();
    sockets[0]!.receiveJson({ type: 'message', id: 9, from: 'Ghost', colour: '', text: 'late', time: '' });
    expect(session.room.entries.some((entry) => entry.kind === 'message' && entry.text === 'late')).toBe(false);
  });
});

describe('ChatSession with a prepare step (the inspector tap)', () => {
  it('opens the socket only after prepare settles, on every attempt', async () => {
    const { env, sockets, runTimer } = fakeEnvironment();
    let prepared = 0;
    let release: () => void = () => {};
    const session = new ChatSession({ ok: true, url: 'ws://x/chat' }, env, () => {
      prepared += 1;
      return new Promise<void>((resolve) => {
        release = resolve;
      });
    });
    session.start();
    expect(session.phase).toBe('connecting');
    expect(session.status).toMatch(/inspector tap/);
    expect(sockets).toHaveLength(0);
    release();
    await Promise.resolve();
    await Promise.resolve();
    expect(sockets).toHaveLength(1);
    sockets[0]?.fail();
    runTimer();
    expect(prepared).toBe(2);
    // Leaving while prepare is pending: no socket is opened afterwards.
    session.leave();
    release();
    await Promise.resolve();
    await Promise.resolve();
    expect(sockets).toHaveLength(1);
    expect(session.phase).toBe('offline');
  });
});
