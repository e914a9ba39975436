/** Autobahn's section 5 (Fragmentation) and 10 (Misc), mirrored from case5_*.py and case10_1_1.py. */
import type { FuzzCase } from '../case.ts';
import { failsWith, msg, normalClose, pong, serverFails, THEN_CLOSE } from './helpers.ts';

const CONTROL = '"Control frames themselves MUST NOT be fragmented" (RFC 6455 §5.4)';
const CONTINUATION = 'a continuation frame (opcode 0x0) with no fragmented message to continue breaks RFC 6455 §5.4';
const INTERLEAVED = '"The fragments of one message MUST NOT be interleaved between the fragments of another message" (RFC 6455 §5.4)';

const cases: FuzzCase[] = [];

for (const [id, opcode, name] of [['5.1', 9, 'Ping'], ['5.2', 10, 'Pong']] as const) {
  cases.push({
    id,
    description: `Send ${name} fragmented into 2 fragments.`,
    expectation: failsWith(`a ${name.toLowerCase()} with FIN=0: ${CONTROL}`),
    onOpen(p, c) {
      c.expected.OK = [];
      serverFails(c);
      p.sendFrame({ opcode, fin: false, payload: 'fragment1' });
      p.sendFrame({ opcode: 0, fin: true, payload: 'fragment2' });
      p.killAfter(1);
    },
  });
}
const modes = [
  ['', {}],
  [' Octets are sent in frame-wise chops.', { sync: true }],
  [' Octets are sent in octet-wise chops.', { chopsize: 1 }],
] as const;
modes.forEach(([words, how], i) => {
  cases.push({
    id: `5.${3 + i}`,
    description: `Send text Message fragmented into 2 fragments.${words}`,
    expectation: `One text message, "fragment1fragment2": the fragments joined (RFC 6455 §5.4); ${THEN_CLOSE}.`,
    onOpen(p, c) {
      c.expected.OK = [msg('fragment1fragment2')];
      normalClose(c);
      p.sendFrame({ opcode: 1, fin: false, payload: 'fragment1', ...how });
      p.sendFrame({ opcode: 0, fin: true, payload: 'fragment2', ...how });
      p.closeAfter(1);
    },
  });
  cases.push({
    id: `5.${6 + i}`,
    description: `Send text Message fragmented into 2 fragments, one ping with payload in-between.${words}`,
    expectation: `First the pong for the ping, then the whole message: "Control frames (see Section 5.5) MAY be injected in the middle of a fragmented message" (RFC 6455 §5.4); ${THEN_CLOSE}.`,
    onOpen(p, c) {
      c.expected.OK = [pong('ping payload'), msg('fragment1fragment2')];
      normalClose(c);
      p.sendFrame({ opcode: 1, fin: false, payload: 'fragment1', ...how });
      p.sendFrame({ opcode: 9, fin: true, payload: 'ping payload', ...how });
      p.sendFrame({ opcode: 0, fin: true, payload: 'fragment2', ...how });
      p.closeAfter(1);
    },
  });
  cases.push({
    id: `5.${9 + i}`,
    description: `Send unfragmented Text Message after Continuation Frame with FIN = true, where there is nothing to continue.${words}`,
    expectation: failsWith(CONTINUATION),
    onOpen(p, c) {
      c.expected.OK = [];
      serverFails(c);
      p.sendFrame({ opcode: 0, fin: true, payload: 'non-continuation payload', ...how });
      p.sendFrame({ opcode: 1, fin: true, payload: 'Hello, world!', ...how });
      p.killAfter(1);
    },
  });
  cases.push({
    id: `5.${12 + i}`,
    description: `Send unfragmented Text Message after Continuation Frame with FIN = false, where there is nothing to continue.${words}`,
    expectation: failsWith(CONTINUATION),
    onOpen(p, c) {
      c.expected.OK = [];
      serverFails(c);
      p.sendFrame({ opcode: 0, fin: false, payload: 'non-continuation payload', ...how });
      p.sendFrame({ opcode: 1, fin: true, payload: 'Hello, world!', ...how });
      p.killAfter(1);
    },
  });
});
cases.push({
  id: '5.15',
  description: 'Send text Message fragmented into 2 fragments, then Continuation Frame with FIN = false where there is nothing to continue, then unfragmented Text Message, all sent in one chop.',
  expectation: `The first message, "fragment1fragment2", comes back (or, lenient, not), then ${failsWith(CONTINUATION).replace(/^The server/, 'the server')}`,
  onOpen(p, c) {
    c.expected.OK = [msg('fragment1fragment2')];
    c.expected['NON-STRICT'] = [];
    serverFails(c);
    p.sendFrame({ opcode: 1, fin: false, payload: 'fragment1' });
    p.sendFrame({ opcode: 0, fin: true, payload: 'fragment2' });
    p.sendFrame({ opcode: 0, fin: false, payload: 'fragment3' });
    p.sendFrame({ opcode: 1, fin: true, payload: 'fragment4' });
    p.killAfter(1);
  },
});
for (const [id, fin] of [['5.16', false], ['5.17', true]] as const) {
  cases.push({
    id,
    description: `Repeated 2x: Continuation Frame with FIN = ${fin} (where there is nothing to continue), then text Message fragmented into 2 fragments.`,
    expectation: failsWith(CONTINUATION),
    onOpen(p, c) {
      c.expected.OK = [];
      serverFails(c);
      for (let i = 0; i < 2; i++) {
        p.sendFrame({ opcode: 0, fin, payload: 'fragment1' });
        p.sendFrame({ opcode: 1, fin: false, payload: 'fragment2' });
        p.sendFrame({ opcode: 0, fin: true, payload: 'fragment3' });
      }
      p.killAfter(1);
    },
  });
}
cases.push({
  id: '5.18',
  description: 'Send text Message fragmented into 2 fragments, with both frame opcodes set to text, sent in one chop.',
  expectation: failsWith(`a new text frame arrived while a fragmented message was unfinished: ${INTERLEAVED}`),
  onOpen(p, c) {
    c.expected.OK = [];
    serverFails(c);
    p.sendFrame({ opcode: 1, fin: false, payload: 'fragment1' });
    p.sendFrame({ opcode: 1, fin: true, payload: 'fragment2' });
    p.killAfter(1);
  },
});
for (const [id, sync] of [['5.19', false], ['5.20', true]] as const) {
  cases.push({
    id,
    description: `A fragmented text message is sent in multiple frames. After sending the first 2 frames, a Ping is sent; 1 s later 2 more fragments, another Ping and the final fragment.${sync ? ' All frames with SYNC = True.' : ''}`,
    expectation: `Both pongs as their pings arrive (a server must not wait for the message to end), then the whole message, "fragment1fragment2fragment3fragment4fragment5" (RFC 6455 §5.4, §5.5.2); ${THEN_CLOSE}.`,
    needs: 2500,
    onOpen(p, c) {
      const fragments = ['fragment1', 'fragment2', 'fragment3', 'fragment4', 'fragment5'];
      const pings = ['pongme 1!', 'pongme 2!'];
      c.expected.OK = [pong(pings[0]!), pong(pings[1]!), msg(fragments.join(''))];
      normalClose(c);
      p.sendFrame({ opcode: 1, fin: false, payload: fragments[0], sync });
      p.sendFrame({ opcode: 0, fin: false, payload: fragments[1], sync });
      p.sendFrame({ opcode: 9, fin: true, payload: pings[0], sync });
      p.continueLater(1, () => {
        p.sendFrame({ opcode: 0, fin: false, payload: fragments[2], sync });
        p.sendFrame({ opcode: 0, fin: false, payload: fragments[3], sync });
        p.sendFrame({ opcode: 9, fin: true, payload: pings[1], sync });
        p.sendFrame({ opcode: 0, fin: true, payload: fragments[4], sync });
        p.closeAfter(1);
      });
    },
  });
}

