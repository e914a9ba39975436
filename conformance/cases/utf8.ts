/** Autobahn's section 6 (UTF-8 Handling), mirrored from case6_*.py, and ours on long payloads (x.6). */
import { bytes, CLOSE_INVALID_PAYLOAD, hex, type CaseState, type FuzzCase } from '../case.ts';
import { failsWith, msg, normalClose, serverFails, THEN_CLOSE, timeout } from './helpers.ts';
import { firstInvalidByte, KOSME, utf8Sequences } from './utf8-sequences.ts';

const UTF8 = '"When an endpoint is to interpret a byte stream as UTF-8 but finds that the byte stream is not, in fact, a valid UTF-8 stream, that endpoint MUST _Fail the WebSocket Connection_" (RFC 6455 §8.1)';

const cases: FuzzCase[] = [];

// ---- 6 UTF-8 Handling -----------------------------------------------------------------------

cases.push({
  id: '6.1.1',
  description: 'Send text message of length 0.',
  expectation: `An empty text message comes back (RFC 6455 §5.6); ${THEN_CLOSE}.`,
  onOpen(p, c) {
    c.expected.OK = [msg('')];
    normalClose(c);
    p.sendFrame({ opcode: 1, payload: '' });
    p.closeAfter(1);
  },
});
cases.push({
  id: '6.1.2',
  description: 'Send fragmented text message, 3 fragments each of length 0.',
  expectation: `One empty text message: empty fragments are still fragments (RFC 6455 §5.4); ${THEN_CLOSE}.`,
  onOpen(p, c) {
    c.expected.OK = [msg('')];
    normalClose(c);
    p.sendFrame({ opcode: 1, fin: false, payload: '' });
    p.sendFrame({ opcode: 0, fin: false, payload: '' });
    p.sendFrame({ opcode: 0, fin: true, payload: '' });
    p.closeAfter(1);
  },
});
cases.push({
  id: '6.1.3',
  description: 'Send fragmented text message, 3 fragments, first and last of length 0, middle non-empty.',
  expectation: `One text message, "middle frame payload" (RFC 6455 §5.4); ${THEN_CLOSE}.`,
  onOpen(p, c) {
    c.expected.OK = [msg('middle frame payload')];
    normalClose(c);
    p.sendFrame({ opcode: 1, fin: false, payload: '' });
    p.sendFrame({ opcode: 0, fin: false, payload: 'middle frame payload' });
    p.sendFrame({ opcode: 0, fin: true, payload: '' });
    p.closeAfter(1);
  },
});
const HELLO = 'Hello-µ@ßöäüàá-UTF-8!!';
cases.push({
  id: '6.2.1',
  description: 'Send a valid UTF-8 text message in one fragment.',
  expectation: `The same text message, its multi-byte characters intact (RFC 6455 §5.6); ${THEN_CLOSE}.`,
  onOpen(p, c) {
    c.expected.OK = [msg(HELLO)];
    normalClose(c);
    p.sendMessage(HELLO, false);
    p.closeAfter(1);
  },
});
cases.push({
  id: '6.2.2',
  description: 'Send a valid UTF-8 text message in two fragments, fragmented on UTF-8 code point boundary.',
  expectation: `One text message, the two fragments joined (RFC 6455 §5.4, §5.6); ${THEN_CLOSE}.`,
  onOpen(p, c) {
    c.expected.OK = [msg('Hello-µ@ßöäüàá-UTF-8!!')];
    normalClose(c);
    p.sendFrame({ opcode: 1, fin: false, payload: 'Hello-µ@ßöä' });
    p.sendFrame({ opcode: 0, fin: true, payload: 'üàá-UTF-8!!' });
    p.closeAfter(1);
  },
});
for (const [id, payload] of [['6.2.3', bytes(HELLO)], ['6.2.4', KOSME]] as const) {
  cases.push({
    id,
    description: 'Send a valid UTF-8 text message in fragments of 1 octet, resulting in frames ending on positions which are not code point ends.',
    expectation: `One text message: a character split across fragments is valid once the message is joined, so a validator must not judge a fragment alone (RFC 6455 §5.6, §8.1); ${THEN_CLOSE}.`,
    onOpen(p, c) {
      c.expected.OK = [msg(payload)];
      normalClose(c);
      p.sendMessage(payload, false, 1);
      p.closeAfter(1);
    },
  });
}
const INVALID_631 = Buffer.concat([KOSME, hex('eda080'), hex('656469746564')]);
cases.push({
  id: '6.3.1',
  description: 'Send invalid UTF-8 text message unfragmented.',
  expectation: failsWith(`the text holds 0xED 0xA0 0x80, a UTF-16 surrogate, which is not UTF-8: ${UTF8}`, 1007),
  onOpen(p, c) {
    c.expected.OK = [];
    serverFails(c, CLOSE_INVALID_PAYLOAD, true);
    p.sendMessage(INVALID_631, false);
    p.killAfter(1);
  },
});
cases.push({
  id: '6.3.2',
  description: 'Send invalid UTF-8 text message in fragments of 1 octet, resulting in frames ending on positions which are not code point ends.',
  expectation: failsWith(`the text (in 1-byte fragments) holds a UTF-16 surrogate, which is not UTF-8: ${UTF8}`, 1007),
  onOpen(p, c) {
    c.expected.OK = [];
    serverFails(c, CLOSE_INVALID_PAYLOAD, true);
    p.sendMessage(INVALID_631, false, 1);
    p.killAfter(1);
  },
});
// 6.4.x: fail fast. PART2 makes the sequence invalid (0xf4 0x90: above U+10FFFF at its 2nd byte).
const P1 = KOSME;
const P2 = hex('f4908080');
const P3 = hex('656469746564');
const P641 = Buffer.concat([P1, P2, P3]);
const failFast = (c: CaseState): void => {
  c.expected.OK = [timeout('A')];
  c.expected['NON-STRICT'] = [timeout('A'), timeout('B')];
  serverFails(c, CLOSE_INVALID_PAYLOAD, true);
};
for (const [id, parts, asFrames] of [
  ['6.4.1', [P1, P2, P3], true],
  ['6.4.2', [P641.subarray(0, 12), P641.subarray(12, 13), P641.subarray(13)], true],
  ['6.4.3', [P1, P2, P3], false],
  ['6.4.4', [P641.subarray(0, 12), P641.subarray(12, 13), P641.subarray(13)], false],
] as const) {
  cases.push({
    id,
    description: asFrames
      ? 'Send invalid UTF-8 text message in 3 fragments (frames): the 2nd makes it invalid; it must be rejected before the 3rd (fail fast).'
      : 'Send invalid UTF-8 text message as 3 chops of one frame: the 2nd chop makes it invalid; it must be rejected before the 3rd (fail fast).',
    expectation: `The server fails the connection with 1007 as soon as the second part arrives, since no byte that follows can make the text valid: ${UTF8} (lenient: at the end of the message, after the third part).`,
    needs: 3500,
    onOpen(p, c) {
      failFast(c);
      const total = parts.reduce((n, x) => n + x.length, 0);
      if (asFrames) p.sendFrame({ opcode: 1, fin: false, payload: parts[0] });
      else {
        p.beginMessage();
        p.beginMessageFrame(total);
        p.sendMessageFrameData(parts[0]);
      }
      p.continueLater(
        1,
        () => {
          if (p.state !== 'OPEN') return;
          c.received.push(timeout('A'));
          if (asFrames) p.sendFrame({ opcode: 0, fin: false, payload: parts[1] });
          else p.sendMessageFrameData(parts[1]);
          p.continueLater(
            1,
            () => {
              if (p.state !== 'OPEN') return;
              c.received.push(timeout('B'));
              if (asFrames) p.sendFrame({ opcode: 0, fin: true, payload: parts[2] });
              else {
                p.sendMessageFrameData(parts[2]);
                p.endMessage();
              }
              p.killAfter(1);
            },
            'B',
          );
        },
        'A',
      );
    },
  });
}

