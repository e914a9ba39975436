/**
 * RFC 7692 §7.2.3's examples, byte for byte, both ways: the frames a server sends for "Hello"
 * (with and without context takeover) and what a receiver makes of each example, on the
 * server's own asynchronous node:zlib engines and on synchronous ones.
 */
import { describe, expect, test } from 'vitest';
import { decodeFrames, DEFLATE_TAIL, stripTail, withTail } from '../../src/protocol';
import { hex } from '../protocol/helpers';
import { deflateConnection, hexOf, text } from './helpers';

/** §7.2.3.1: "Hello" compressed in one compressed DEFLATE block. */
const HELLO = 'c1 07 f2 48 cd c9 c9 07 00';
/** §7.2.3.2: the same message again, with the first one still in the window. */
const HELLO_AGAIN = 'c1 05 f2 00 11 00 00';

describe('RFC 7692 §7.2.3: what a sender writes', () => {
  test.each(['async', 'sync'] as const)('§7.2.3.1 and §7.2.3.2: "Hello" twice with context takeover (%s engines)', async (engines) => {
    const server = deflateConnection('server', {}, { engines });
    server.conn.send('Hello');
    expect(hexOf((await server.settle()).out)).toBe(HELLO);
    server.conn.send('Hello');
    // "Note that the header bits of the DEFLATE block ... the second message refers to the first".
    expect(hexOf((await server.settle()).out)).toBe(HELLO_AGAIN);
  });

  test('§7.2.3.2, without context takeover (server_no_context_takeover): the second "Hello" is compressed afresh', async () => {
    const server = deflateConnection('server', { serverNoContextTakeover: true });
    server.conn.send('Hello');
    server.conn.send('Hello');
    expect(hexOf((await server.settle()).out)).toBe(`${HELLO} ${HELLO}`);
  });

  test('§7.2.3.6: an empty message is one byte, 0x00 (an empty stored block\u2019s header)', async () => {
    const server = deflateConnection('server');
    server.conn.send('');
    expect(hexOf((await server.settle()).out)).toBe('c1 01 00');
  });

  test('under the threshold a message goes uncompressed, RSV1 0', async () => {
    const server = deflateConnection('server', {}, { threshold: 6 });
    server.conn.send('Hello');
    server.conn.send('Hello!');
    const out = (await server.settle()).out;
    expect(hexOf(out.subarray(0, 7))).toBe('81 05 48 65 6c 6c 6f');
    const second = decodeFrames(out.subarray(7), { perMessageCompressed: true }).frames;
    expect(second.map((f) => [f.rsv1, f.opcode])).toEqual([[true, 0x1]]);
    const client = deflateConnection('client');
    const { events } = await client.receive(out.subarray(7));
    const message = events.find((e) => e.kind === 'message');
    expect(message?.kind === 'message' && new TextDecoder().decode(message.data)).toBe('Hello!');
  });

  test('a compressed message in fragments: RSV1 on the first only, the compressed bytes cut in order', async () => {
    const server = deflateConnection('server');
    server.conn.sendMessage(text('Hello'), false, 2);
    // The same seven bytes as §7.2.3.1, in two frames (§7.2.3.1's fragmented form cuts them 3 + 4).
    expect(hexOf((await server.settle()).out)).toBe('41 04 f2 48 cd c9 80 03 c9 07 00');
  });

  test('the tail: taken off (§7.2.1 step 3), put back (§7.2.2 step 1)', () => {
    expect(hexOf(stripTail(hex('f2 48 cd c9 c9 07 00 00 00 ff ff')))).toBe('f2 48 cd c9 c9 07 00');
    expect(hexOf(withTail(hex('f2 48 cd c9 c9 07 00')))).toBe('f2 48 cd c9 c9 07 00 00 00 ff ff');
    expect([...DEFLATE_TAIL]).toEqual([0x00, 0x00, 0xff, 0xff]);
  });
});

const RECEIVED: [string, string, string][] = [
  ['§7.2.3.1, one compressed DEFLATE block', HELLO, 'Hello'],
  ['§7.2.3.1, fragmented', '41 03 f2 48 cd 80 04 c9 c9 07 00', 'Hello'],
  ['§7.2.3.3, a DEFLATE block with no compression', 'c1 0b 00 05 00 fa ff 48 65 6c 6c 6f 00', 'Hello'],
  ['§7.2.3.4, a DEFLATE block with BFINAL set to 1', 'c1 08 f3 48 cd c9 c9 07 00 00', 'Hello'],
  ['§7.2.3.5, two DEFLATE blocks in one message', 'c1 0d f2 48 05 00 00 00 ff ff ca c9 c9 07 00', 'Hello'],
  ['§7.2.3.6, an empty fragment (the 0x00 block)', 'c1 01 00', ''],
];

describe('RFC 7692 §7.2.3: what a receiver makes of each example', () => {
  for (const engines of ['async', 'sync'] as const) {
    test.each(RECEIVED)(`%s (${engines} engines)`, async (_name, frames, expected) => {
      const client = deflateConnection('client', {}, { engines });
      const { events } = await client.receive(hex(frames));
      const messages = events.filter((e) => e.kind === 'message');
      expect(messages).toHaveLength(1);
      expect(new TextDecoder().decode(messages[0]!.kind === 'message' ? messages[0]!.data : undefined)).toBe(expected);
      expect(messages[0]).toMatchObject({ compressed: { wireLength: decodeFrames(hex(frames), { perMessageCompressed: true }).frames.reduce((n, f) => n + f.payloadLength, 0) } });
      expect(events.some((e) => e.kind === 'fault')).toBe(false);
    });

    test(`§7.2.3.2: the second "Hello" inflates only with the first in the window (${engines} engines)`, async () => {
      const client = deflateConnection('client', {}, { engines });
      const { events } = await client.receive(hex(`${HELLO} ${HELLO_AGAIN}`));
      expect(events.filter((e) => e.kind === 'message').map((e) => (e.kind === 'message' ? new TextDecoder().decode(e.data) : ''))).toEqual(['Hello', 'Hello']);
    });

    test(`§7.2.3.4 then another message: the stream that BFINAL ended starts again (${engines} engines)`, async () => {
      const client = deflateConnection('client', {}, { engines });
      const { events } = await client.receive(hex(`c1 08 f3 48 cd c9 c9 07 00 00 ${HELLO}`));
      expect(events.filter((e) => e.kind === 'message')).toHaveLength(2);
    });
  }
});