export const FRAGMENTATION_CASES: readonly FuzzCase[] = cases;

export const MISC_CASES: readonly FuzzCase[] = [
  {
    id: '10.1.1',
    description: 'Send text message with payload of length 65536 auto-fragmented with autoFragmentSize = 1300.',
    expectation: `One text message of 65536 bytes, the 51 fragments joined (RFC 6455 §5.4); ${THEN_CLOSE}.`,
    bigMessage: true,
    onOpen(p, c) {
      const payload = '*'.repeat(65536);
      p.autoFragmentSize = 1300;
      c.expected.OK = [msg(payload)];
      normalClose(c);
      p.sendMessage(payload, false);
      p.killAfter(10);
    },
    onConnectionLost(p, c) {
      // As case10_1_1.py: data frames sent, by opcode (0: continuation, 1: text).
      const size = 65536;
      const fragment = p.autoFragmentSize;
      const expected = { 0: Math.floor(size / fragment), 1: size % fragment > 0 ? 1 : 0 };
      if ((p.txFrameStats[0] ?? 0) !== expected[0] || (p.txFrameStats[1] ?? 0) !== expected[1]) {
        c.behavior = 'FAILED';
        c.result = `Frames transmitted ${JSON.stringify(p.txFrameStats)} does not match what we expected ${JSON.stringify(expected)}.`;
      }
    },
  },
];