utf8Sequences().forEach(([category, list], i) => {
  list.forEach(([valid, payload], j) => {
    cases.push({
      id: `6.${i + 5}.${j + 1}`,
      description: `${category}: ${valid ? 'valid' : 'invalid'} UTF-8 in one frame: 0x${payload.toString('hex')}`,
      expectation: valid
        ? `The same text message comes back: these bytes are valid UTF-8 (RFC 3629), so a valid text payload (RFC 6455 §5.6); ${THEN_CLOSE}.`
        : failsWith(`these bytes are not valid UTF-8 (RFC 3629): ${UTF8}`, 1007),
      onOpen(p, c) {
        if (valid) {
          c.expected.OK = [msg(payload)];
          normalClose(c);
        } else {
          c.expected.OK = [];
          serverFails(c, CLOSE_INVALID_PAYLOAD, true);
        }
        p.sendMessage(payload, false);
        p.killAfter(0.5);
      },
    });
  });
});

// ---- x Beyond Autobahn: UTF-8 in long payloads ----------------------------------------------
// Autobahn's 6.x payloads are short; a validator may take another path on long ones (an ASCII fast
// path, word at a time). The same rules, with the sequences after long runs of ASCII and split
// across reads at every kind of boundary.

const ascii = (n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => 0x20 + (i % 90)));
const mixed = (n: number): Buffer => {
  const parts: Buffer[] = [];
  let length = 0;
  for (let i = 0; length < n; i++) {
    const piece = i % 5 === 4 ? bytes(['é', '€', '😀', 'κόσμε', '\u{10ffff}'][i % 5 === 4 ? (i / 5) % 5 | 0 : 0]!) : ascii(1 + ((i * 37) % 300));
    parts.push(piece);
    length += piece.length;
  }
  return Buffer.concat(parts);
};
[
  ['300 bytes of ASCII, then a lone continuation byte', Buffer.concat([ascii(300), hex('80'), ascii(700)])],
  ['1000 bytes of ASCII, then a surrogate', Buffer.concat([ascii(1000), hex('eda080'), ascii(500)])],
  ['4093 bytes of ASCII, then U+110000', Buffer.concat([ascii(4093), hex('f4908080'), ascii(100)])],
  ['mixed text, then an overlong NUL', Buffer.concat([mixed(2000), hex('c080'), mixed(300)])],
].forEach(([what, payload], i) => {
  const bad = firstInvalidByte(payload as Buffer);
  cases.push({
    id: `x.6.${i + 1}`,
    description: `Fail fast in a long text frame: ${what as string}; the frame's first part ends at the bad byte, the rest comes 0.5 s later.`,
    expectation: `The server fails the connection with 1007 before the rest of the frame arrives: ${UTF8} (lenient: once the frame is complete).`,
    needs: 2000,
    onOpen(p, c) {
      const data = payload as Buffer;
      c.expected.OK = [];
      c.expected['NON-STRICT'] = [timeout('A')];
      serverFails(c, CLOSE_INVALID_PAYLOAD, true);
      p.beginMessage();
      p.beginMessageFrame(data.length);
      // In pieces of 97 bytes, so the bad byte falls at some offset inside a read.
      for (let at = 0; at <= bad; at += 97) p.sendMessageFrameData(data.subarray(at, Math.min(at + 97, bad + 1)));
      p.continueLater(0.5, () => {
        if (p.state !== 'OPEN') return;
        c.received.push(timeout('A'));
        p.sendMessageFrameData(data.subarray(bad + 1));
        p.killAfter(1);
      }, 'A');
    },
  });
});
[1000, 65536, 300_000].forEach((n, i) => {
  const data = mixed(n);
  cases.push({
    id: `x.6.${5 + i}`,
    description: `A valid ${data.length}-byte text message of ASCII runs and 2-, 3- and 4-byte characters, in chops of ${[1, 7, 1000][i]} bytes: echoed.`,
    expectation: `The same text message comes back (RFC 6455 §5.6, §8.1); ${THEN_CLOSE}.`,
    bigMessage: data.length >= 65536,
    onOpen(p, c) {
      c.expected.OK = [msg(data)];
      normalClose(c);
      p.sendFrame({ opcode: 1, payload: data, chopsize: [1, 7, 1000][i] });
      p.killAfter(5);
    },
  });
});

export const UTF8_CASES: readonly FuzzCase[] = cases;
