/**
 * Hostile bytes: random garbage after the handshake, garbage as the handshake, huge and numerous
 * headers, absurd declared lengths (2^62, 2^63, 2^53 + 1, just over the limit). Every bad client
 * gets a clear refusal (an HTTP status with a reason, or a close frame with the RFC's code) and
 * its TCP connection closed by the server; the server never crashes and allocates nothing for
 * lengths it refuses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChildServer, frame, header, MiB, noise, Raw, sleep, upgradeHead } from './helpers';

let server: ChildServer;
beforeAll(async () => {
  server = await ChildServer.start({ handshakeTimeout: 1000, closeTimeout: 500 });
});
afterAll(() => server.stop());

/** A well-formed HTTP/1.1 refusal: status line, headers, a body of exactly Content-Length bytes naming the reason. */
function expectRefusal(raw: Raw, statuses: number[]): void {
  expect(raw.head, 'an HTTP response').not.toBeNull();
  expect(raw.head!).toMatch(/^HTTP\/1\.1 \d{3} [^\r\n]+\r\n([!#$%&'*+.^_`|~0-9A-Za-z-]+: [^\r\n]*\r\n)*\r\n$/);
  expect(statuses).toContain(raw.status);
  const length = /\r\ncontent-length: (\d+)\r\n/i.exec(raw.head!);
  expect(length, 'Content-Length').not.toBeNull();
  expect(raw.body.length).toBe(Number(length![1]));
  expect(raw.body.length).toBeGreaterThan(0);
}

describe('garbage after the handshake', () => {
  it('64 seeds of 4 KiB random bytes: each connection is failed with a protocol code, or ends when the client does; the server lives', async () => {
    const codes = new Map<number | string, number>();
    await Promise.all(
      Array.from({ length: 64 }, async (_, seed) => {
        const raw = await Raw.open(server.port);
        raw.write(noise(4096, seed + 1));
        // Give the server a moment to answer, then stop sending (FIN) in case the noise still looks like an unfinished frame.
        await sleep(100);
        if (!raw.closed) raw.socket.end();
        await raw.ended(3000);
        const key = raw.close?.code ?? 'no close frame';
        codes.set(key, (codes.get(key) ?? 0) + 1);
        expect(raw.frames.every((f) => !f.masked && f.rsv === 0)).toBe(true);
        if (raw.close) expect([1002, 1007, 1009]).toContain(raw.close.code);
      }),
    );
    // Most noise breaks a rule at once (RSV bits, an unmasked frame, a reserved opcode): 1002.
    expect(codes.get(1002) ?? 0).toBeGreaterThan(40);
    expect(await server.alive()).toBe(true);
  });

  it('a valid frame, then garbage: the echo comes first, then the close with 1002', async () => {
    const raw = await Raw.open(server.port);
    raw.write(Buffer.concat([frame(1, 'first'), Buffer.from([0xff, 0xff, 0xff, 0xff])]));
    await raw.ended(3000);
    expect(raw.frames[0]!.payload.toString()).toBe('first');
    expect(raw.close?.code).toBe(1002);
    expect(raw.fin || raw.reset).toBe(true);
  });
});

describe('garbage as the handshake', () => {
  const cases: [string, Buffer | string, number[]][] = [
    ['random bytes', noise(512, 7), [400]],
    ['a TLS ClientHello', Buffer.from('160301020001000200303' + '0'.repeat(80), 'hex'), [400]],
    ['NUL bytes', Buffer.alloc(64), [400]],
    ['HTTP/0.9 (node reads it as a plain GET of /echo)', 'GET /echo\r\n\r\n', [400, 426, 505]],
    ['an unknown HTTP version', 'GET /echo HTTP/3.7\r\nHost: x\r\n\r\n', [400, 505]],
    ['a header line without a colon', 'GET /echo HTTP/1.1\r\nHost x\r\n\r\n', [400]],
    ['a header with a NUL in its value', 'GET /echo HTTP/1.1\r\nHost: a\u0000b\r\n\r\n', [400]],
    ['a request line of 64 KiB', `GET /${'a'.repeat(65536)} HTTP/1.1\r\nHost: x\r\n\r\n`, [400, 414, 431]],
    ['64 KiB of headers', `GET /echo HTTP/1.1\r\nHost: x\r\n${'X-Filler: ' + 'y'.repeat(1000) + '\r\n'}`.repeat(1) + `${'X-Pad: ' + 'z'.repeat(1000) + '\r\n'}`.repeat(64) + '\r\n', [431]],
    ['an upgrade with a bad key', 'GET /echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n\r\n', [400]],
    ['an upgrade for version 8', 'GET /echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n', [426]],
    ['an upgrade by POST', 'POST /echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n', [400, 405]],
    ['an upgrade over HTTP/1.0', 'GET /echo HTTP/1.0\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n', [400, 426, 505]],
    ['an upgrade to an unknown path', 'GET /nope HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n', [404]],
    ['two keys', 'GET /echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n', [400]],
  ];
  for (const [what, bytes, statuses] of cases) {
    it(`${what}: ${statuses.join(' or ')} with a reason, and the server closes TCP`, async () => {
      const raw = await Raw.connect(server.port);
      raw.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
      await raw.ended(3000);
      expectRefusal(raw, statuses);
      // Closed by the server: well within the handshake timeout, not by it.
      expect(raw.closedAt - raw.openedAt).toBeLessThan(900);
    });
  }

  it('only empty lines (ignored before a request line, RFC 9112 §2.2): 408 when the handshake timeout runs out', async () => {
    const raw = await Raw.connect(server.port);
    raw.write('\r\n\r\n\r\n');
    await raw.ended(3000);
    expectRefusal(raw, [408]);
    expect(raw.closedAt - raw.openedAt).toBeGreaterThan(900);
    expect(raw.closedAt - raw.openedAt).toBeLessThan(2500);
  });

  it('3,000 small headers (over node\'s count limit): an answer, never a hang', async () => {
    const raw = await Raw.connect(server.port);
    const many = Array.from({ length: 3000 }, (_, i) => `X-H${i}: v\r\n`).join('');
    raw.write(upgradeHead(server.port).replace('\r\n\r\n', `\r\n${many}\r\n`));
    await raw.until(() => raw.head !== null || raw.closed, 3000, 'an answer');
    expect(raw.head).not.toBeNull();
    expect([101, 400, 431]).toContain(raw.status);
    raw.destroy();
  });
});

describe('absurd declared lengths', () => {
  for (const [what, length, code] of [
    ['2^62 bytes', 1n << 62n, 1009],
    ['2^63 bytes (the most significant bit set)', 1n << 63n, 1002],
    ['2^64 - 1 bytes', (1n << 64n) - 1n, 1002],
    ['2^53 + 1 bytes (past exact doubles)', (1n << 53n) + 1n, 1009],
    ['16 MiB + 1 bytes (one over the limit)', BigInt(16 * MiB + 1), 1009],
  ] as const) {
    it(`a binary frame declaring ${what}: ${code} from the header, nothing allocated`, async () => {
      const before = await server.memory();
      const raw = await Raw.open(server.port);
      raw.write(Buffer.concat([header(2, length), Buffer.alloc(16)]));
      await raw.ended(3000);
      expect(raw.close?.code).toBe(code);
      expect(raw.close?.reason.length).toBeGreaterThan(0);
      const after = await server.memory();
      expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(MiB);
      expect(after.rss - before.rss).toBeLessThan(16 * MiB);
    });
  }

  it('200 connections each declaring a 16 MiB frame and sending 2 bytes of it: nothing is allocated ahead of the bytes', async () => {
    const before = await server.memory();
    const raws = await Promise.all(Array.from({ length: 200 }, () => Raw.open(server.port)));
    for (const r of raws) r.write(Buffer.concat([header(2, 16 * MiB), Buffer.alloc(2)]));
    await sleep(300);
    const during = await server.memory();
    expect(during.arrayBuffers - before.arrayBuffers).toBeLessThan(8 * MiB);
    expect(during.rss - before.rss).toBeLessThan(64 * MiB);
    for (const r of raws) r.destroy();
    await sleep(100);
    expect(await server.alive()).toBe(true);
  });
});
