/**
 * The flood demonstration (docs/inspector.md, command `flood`): the server sends N text messages
 * on a connection as fast as the peer reads them, and tells the page that asked how it went: sent,
 * the bytes its socket held unsent (its bufferedAmount), and how often it waited for the peer.
 */
import type { Socket } from 'node:net';
import type WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLOOD_HIGH_WATER, floodText } from '../../server/connection/flood';
import type { FloodMessage, InspectorMessage } from '../../server/inspector/messages';
import { eventually, openWs, RawClient, startServer, upgradeRequest, wsClosed, type Running } from './helpers';

let server: Running;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.stop());

/** An /inspect subscriber for `session` that keeps every message. */
async function inspector(session: string): Promise<{ ws: WebSocket; seen: InspectorMessage[] }> {
  const seen: InspectorMessage[] = [];
  const ws = await openWs(`ws://127.0.0.1:${server.port}/inspect?session=${session}`, {}, (w) =>
    w.on('message', (data) => seen.push(JSON.parse(String(data)) as InspectorMessage)),
  );
  await eventually(() => seen.some((m) => m.type === 'hello'), 5000, 'the hello');
  return { ws, seen };
}

function connectionOf(seen: InspectorMessage[]): number {
  const open = seen.find((m) => m.type === 'open');
  if (!open || open.type !== 'open') throw new Error('no open report');
  return open.connection;
}

const floods = (seen: InspectorMessage[]): FloodMessage[] => seen.filter((m): m is FloodMessage => m.type === 'flood');

