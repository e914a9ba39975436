/** Autobahn's section 1 (Framing) and 2 (Pings/Pongs), mirrored from case1_*.py and case2_*.py. */
import { hex, CLOSE_NORMAL, type Bytes, type FuzzCase } from '../case.ts';
import { fe, failsWith, msg, normalClose, pong, serverFails, THEN_CLOSE, times } from './helpers.ts';

const framing: FuzzCase[] = [];
const lengths = [0, 125, 126, 127, 128, 65535, 65536];
const form = (n: number): string => (n < 126 ? 'the 7-bit length' : n < 65536 ? 'the 16-bit extended length' : 'the 64-bit extended length');

for (const [binary, sub] of [[false, 1], [true, 2]] as const) {
  const kind = binary ? 'binary' : 'text';
  lengths.forEach((n, i) => {
    framing.push({
      id: `1.${sub}.${i + 1}`,
      description: `Send ${kind} message with payload of length ${n}.`,
      expectation: `The same ${kind} message comes back, its ${n}-byte length in ${form(n)} form, the shortest that holds it (RFC 6455 §5.2); ${THEN_CLOSE}.`,
      bigMessage: n >= 65536,
      onOpen(p, c) {
        const payload = binary ? fe(n) : times('*', n);
        c.expected.OK = [msg(payload, binary)];
        normalClose(c);
        p.sendFrame({ opcode: binary ? 2 : 1, payload });
        p.killAfter(n >= 65535 ? 10 : 1);
      },
    });
  });
  framing.push({
    id: `1.${sub}.8`,
    description: `Send ${kind} message with payload of length 65536. Sent out data in chops of 997 octets.`,
    expectation: `The same 65536-byte ${kind} message comes back, though it arrived in 67 TCP writes: TCP is a byte stream, not a message stream (RFC 6455 §5.2, §5.6); ${THEN_CLOSE}.`,
    bigMessage: true,
    onOpen(p, c) {
      const payload = binary ? fe(65536) : times('*', 65536);
      c.expected.OK = [msg(payload, binary)];
      normalClose(c);
      p.sendFrame({ opcode: binary ? 2 : 1, payload, chopsize: 997 });
      p.killAfter(10);
    },
  });
}

const pings: FuzzCase[] = [];
const pingCase = (id: string, description: string, payload: Bytes, chopsize?: number, after = 1): void => {
  pings.push({
    id,
    description,
    expectation: `A pong (opcode 0xA) with exactly the ping's payload: "A Pong frame sent in response to a Ping frame must have identical "Application data" as found in the message body of the Ping frame being replied to" (RFC 6455 §5.5.3); ${THEN_CLOSE}.`,
    onOpen(p, c) {
      c.expected.OK = [pong(payload)];
      normalClose(c);
      p.sendFrame({ opcode: 9, payload, ...(chopsize ? { chopsize } : {}) });
      p.closeAfter(after);
    },
  });
};
pingCase('2.1', 'Send ping without payload.', '');
pingCase('2.2', 'Send ping with small text payload.', 'Hello, world!');
pingCase('2.3', 'Send ping with small binary (non UTF-8) payload.', hex('00fffefdfcfb00ff'));
pingCase('2.4', 'Send ping with binary payload of 125 octets.', fe(125));
pings.push({
  id: '2.5',
  description: 'Send ping with binary payload of 126 octets.',
  expectation: failsWith('"All control frames MUST have a payload length of 125 bytes or less" (RFC 6455 §5.5), and this ping has 126'),
  onOpen(p, c) {
    c.expected.OK = [];
    serverFails(c);
    p.sendFrame({ opcode: 9, payload: fe(126) });
    p.killAfter(1);
  },
});
pingCase('2.6', 'Send ping with binary payload of 125 octets, send in octet-wise chops.', fe(125), 1, 2);
for (const [id, payload] of [['2.7', ''], ['2.8', 'unsolicited pong payload']] as const) {
  pings.push({
    id,
    description: `Send unsolicited pong ${payload === '' ? 'without' : 'with'} payload. Verify nothing is received. Clean close with normal code.`,
    expectation: `Nothing: "A Pong frame MAY be sent unsolicited ... A response to an unsolicited Pong frame is not expected" (RFC 6455 §5.5.3); ${THEN_CLOSE}.`,
    onOpen(p, c) {
      c.expected.OK = [];
      normalClose(c);
      p.sendFrame({ opcode: 10, payload });
      p.sendClose(CLOSE_NORMAL);
      p.closeAfter(1);
    },
  });
}
pings.push({
  id: '2.9',
  description: 'Send unsolicited pong with payload. Send ping with payload. Verify pong for ping is received.',
  expectation: `Only the pong for the ping, with the ping's payload; the unsolicited pong gets no answer (RFC 6455 §5.5.3); ${THEN_CLOSE}.`,
  onOpen(p, c) {
    c.expected.OK = [pong('ping payload')];
    normalClose(c);
    p.sendFrame({ opcode: 10, payload: 'unsolicited pong payload' });
    p.sendFrame({ opcode: 9, payload: 'ping payload' });
    p.closeAfter(1);
  },
});
for (const [id, chopsize] of [['2.10', 0], ['2.11', 1]] as const) {
  pings.push({
    id,
    description: `Send 10 Pings with payload.${chopsize ? ' Send out octets in octet-wise chops.' : ''}`,
    expectation: `Ten pongs, in order, each with its ping's payload (RFC 6455 §5.5.2, §5.5.3)${chopsize ? ', though every byte came in its own TCP write' : ', though the ten pings may arrive in one TCP read'}; ${THEN_CLOSE}.`,
    onOpen(p, c) {
      c.expected.OK = [];
      for (let i = 0; i < 10; i++) {
        const payload = `payload-${i}`;
        c.expected.OK.push(pong(payload));
        p.sendFrame({ opcode: 9, payload, ...(chopsize ? { chopsize } : {}) });
      }
      normalClose(c);
      p.closeAfter(3);
    },
  });
}

export const FRAMING_CASES: readonly FuzzCase[] = [...framing, ...pings];
