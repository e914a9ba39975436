/**
 * Ours, beyond Autobahn (x.1): TCP is a byte stream, and a server reads whatever has arrived. A
 * frame split across reads at each place a hand-written parser trips (inside the 2-byte header,
 * the extended length, the masking key, the payload), with a pause between the pieces long enough
 * that they arrive as separate reads; several frames, and a frame and a close, in one write.
 * Autobahn's chopped cases (1.1.8, 2.6, 5.5, ...) write without pauses, so the pieces may merge;
 * these do not.
 */
import { encodeFrame, randomMaskingKey } from '../../src/protocol/index.ts';
import type { FuzzCase } from '../case.ts';
import { msg, normalClose, THEN_CLOSE } from './helpers.ts';

const GAP_MS = 200;
const STREAM = 'TCP delivers a stream of bytes, not frames: a frame may arrive in any number of reads, and one read may hold several frames (RFC 6455 §5.2 frames are read from that stream)';

const frame = (text: string, opcode = 1): Buffer => Buffer.from(encodeFrame({ opcode, payload: Buffer.from(text), maskingKey: randomMaskingKey() }));
const split = (data: Buffer, at: readonly number[]): Buffer[] => {
  const out: Buffer[] = [];
  let from = 0;
  for (const to of [...at, data.length]) {
    out.push(data.subarray(from, to));
    from = to;
  }
  return out;
};

function splitCase(id: string, description: string, text: string, cuts: (data: Buffer) => number[]): FuzzCase {
  return {
    id,
    description: `${description}, ${GAP_MS} ms between the pieces.`,
    expectation: `The message comes back whole: ${STREAM}; ${THEN_CLOSE}.`,
    bigMessage: text.length >= 65536,
    onOpen(p, c) {
      const data = frame(text);
      c.expected.OK = [msg(text)];
      normalClose(c);
      p.sendPieces(split(data, cuts(data)), GAP_MS, () => p.killAfter(text.length >= 65536 ? 5 : 1));
    },
  };
}

export const READS_CASES: readonly FuzzCase[] = [
  splitCase('x.1.1', 'A 5-byte text frame whose first 2 bytes (FIN, opcode, MASK, length) arrive alone, then the masking key and payload', 'Hello', () => [2]),
  splitCase('x.1.2', 'A 13-byte text frame cut inside its masking key, then inside its payload', 'Hello, world!', () => [4, 9]),
  splitCase('x.1.3', 'A 300-byte text frame cut inside its 16-bit extended payload length', '*'.repeat(300), () => [3]),
  splitCase('x.1.4', 'A 70,000-byte text frame cut inside its 64-bit extended payload length, then in the middle of its payload', '*'.repeat(70_000), (d) => [6, (d.length >> 1) + 3]),
  {
    id: 'x.1.5',
    description: 'Three small text frames in one TCP write.',
    expectation: `Three text messages back, in order: ${STREAM}; ${THEN_CLOSE}.`,
    onOpen(p, c) {
      c.expected.OK = [msg('one'), msg('two'), msg('three')];
      normalClose(c);
      p.sendTogether([{ opcode: 1, payload: 'one' }, { opcode: 1, payload: 'two' }, { opcode: 1, payload: 'three' }]);
      p.killAfter(1);
    },
  },
  {
    id: 'x.1.6',
    description: 'A text frame and a close frame in one TCP write.',
    expectation: `The message comes back, then a close frame (1000) answers the close, and the server closes TCP: ${STREAM} (RFC 6455 §5.5.1).`,
    onOpen(p, c) {
      c.suppressClose = true;
      c.expected.OK = [msg('last words')];
      normalClose(c);
      p.sendTogether([{ opcode: 1, payload: 'last words' }], 1000);
      p.killAfter(1);
    },
  },
];
