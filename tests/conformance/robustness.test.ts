/**
 * A server that hangs, floods, stops reading, crashes or restarts in the middle of a run does not
 * hang the grader: every case has a time budget, a silent case is given up, a dead server is
 * reported ("server unreachable from case N on") and the run ends with every case accounted for.
 */
import { createHash } from 'node:crypto';
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { CASES, selectCases } from '../../conformance/index.ts';
import { createFramescopeServer, type FramescopeServer } from '../../server/index';
import { grade, ids } from './helpers';

type Behaviour = 'hang' | 'stop-reading' | 'flood-messages' | 'flood-one-frame' | 'crash-mid-frame';

const sockets = new Set<net.Socket>();
const servers: net.Server[] = [];
afterAll(() => {
  for (const s of sockets) s.destroy();
  for (const s of servers) s.close();
});

/** A server that completes the opening handshake (except 'hang'), then misbehaves. */
function misbehaving(behaviour: Behaviour): Promise<number> {
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    if (behaviour === 'hang') return;
    let head = '';
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      const key = /Sec-WebSocket-Key: (\S+)/i.exec(head)?.[1] ?? '';
      const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
      if (behaviour === 'stop-reading') socket.pause();
      if (behaviour === 'flood-messages') {
        const frame = Buffer.from([0x81, 0x05, ...Buffer.from('flood')]);
        const burst = Buffer.concat(Array.from({ length: 1000 }, () => frame));
        const pump = (): void => {
          while (!socket.destroyed && socket.write(burst));
          if (!socket.destroyed) socket.once('drain', pump);
        };
        pump();
      }
      // A binary frame that declares 2^62 bytes, then bytes forever.
      if (behaviour === 'flood-one-frame') socket.write(Buffer.from([0x82, 0x7f, 0x40, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3]));
      // At the first frame from the grader: the first 3 bytes of an 18-byte text frame, then gone (a PHP fatal error mid-write).
      if (behaviour === 'crash-mid-frame') socket.once('data', () => socket.end(Buffer.from([0x81, 0x12, 0x65])));
    };
    socket.on('data', onData);
  });
  servers.push(server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

describe.concurrent('a server that misbehaves as a whole', () => {
  it('accepts TCP and never answers: the run ends after three handshakes, every case reported', { timeout: 30_000 }, async () => {
    const port = await misbehaving('hang');
    const { report, stopped } = await grade(`ws://127.0.0.1:${port}/`, '1.*,2.*', { timeout: 1000 });
    expect(stopped).toBe('server not answering the opening handshake from case 1.1.1 on');
    expect(report.cases).toHaveLength(selectCases(CASES, '1.*,2.*').ok ? 27 : 0);
    expect(report.summary.FAILED).toBe(3);
    expect(report.summary['NOT PLAYED']).toBe(24);
    expect(report.cases[0]!.result).toMatch(/did not answer the opening handshake in time/);
    expect(report.cases.at(-1)!.result).toBe('Not played: server not answering the opening handshake from case 1.1.1 on.');
  });

  it('stops reading after the handshake: each case is given up and says so; three in a subgroup skip only that subgroup', { timeout: 60_000 }, async () => {
    const port = await misbehaving('stop-reading');
    const { report, stopped } = await grade(`ws://127.0.0.1:${port}/`, '9.1.*,9.2.*', { timeout: 1500 });
    expect(stopped).toBeNull();
    // Run order interleaves 9.1.x and 9.2.x: 9.1.1, 9.2.1, 9.1.2, 9.2.2, 9.1.3, 9.2.3 are played.
    expect(ids(report, 'FAILED')).toEqual(['9.1.1', '9.2.1', '9.1.2', '9.2.2', '9.1.3', '9.2.3']);
    expect(ids(report, 'NOT PLAYED')).toEqual(['9.1.4', '9.2.4', '9.1.5', '9.2.5', '9.1.6', '9.2.6']);
    expect(report.summary.FAILED).toBe(6);
    expect(report.summary['NOT PLAYED']).toBe(6);
    for (const c of report.cases.filter((x) => x.behavior === 'FAILED')) {
      expect(c.wire.some((e) => e.kind === 'event' && /the grader gives up: nothing crossed the connection/.test(e.text)), c.result).toBe(true);
      // What happened, not Autobahn's "within 10 seconds" (a wait that never happened), nor a close blamed on the server.
      expect(c.result).toMatch(/^No echo came back: nothing crossed the connection for 1\.2 s, so the grader gave up \(the server is too slow for this, or stuck\)\./);
      expect(c.result).not.toMatch(/within \d+ seconds|wrong endpoint|Notes:/);
    }
    const skipped = report.cases.find((c) => c.id === '9.1.4')!;
    expect(skipped.result).toBe('Not played: the server sent nothing and kept the connection open in 9.1.1, 9.1.2, 9.1.3, so the rest of 9.1.x was skipped.');
    expect(report.cases.find((c) => c.id === '9.2.4')!.result).toMatch(/in 9\.2\.1, 9\.2\.2, 9\.2\.3, so the rest of 9\.2\.x was skipped/);
    expect(skipped).toMatchObject({ behaviorClose: 'NOT PLAYED', durationMs: 0, wire: [] });
  });

  it('floods messages: the case fails at 10,000 events, with a bounded wire log', { timeout: 30_000 }, async () => {
    const port = await misbehaving('flood-messages');
    const { report } = await grade(`ws://127.0.0.1:${port}/`, '1.1.1', { concurrency: 1 });
    const [c] = report.cases;
    expect(c!.behavior).toBe('FAILED');
    expect(c!.result).toMatch(/more than 10000 messages in one case \(a flood\)/);
    expect(c!.wire.length).toBeLessThanOrEqual(302);
    expect(c!.wire.some((e) => e.kind === 'event' && /more entries not kept/.test(e.text))).toBe(true);
  });

  it('declares a 2^62-byte frame: refused from its length (1009), no byte of it is waited for', { timeout: 30_000 }, async () => {
    const port = await misbehaving('flood-one-frame');
    const { report } = await grade(`ws://127.0.0.1:${port}/`, '1.1.1', { concurrency: 1 });
    const [c] = report.cases;
    expect(c!.behavior).toBe('FAILED');
    const frame = c!.wire.find((e) => e.kind === 'frame' && e.direction === 'server-to-client');
    expect(frame).toMatchObject({ kind: 'frame', fault: { rule: 'payload-too-large', offset: 1 } });
  });
});

describe('what a student reads', () => {
  it('a server that dies in the middle of a frame: the result says the stream ended inside a frame, and how much was missing', { timeout: 30_000 }, async () => {
    const port = await misbehaving('crash-mid-frame');
    const { report } = await grade(`ws://127.0.0.1:${port}/`, '1.1.1', { concurrency: 1 });
    const [c] = report.cases;
    expect(c!.behavior).toBe('FAILED');
    expect(c!.result).toContain("The server's stream ended in the middle of a frame (3 bytes of it had arrived, 17 more were needed), with no close frame: it closed TCP, or crashed, while sending.");
    expect(c!.wire.at(-1)).toMatchObject({ kind: 'bytes', bytes: '811265', note: 'the stream ended in the middle of this frame (17 more bytes were needed)' });
  });

  it('the grader closing a case on its own deadline is said in words, not as killAfter', { timeout: 30_000 }, async () => {
    const port = await misbehaving('stop-reading');
    const { report } = await grade(`ws://127.0.0.1:${port}/`, '3.1', { concurrency: 1 });
    const [c] = report.cases;
    expect(c!.result).not.toMatch(/killAfter|Notes:/);
    expect(c!.wire.some((e) => e.kind === 'event' && e.text === '1 s passed and the connection is still open: the grader closes it')).toBe(true);
  });
});

describe('a server that goes away in the middle of a run', () => {
  let server: FramescopeServer | null = null;
  afterAll(async () => {
    await server?.close({ timeout: 200 });
  });

  it('crashes: "server unreachable from case N on", and the run ends', { timeout: 60_000 }, async () => {
    server = createFramescopeServer({ quiet: true });
    const { port } = await server.listen(0, '127.0.0.1');
    const running = server;
    let closed = false;
    const { report, stopped } = await grade(`ws://127.0.0.1:${port}/echo`, '1.*,2.*,3.*,4.*', {
      concurrency: 1,
      onCase: (c) => {
        if (c.id === '1.1.4' && !closed) {
          closed = true;
          void running.close({ timeout: 50 });
        }
      },
    });
    expect(stopped).toBe('server unreachable from case 1.1.5 on');
    expect(report.cases.slice(0, 4).map((c) => c.behavior)).toEqual(['OK', 'OK', 'OK', 'OK']);
    expect(report.cases[4]).toMatchObject({ id: '1.1.5', behavior: 'NOT PLAYED', result: 'Not played: the server refused TCP when this case began (it had stopped, or crashed).' });
    expect(report.cases.slice(5).every((c) => c.behavior === 'NOT PLAYED' && c.result === 'Not played: server unreachable from case 1.1.5 on.')).toBe(true);
    expect(report.summary.FAILED).toBe(0);
    expect(report.cases).toHaveLength(44);
  });

  it('crashes with cases playing at once: "unreachable from" names the earliest case that met the refused TCP, never a later one', { timeout: 60_000 }, async () => {
    const crashing = createFramescopeServer({ quiet: true });
    const { port } = await crashing.listen(0, '127.0.0.1');
    let closed = false;
    const { report, stopped } = await grade(`ws://127.0.0.1:${port}/echo`, '1.*,2.*,3.*,4.*', {
      concurrency: 4,
      onCase: (c) => {
        if (c.id === '1.1.4' && !closed) {
          closed = true;
          void crashing.close({ timeout: 0 });
        }
      },
    });
    const index = (id: string): number => report.cases.findIndex((c) => c.id === id);
    const from = /^server unreachable from case (\S+) on$/.exec(stopped ?? '')?.[1];
    expect(from, String(stopped)).toBeDefined();
    const refused = report.cases.filter((c) => c.result.startsWith('Not played: the server refused TCP'));
    expect(refused.map((c) => c.id)).toContain(from);
    for (const c of refused) expect(index(c.id)).toBeGreaterThanOrEqual(index(from!));
    for (const c of report.cases.filter((x) => x.result === `Not played: server unreachable from case ${from} on.`)) expect(index(c.id)).toBeGreaterThan(index(from!));
  });

  it('restarts: the case that met the refused connection is played again, and the run goes on', { timeout: 60_000 }, async () => {
    let current = createFramescopeServer({ quiet: true });
    const { port } = await current.listen(0, '127.0.0.1');
    let restarted = false;
    const { report, stopped } = await grade(`ws://127.0.0.1:${port}/echo`, '1.1.*,2.*', {
      concurrency: 1,
      onCase: (c) => {
        if (c.id !== '1.1.3' || restarted) return;
        restarted = true;
        void current.close({ timeout: 50 }).then(() =>
          setTimeout(() => {
            current = createFramescopeServer({ quiet: true });
            void current.listen(port, '127.0.0.1');
          }, 400),
        );
      },
    });
    server = current;
    expect(stopped).toBeNull();
    expect(report.summary.FAILED).toBe(0);
    expect(report.summary.OK).toBe(19);
  });
});
