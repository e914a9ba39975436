import { describe, expect, it } from 'vitest';
import { FakeSocket } from '../socket/fake-socket';
import { connectInspector, inspectorUrl } from './client.svelte';
import { clientHello, hello, open } from './fixtures';

function setup(commandTimeout = 1000) {
  let socket: FakeSocket | undefined;
  const client = connectInspector('ws://127.0.0.1:8008/inspect', 'TOKEN', {
    createSocket: (url) => (socket = new FakeSocket(url)),
    schedule: (flush) => queueMicrotask(flush),
    commandTimeout,
  });
  return { client, socket: socket! };
}

describe('inspector client', () => {
  it('builds the /inspect URL', () => {
    expect(inspectorUrl('ws://h/inspect', 'abc')).toBe('ws://h/inspect?session=abc');
    expect(inspectorUrl('ws://h/inspect', null, true)).toBe('ws://h/inspect?all=');
    expect(inspectorUrl('ws://h/inspect', 'abc', false, true)).toBe('ws://h/inspect?session=abc&batch=');
  });

  it('is ready after the server\u2019s hello and feeds the capture', async () => {
    const { client, socket } = setup();
    expect(socket.url).toBe('ws://127.0.0.1:8008/inspect?session=TOKEN&batch=');
    expect(client.status).toBe('connecting');
    socket.open();
    socket.receive(JSON.stringify(hello()));
    expect(await client.ready()).toBe(true);
    expect(client.status).toBe('open');
    socket.receive(JSON.stringify(open(4, 1)));
    socket.receive(JSON.stringify(clientHello(4)));
    socket.receive('garbage');
    await Promise.resolve();
    expect(client.capture.frames.length).toBe(1);
    expect(client.capture.connectionByLabel(1)?.connection).toBe(4);
    expect(client.capture.notices.at(-1)?.kind).toBe('invalid');
  });

  it('is unavailable when the socket closes before hello', async () => {
    const { client, socket } = setup();
    socket.closed(1006, '', false);
    expect(await client.ready()).toBe(false);
    expect(client.status).toBe('unavailable');
    expect(client.error).toMatch(/No inspector/);
  });

  it('sends commands and matches the ack by id', async () => {
    const { client, socket } = setup();
    socket.open();
    socket.receive(JSON.stringify(hello()));
    await client.ready();
    const pending = client.command(4, { action: 'ping', payload: 'hi' });
    const sent = JSON.parse(socket.sent[0] as string) as { id: number };
    expect(sent).toEqual({ type: 'command', id: sent.id, connection: 4, action: 'ping', payload: 'hi' });
    socket.receive(JSON.stringify({ type: 'ack', t: 1, wall: 1, id: sent.id, connection: 4, action: 'ping', detail: 'sent a ping' }));
    const result = await pending;
    expect(result.ok && result.ack.detail).toBe('sent a ping');

    const failing = client.command(9, { action: 'close', code: 1000 });
    const second = JSON.parse(socket.sent[1] as string) as { id: number };
    socket.receive(JSON.stringify({ type: 'error', t: 1, wall: 1, id: second.id, connection: 9, action: 'close', message: 'no open connection 9 in this session' }));
    expect(await failing).toEqual({ ok: false, message: 'no open connection 9 in this session' });
  });

  it('answers a command when the server never does, and when the socket closes', async () => {
    const { client, socket } = setup(5);
    socket.open();
    socket.receive(JSON.stringify(hello()));
    await client.ready();
    expect(await client.command(1, { action: 'ping' })).toMatchObject({ ok: false, message: /in time/ });
    const pending = client.command(1, { action: 'ping' });
    socket.closed(1001);
    expect(await pending).toMatchObject({ ok: false, message: /closed/ });
    expect(client.status).toBe('closed');
    expect(await client.command(1, { action: 'ping' })).toMatchObject({ ok: false, message: /not connected/ });
  });
});
