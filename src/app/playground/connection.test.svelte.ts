import { describe, expect, it } from 'vitest';
import { MAX_LOG, PlaygroundConnection, previewData, utf8Length } from './connection.svelte';
import { MAX_ENTRIES } from '../socket/timeline';
import { FakeSocket } from '../socket/fake-socket';
import { manualClock } from './manual-clock';

function setup() {
  const sockets: FakeSocket[] = [];
  const clock = manualClock();
  const connection = new PlaygroundConnection((url) => {
    const socket = new FakeSocket(url);
    sockets.push(socket);
    return socket;
  }, clock);
  return { connection, sockets, clock };
}

const text = (data: string) => ({ kind: 'text' as const, data, size: new TextEncoder().encode(data).length });

describe('PlaygroundConnection', () => {
  it('records CONNECTING → OPEN → CLOSING → CLOSED with times', () => {
    const { connection, sockets, clock } = setup();
    expect(connection.connect('ws://x/echo', true)).toEqual({ ok: true });
    const socket = sockets[0]!;
    expect(socket.binaryType).toBe('arraybuffer');
    clock.advance(12);
    socket.open();
    clock.advance(10);
    expect(connection.send(text('Hello'))).toEqual({ ok: true });
    socket.receive('Hello');
    clock.advance(5);
    expect(connection.close(1000, 'done')).toEqual({ ok: true });
    expect(socket.closeCalls).toEqual([{ code: 1000, reason: 'done' }]);
    clock.advance(1);
    socket.closed(1000, 'done');
    const t = connection.current!;
    expect(t.steps.map((s) => [s.state, s.t])).toEqual([
      ['CONNECTING', 0],
      ['OPEN', 12],
      ['CLOSING', 27],
      ['CLOSED', 28],
    ]);
    expect(t.close).toEqual({ code: 1000, reason: 'done', wasClean: true });
    const log = Array.from({ length: connection.log.length }, (_, i) => connection.log.at(i)!);
    expect(log.map((m) => [m.direction, m.preview])).toEqual([
      ['sent', 'Hello'],
      ['received', 'Hello'],
    ]);
    expect(connection.active).toBe(false);
    expect(clock.timers).toBe(0);
  });

  it('counts and logs a student\'s own sends from the console (ws.send in a loop), text and binary', () => {
    const { connection, sockets } = setup();
    connection.connect('ws://x/echo', true);
    const socket = sockets[0]!;
    socket.open();
    // What `window.ws` is: the socket itself, its send called directly, not through the page.
    const ws = socket as unknown as WebSocket;
    for (let i = 0; i < 1000; i++) ws.send('m' + i);
    ws.send(new Uint8Array([1, 2, 3]));
    ws.send(new ArrayBuffer(4));
    expect(connection.send(text('page'))).toEqual({ ok: true });
    connection.flush();
    expect(socket.sent).toHaveLength(1003);
    expect(connection.current!.messagesSent).toBe(1003);
    const log = Array.from({ length: connection.log.length }, (_, i) => connection.log.at(i)!);
    expect(log.filter((entry) => entry.direction === 'sent')).toHaveLength(Math.min(1003, MAX_LOG));
    expect(log.at(-3)).toMatchObject({ kind: 'binary', size: 3, preview: '01 02 03' });
    expect(log.at(-2)).toMatchObject({ kind: 'binary', size: 4 });
    expect(log.at(-1)).toMatchObject({ kind: 'text', size: 4, preview: 'page' });
    // Once closed, the browser discards what send() is given: nothing is counted.
    socket.closed(1000);
    ws.send('late');
    connection.flush();
    expect(connection.current!.messagesSent).toBe(1003);
  });

  it('refuses to send before OPEN and after CLOSED, saying why', () => {
    const { connection, sockets } = setup();
    expect(connection.send(text('x'))).toMatchObject({ ok: false, message: /Connect first/ });
    connection.connect('ws://x/echo', true);
    const early = connection.send(text('x'));
    expect(early.ok).toBe(false);
    expect(!early.ok && early.message).toMatch(/CONNECTING/);
    expect(connection.current?.entries.at(-1)?.type).toBe('refused');
    sockets[0]!.open();
    sockets[0]!.closed(1000);
    expect(connection.send(text('x')).ok).toBe(false);
  });

  it('refuses close codes the browser would throw on', () => {
    const { connection, sockets } = setup();
    connection.connect('ws://x/echo', true);
    sockets[0]!.open();
    const result = connection.close(1002, '');
    expect(result.ok).toBe(false);
    expect(sockets[0]!.closeCalls).toEqual([]);
  });

  it('sees CLOSING by polling readyState', () => {
    const { connection, sockets, clock } = setup();
    connection.connect('ws://x/echo', true);
    sockets[0]!.open();
    sockets[0]!.readyState = 2;
    clock.advance(3);
    clock.tick();
    expect(connection.state).toBe('CLOSING');
    expect(connection.current?.steps.at(-1)?.t).toBe(3);
  });

  it('sees bufferedAmount drain after a send', () => {
    const { connection, sockets, clock } = setup();
    connection.connect('ws://x/echo', true);
    sockets[0]!.open();
    sockets[0]!.bufferedAmount = 5;
    connection.send(text('Hello'));
    expect(connection.current?.bufferedAmount).toBe(5);
    sockets[0]!.bufferedAmount = 0;
    clock.tick();
    expect(connection.current?.bufferedAmount).toBe(0);
    expect(connection.current?.maxBufferedAmount).toBe(5);
  });

  it('samples bufferedAmount', () => {
    const { connection, sockets, clock } = setup();
    connection.connect('ws://x/echo', true);
    sockets[0]!.open();
    sockets[0]!.bufferedAmount = 5000;
    clock.tick();
    sockets[0]!.bufferedAmount = 0;
    clock.tick();
    expect(connection.current?.bufferedAmount).toBe(0);
    expect(connection.current?.maxBufferedAmount).toBe(5000);
  });

  it('records a failed connection: error, then close 1006', () => {
    const { connection, sockets } = setup();
    connection.connect('ws://x/echo', true);
    sockets[0]!.open();
    sockets[0]!.fail();
    const t = connection.current!;
    expect(t.failed).toBe(true);
    expect(t.steps.map((s) => s.state)).toEqual(['CONNECTING', 'OPEN', 'CLOSED']);
    expect(t.entries.map((e) => e.type)).toEqual(['open', 'error', 'close']);
  });

  it('starts a new timeline on reconnect and keeps the old one', () => {
    const { connection, sockets } = setup();
    connection.connect('ws://x/echo', true);
    sockets[0]!.open();
    connection.connect('ws://x/echo', false);
    expect(sockets[0]!.closeCalls).toEqual([{ code: 1000, reason: 'reconnecting' }]);
    // The old socket still finishes its own timeline; the new one is untouched.
    sockets[0]!.closed(1000, 'reconnecting');
    expect(connection.timelines.map((t) => [t.id, t.state])).toEqual([
      [1, 'CLOSED'],
      [2, 'CONNECTING'],
    ]);
    expect(connection.ours).toBe(false);
    expect(connection.nextId).toBe(3);
  });

  it('reports a URL the browser refuses', () => {
    const connection = new PlaygroundConnection(() => {
      throw new DOMException("The URL's scheme must be either 'ws' or 'wss'.", 'SyntaxError');
    }, manualClock());
    const result = connection.connect('nope', false);
    expect(result.ok).toBe(false);
    expect(connection.timelines).toEqual([]);
  });

  it('takes a flood of messages in one update per animation frame, counting every one', () => {
    const sockets: FakeSocket[] = [];
    const clock = manualClock({ deferFrames: true });
    const connection = new PlaygroundConnection((url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    }, clock);
    connection.connect('ws://x/echo', true);
    sockets[0]!.open();
    const opened = connection.current;
    expect(opened?.state).toBe('OPEN');
    for (let i = 0; i < 20_000; i++) sockets[0]!.receive(`m${i}`);
    // Nothing changed yet: the events wait for the next animation frame, which runs once.
    expect(connection.current).toBe(opened);
    expect(connection.log.length).toBe(0);
    expect(clock.framesWaiting).toBe(1);
    expect(clock.runFrames()).toBe(1);
    const t = connection.current!;
    expect(t.messagesReceived).toBe(20_000);
    expect(t.entries.length).toBe(MAX_ENTRIES);
    expect(t.omitted).toBe(20_001 - MAX_ENTRIES);
    expect(t.entries.at(-1)).toMatchObject({ type: 'message', kind: 'text', size: 6 });
    expect(connection.log.length).toBe(MAX_LOG);
    expect(connection.log.total).toBe(20_000);
    expect(connection.log.at(MAX_LOG - 1)?.preview).toBe('m19999');
    // A close applies at once, after what was waiting.
    sockets[0]!.receive('last');
    sockets[0]!.closed(1000, 'bye');
    expect(connection.current?.state).toBe('CLOSED');
    expect(connection.current?.messagesReceived).toBe(20_001);
    expect(connection.current?.entries.slice(-2).map((e) => e.type)).toEqual(['message', 'close']);
  });

  it('counts UTF-8 bytes as TextEncoder does', () => {
    for (const text of ['', 'Hello', 'héllo', '€', '😀 ok', '\ud800', 'a\udc00b', '中文テキスト']) {
      expect(utf8Length(text), JSON.stringify(text)).toBe(new TextEncoder().encode(text).length);
    }
  });

  it('previews binary as hex and long text cut', () => {
    expect(previewData(new Uint8Array([1, 2, 255]))).toBe('01 02 ff');
    expect(previewData('x'.repeat(130))).toBe(`${'x'.repeat(120)}\u2026`);
  });
});
