/**
 * The server's counts are the bytes on the socket: each transport runs the conversation from
 * Node through a TCP relay that counts every byte each way, and what the server reports for the
 * run (headers + framing + payload, per direction) must equal what the relay saw. This is what
 * backs "count the real bytes" (request heads as received, response heads and chunked framing as
 * written, WebSocket frames and handshake).
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeEnvironment } from '../../src/cli/compare/node-environment';
import { fetchCounts, runTransport } from '../../src/compare/run';
import { checkSettings, COMPARE_PATHS, totalOf, TRANSPORT_NAMES, type CompareSettings } from '../../src/wire/compare';
import { startServer, type Running } from './helpers';

/** A relay on 127.0.0.1 that counts what passes each way. */
class CountingRelay {
  up = 0;
  down = 0;
  port = 0;
  readonly #server: net.Server;
  readonly #sockets = new Set<net.Socket>();

  constructor(target: number) {
    this.#server = net.createServer((client) => {
      const upstream = net.connect(target, '127.0.0.1');
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.on('data', (chunk: Buffer) => {
        this.up += chunk.length;
        upstream.write(chunk);
      });
      upstream.on('data', (chunk: Buffer) => {
        this.down += chunk.length;
        client.write(chunk);
      });
      client.on('end', () => upstream.end());
      upstream.on('end', () => client.end());
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.port = (this.#server.address() as net.AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

const settings: CompareSettings = (() => {
  const checked = checkSettings({ messages: 12, size: 20, largeMessages: 3, largeSize: 10_240, rate: 100, pollIntervalMs: 40, drainMs: 3000 });
  if (!checked.ok) throw new Error(checked.errors.join('; '));
  return checked.settings;
})();

describe('the counts are the bytes on the socket', { timeout: 30_000 }, () => {
  let running: Running;
  beforeAll(async () => {
    running = await startServer();
  });
  afterAll(() => running.stop());

  for (const name of TRANSPORT_NAMES) {
    it(`${name}: up and down, to the byte`, async () => {
      const relay = await new CountingRelay(running.port).start();
      try {
        // Everything goes through the relay except the question "what did you count?".
        const env = nodeEnvironment(`http://127.0.0.1:${relay.port}`);
        const direct = `http://127.0.0.1:${running.port}`;
        env.fetch = (input, init) => {
          const url = String(input instanceof Request ? input.url : input);
          return globalThis.fetch(url.includes(COMPARE_PATHS.stats) ? url.replace(env.origin, direct) : url, init);
        };
        const m = await runTransport(env, name, { settings, run: `bytes-${name}` });
        expect(m.errors).toEqual([]);
        expect(m.delivered).toBe(15);
        expect(m.wire.up.payload).toBe(12 * 20 + 3 * 10_240);
        expect(m.wire.down.payload).toBe(12 * 20 + 3 * 10_240);
        // A request may still be on its way when the run asks for its counts (long polling's
        // last poll, abandoned as the run closes): compare once both sides have settled.
        const counted = async (): Promise<{ up: number; down: number }> => {
          const wire = await fetchCounts(nodeEnvironment(direct), name, `bytes-${name}`);
          return { up: totalOf(wire.up) - relay.up, down: totalOf(wire.down) - relay.down };
        };
        await expect.poll(counted, { timeout: 3000 }).toEqual({ up: 0, down: 0 });
      } finally {
        await relay.stop();
      }
    });
  }
});