describe('flood', () => {
  it('sends every message, in order, and reports the end', { timeout: 60_000 }, async () => {
    const tap = await inspector('flood-a');
    const received: string[] = [];
    const client = await openWs(`ws://127.0.0.1:${server.port}/echo?session=flood-a`, {}, (w) => w.on('message', (d) => received.push(String(d))));
    await eventually(() => tap.seen.some((m) => m.type === 'open'), 5000, 'the open report');
    tap.ws.send(JSON.stringify({ type: 'command', id: 7, connection: connectionOf(tap.seen), action: 'flood', count: 5000, size: 40 }));
    await eventually(() => received.length === 5000, 20_000, '5,000 messages');
    expect(received[0]).toBe(floodText(0, 5000, 40));
    expect(received[0]).toMatch(/^flood 1 of 5000\.+$/);
    expect(received[0]).toHaveLength(40);
    expect(received[4999]).toBe(floodText(4999, 5000, 40));
    expect(received.every((text, i) => text.startsWith(`flood ${i + 1} of 5000`))).toBe(true);
    await eventually(() => floods(tap.seen).some((m) => m.done !== null), 5000, 'the last progress report');
    const ack = tap.seen.find((m) => m.type === 'ack');
    expect(ack).toMatchObject({ id: 7, action: 'flood' });
    const last = floods(tap.seen).at(-1)!;
    expect(last).toMatchObject({ id: 7, count: 5000, sent: 5000, done: 'sent' });
    // Progress counts only go up.
    const sent = floods(tap.seen).map((m) => m.sent);
    expect(sent).toEqual([...sent].sort((a, b) => a - b));
    client.close();
    tap.ws.close();
    await wsClosed(client);
  });

  it('waits for a peer that does not read, holding little unsent, and goes on when it reads', { timeout: 90_000 }, async () => {
    const tap = await inspector('flood-b');
    const raw = await RawClient.connect(server.port);
    raw.write(upgradeRequest('/echo?session=flood-b', {}, server.port));
    expect((await raw.readHead()).status).toBe(101);
    await eventually(() => tap.seen.some((m) => m.type === 'open'), 5000, 'the open report');
    // Stop reading: the kernel's buffers fill, then the server's socket holds what it wrote.
    (raw.socket as Socket).pause();
    const count = 20_000;
    tap.ws.send(JSON.stringify({ type: 'command', id: 'b', connection: connectionOf(tap.seen), action: 'flood', count, size: 1000 }));
    await eventually(() => floods(tap.seen).some((m) => m.waits > 0), 20_000, 'a wait for drain');
    const stalled = floods(tap.seen).at(-1)!;
    expect(stalled.done).toBeNull();
    expect(stalled.sent).toBeLessThan(count);
    // Never more than the high-water mark plus one message (and its header) unsent.
    for (const m of floods(tap.seen)) expect(m.maxUnsent).toBeLessThanOrEqual(FLOOD_HIGH_WATER + 1004);
    // Read again: the rest goes out.
    (raw.socket as Socket).resume();
    await eventually(() => floods(tap.seen).some((m) => m.done === 'sent'), 30_000, 'the flood to finish');
    await eventually(() => raw.frames.length >= count, 30_000, 'every frame');
    expect(raw.frames.length).toBe(count);
    raw.destroy();
    tap.ws.close();
  });

  it('ends with "closed" when the peer goes away mid-flood, and stops on count 0', { timeout: 60_000 }, async () => {
    const tap = await inspector('flood-c');
    const raw = await RawClient.connect(server.port);
    raw.write(upgradeRequest('/echo?session=flood-c', {}, server.port));
    expect((await raw.readHead()).status).toBe(101);
    await eventually(() => tap.seen.some((m) => m.type === 'open'), 5000, 'the open report');
    (raw.socket as Socket).pause();
    const id = connectionOf(tap.seen);
    tap.ws.send(JSON.stringify({ type: 'command', id: 1, connection: id, action: 'flood', count: 50_000, size: 1000 }));
    await eventually(() => floods(tap.seen).some((m) => m.waits > 0), 20_000, 'a wait for drain');
    raw.destroy();
    await eventually(() => floods(tap.seen).some((m) => m.done === 'closed'), 10_000, 'the flood to end');

    // A second connection: a flood, then count 0 stops it.
    const second = await openWs(`ws://127.0.0.1:${server.port}/echo?session=flood-c`);
    await eventually(() => tap.seen.filter((m) => m.type === 'open').length === 2, 5000, 'the second open');
    const opens = tap.seen.filter((m) => m.type === 'open');
    const other = opens[1]!.type === 'open' ? opens[1]!.connection : -1;
    second.pause();
    tap.ws.send(JSON.stringify({ type: 'command', id: 2, connection: other, action: 'flood', count: 100_000, size: 2000 }));
    await eventually(() => floods(tap.seen).some((m) => m.id === 2 && m.waits > 0), 20_000, 'the second flood to wait');
    tap.ws.send(JSON.stringify({ type: 'command', id: 3, connection: other, action: 'flood', count: 0 }));
    await eventually(() => floods(tap.seen).some((m) => m.id === 2 && m.done === 'stopped'), 5000, 'the stop');
    expect(tap.seen.find((m) => m.type === 'ack' && m.id === 3)).toMatchObject({ detail: 'stopped the flood' });
    second.terminate();
    tap.ws.close();
  });

  it('refuses a bad count or size, saying why', async () => {
    const tap = await inspector('flood-d');
    const client = await openWs(`ws://127.0.0.1:${server.port}/echo?session=flood-d`);
    await eventually(() => tap.seen.some((m) => m.type === 'open'), 5000, 'the open report');
    const id = connectionOf(tap.seen);
    for (const [n, bad] of [[1, { count: -1 }], [2, { count: 1.5 }], [3, { count: 10, size: 1e9 }], [4, { count: 'many' }]] as const) {
      tap.ws.send(JSON.stringify({ type: 'command', id: n, connection: id, action: 'flood', ...bad }));
    }
    await eventually(() => tap.seen.filter((m) => m.type === 'error').length === 4, 5000, 'four errors');
    const errors = tap.seen.filter((m) => m.type === 'error').map((m) => (m.type === 'error' ? m.message : ''));
    expect(errors.slice(0, 2)).toEqual(Array(2).fill(errors[0]));
    expect(errors[0]).toMatch(/"count" must be an integer from 0 \(stop\) to 1000000/);
    expect(errors[2]).toMatch(/"size" must be an integer from 0 to 65536/);
    client.close();
    tap.ws.close();
  });
});

describe('/inspect?batch', () => {
  it('sends JSON arrays of messages: the hello, then many frames an event', { timeout: 30_000 }, async () => {
    const texts: string[] = [];
    const tap = await openWs(`ws://127.0.0.1:${server.port}/inspect?session=batch-a&batch`, {}, (w) => w.on('message', (d) => texts.push(String(d))));
    await eventually(() => texts.length >= 1, 5000, 'the hello');
    const first = JSON.parse(texts[0]!) as InspectorMessage[];
    expect(Array.isArray(first)).toBe(true);
    expect(first[0]).toMatchObject({ type: 'hello', session: 'batch-a' });
    const client = await openWs(`ws://127.0.0.1:${server.port}/echo?session=batch-a`);
    let echoes = 0;
    client.on('message', () => echoes++);
    for (let i = 0; i < 2000; i++) client.send(`m${i}`);
    await eventually(() => echoes === 2000, 10_000, 'the echoes');
    const messages = () => texts.flatMap((text) => JSON.parse(text) as InspectorMessage[]);
    await eventually(() => messages().filter((m) => m.type === 'frame').length >= 4000 || messages().some((m) => m.type === 'dropped'), 10_000, 'the frames');
    // Many messages per text message: far fewer events than messages.
    expect(texts.length).toBeLessThan(messages().length / 5);
    client.close();
    tap.close();
    await wsClosed(client);
  });
});
