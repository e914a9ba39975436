/** ReconnectingSocket on its own: attempts, backoff, stopping, giving up, and sockets it let go. */
import { describe, expect, it } from 'vitest';
import type { CloseSummary } from '../socket/socket';
import { fakeEnvironment } from './fake-environment';
import { ReconnectingSocket, type AfterClose, type ReconnectOptions } from './reconnecting-socket.svelte';

function setup(options: ReconnectOptions = {}, url: string | null = 'ws://127.0.0.1:1/chat') {
  const fake = fakeEnvironment();
  const heard: unknown[] = [];
  const socket = new ReconnectingSocket(
    url,
    fake.env,
    {
      preparing: () => heard.push('preparing'),
      connecting: (attempt) => heard.push(['connecting', attempt]),
      refused: (message) => heard.push(['refused', message]),
      open: () => heard.push('open'),
      message: (data) => heard.push(['message', data]),
      closed: (close: CloseSummary, after: AfterClose) => heard.push(['closed', close.code, after]),
    },
    options,
  );
  return { socket, heard, ...fake };
}

describe('ReconnectingSocket', () => {
  it('does nothing without a URL', () => {
    const { socket, sockets } = setup({}, null);
    socket.start();
    expect(sockets).toHaveLength(0);
    expect(socket.link).toBe('offline');
    expect(socket.readyStateName).toBe('none');
  });

  it('opens, follows readyState, and sends only while OPEN', () => {
    const { socket, last, heard } = setup();
    socket.start();
    expect(socket.link).toBe('connecting');
    expect(socket.readyStateName).toBe('CONNECTING');
    expect(socket.send('early')).toBe(false);
    last().open();
    expect(socket.link).toBe('open');
    expect(socket.isOpen()).toBe(true);
    expect(socket.send('hi')).toBe(true);
    last().receive('there');
    expect(last().sent).toEqual(['hi']);
    expect(heard).toEqual([['connecting', 0], 'open', ['message', 'there']]);
    expect(socket.connections).toBe(1);
  });

  it('waits 500 ms, 1 s, 2 s between attempts, and starts again from 500 ms once settled', () => {
    const { socket, last, pending, runTimer, heard } = setup();
    socket.start();
    last().fail();
    expect(socket.link).toBe('waiting');
    expect(socket.reconnect).toEqual({ attempt: 1, delay: 500 });
    expect(heard.at(-1)).toEqual(['closed', 1006, { next: 'retry', opened: false, attempt: 1, delay: 500 }]);
    runTimer();
    expect(heard.at(-1)).toEqual(['connecting', 1]);
    last().fail();
    expect(pending().map((t) => t.ms)).toEqual([1000]);
    runTimer();
    last().fail();
    expect(pending().map((t) => t.ms)).toEqual([2000]);
    runTimer();
    last().open();
    socket.settled();
    expect(socket.attempt).toBe(0);
    last().closed(1001, 'going away');
    expect(heard.at(-1)).toEqual(['closed', 1001, { next: 'retry', opened: true, attempt: 1, delay: 500 }]);
    expect(socket.lastClose).toEqual({ code: 1001, reason: 'going away', wasClean: true });
    expect(socket.connections).toBe(4);
  });

  it('gives up when retry says no', () => {
    const { socket, last, pending, heard } = setup({ retry: (close) => close.code !== 1008 });
    socket.start();
    last().open();
    last().closed(1008, 'too many errors');
    expect(socket.link).toBe('offline');
    expect(pending()).toHaveLength(0);
    expect(heard.at(-1)).toEqual(['closed', 1008, { next: 'gave-up' }]);
  });

  it('stops: closes the socket with the given code, and no attempt follows', () => {
    const { socket, last, pending, heard } = setup();
    socket.start();
    last().open();
    expect(socket.stop(1000, 'left the room')).toBe(true);
    expect(last().closeCalls).toEqual([{ code: 1000, reason: 'left the room' }]);
    expect(socket.readyStateName).toBe('CLOSING');
    last().closed(1000, 'left the room');
    expect(heard.at(-1)).toEqual(['closed', 1000, { next: 'stopped' }]);
    expect(pending()).toHaveLength(0);
    expect(socket.link).toBe('offline');
  });

  it('stops while waiting: the scheduled attempt is cancelled', () => {
    const { socket, last, pending, sockets } = setup();
    socket.start();
    last().fail();
    expect(pending()).toHaveLength(1);
    expect(socket.stop(1000, 'bye')).toBe(false);
    expect(pending()).toHaveLength(0);
    expect(socket.reconnect).toBeNull();
    expect(socket.link).toBe('offline');
    expect(sockets).toHaveLength(1);
  });

  it('reconnects at once on reconnectNow, only while waiting', () => {
    const { socket, last, pending, sockets } = setup();
    socket.start();
    socket.reconnectNow();
    expect(sockets).toHaveLength(1);
    last().fail();
    socket.reconnectNow();
    expect(sockets).toHaveLength(2);
    expect(pending()).toHaveLength(0);
  });

  it('hears nothing more from a socket after its close event', () => {
    const { socket, sockets, runTimer, heard } = setup();
    socket.start();
    sockets[0]!.fail();
    runTimer();
    const before = heard.length;
    sockets[0]!.receive('late');
    expect(heard).toHaveLength(before);
  });

  it('says when the browser refuses the URL, and does not retry', () => {
    const { socket, pending, heard } = setup({}, 'http://127.0.0.1:1/chat');
    socket.start();
    expect(heard).toEqual([['refused', "The URL's scheme must be either 'ws' or 'wss'."]]);
    expect(socket.link).toBe('offline');
    expect(pending()).toHaveLength(0);
  });

  it('opens only after prepare settles, and not at all if stopped meanwhile', async () => {
    let release: () => void = () => {};
    const prepare = () =>
      new Promise<void>((resolve) => {
        release = resolve;
      });
    const { socket, sockets, heard } = setup({ prepare });
    socket.start();
    expect(heard).toEqual(['preparing']);
    expect(socket.link).toBe('connecting');
    expect(sockets).toHaveLength(0);
    release();
    await Promise.resolve();
    await Promise.resolve();
    expect(sockets).toHaveLength(1);

    sockets[0]!.fail();
    socket.reconnectNow();
    expect(socket.stop(1000, 'bye')).toBe(false);
    release();
    await Promise.resolve();
    await Promise.resolve();
    expect(sockets).toHaveLength(1);
  });

  it('closes quietly on destroy', () => {
    const { socket, last, heard, pending } = setup();
    socket.start();
    last().open();
    socket.destroy();
    expect(last().closeCalls).toEqual([{ code: 1000, reason: 'page closed' }]);
    const before = heard.length;
    last().closed(1000, 'page closed');
    expect(heard).toHaveLength(before);
    expect(pending()).toHaveLength(0);
  });
});
