/** Autobahn's section 3 (Reserved Bits) and 4 (Opcodes), mirrored from case3_*.py and case4_*.py. */
import { hex, type FuzzCase } from '../case.ts';
import { failsWith, msg, serverFails } from './helpers.ts';

const RSV = '"If a nonzero value is received and none of the negotiated extensions defines the meaning of such a nonzero value, the receiving endpoint MUST _Fail the WebSocket Connection_" (RFC 6455 §5.2)';
const OPCODE = '"If an unknown opcode is received, the receiving endpoint MUST _Fail the WebSocket Connection_" (RFC 6455 §5.2)';
const ECHO_FIRST = 'The first message comes back (or, lenient, not: a server that reads ahead may fail first), then';

const cases: FuzzCase[] = [];

cases.push({
  id: '3.1',
  description: 'Send small text message with RSV = 1.',
  expectation: failsWith(`RSV3 is set with no extension negotiated: ${RSV}`),
  onOpen(p, c) {
    c.expected.OK = [];
    serverFails(c);
    p.sendFrame({ opcode: 1, payload: 'Hello, world!', rsv: 1 });
    p.killAfter(1);
  },
});
for (const [id, rsv, mode] of [['3.2', 2, 'plain'], ['3.3', 3, 'sync'], ['3.4', 4, 'chop']] as const) {
  cases.push({
    id,
    description: `Send small text message, then send again with RSV = ${rsv}, then send Ping.${mode === 'sync' ? ' Octets are sent in frame-wise chops.' : mode === 'chop' ? ' Octets are sent in octet-wise chops.' : ''}`,
    expectation: `${ECHO_FIRST} ${failsWith(`the second frame has RSV bits set: ${RSV}`).replace(/^The server/, 'the server')} The ping after it gets no pong.`,
    onOpen(p, c) {
      const payload = 'Hello, world!';
      c.expected.OK = [msg(payload)];
      c.expected['NON-STRICT'] = [];
      serverFails(c);
      const how = mode === 'sync' ? { sync: true } : mode === 'chop' ? { chopsize: 1 } : {};
      p.sendFrame({ opcode: 1, payload, ...how });
      p.sendFrame({ opcode: 1, payload, rsv, ...how });
      p.sendFrame({ opcode: 9, ...how });
      p.killAfter(1);
    },
  });
}
cases.push({
  id: '3.5',
  description: 'Send small binary message with RSV = 5.',
  expectation: failsWith(`RSV1 and RSV3 are set: ${RSV}`),
  onOpen(p, c) {
    c.expected.OK = [];
    serverFails(c);
    p.sendFrame({ opcode: 2, payload: hex('00fffefdfcfb00ff'), rsv: 5 });
    p.killAfter(1);
  },
});
cases.push({
  id: '3.6',
  description: 'Send Ping with RSV = 6.',
  expectation: failsWith(`RSV1 and RSV2 are set: ${RSV}`),
  onOpen(p, c) {
    c.expected.OK = [];
    serverFails(c);
    // As in case3_6.py (opcode 2 there, despite the description).
    p.sendFrame({ opcode: 2, payload: 'Hello, world!', rsv: 6 });
    p.killAfter(1);
  },
});
cases.push({
  id: '3.7',
  description: 'Send Close with RSV = 7.',
  expectation: failsWith(`a close frame with all three RSV bits set is still a frame with RSV bits set: ${RSV}`),
  onOpen(p, c) {
    c.expected.OK = [];
    serverFails(c);
    p.sendFrame({ opcode: 8, rsv: 7 });
    p.killAfter(1);
  },
});

for (const [sub, base] of [[1, 3], [2, 11]] as const) {
  const kind = sub === 1 ? 'non-control' : 'control';
  cases.push({
    id: `4.${sub}.1`,
    description: `Send frame with reserved ${kind} Opcode = ${base}.`,
    expectation: failsWith(`opcode 0x${base.toString(16).toUpperCase()} is reserved: ${OPCODE}`),
    onOpen(p, c) {
      c.expected.OK = [];
      serverFails(c);
      p.sendFrame({ opcode: base });
      p.killAfter(1);
    },
  });
  cases.push({
    id: `4.${sub}.2`,
    description: `Send frame with reserved ${kind} Opcode = ${base + 1} and non-empty payload.`,
    expectation: failsWith(`opcode 0x${(base + 1).toString(16).toUpperCase()} is reserved: ${OPCODE}`),
    onOpen(p, c) {
      c.expected.OK = [];
      serverFails(c);
      p.sendFrame({ opcode: base + 1, payload: 'reserved opcode payload' });
      p.killAfter(1);
    },
  });
  for (const [n, opcode, withPayload, chop] of [[3, base + 2, false, false], [4, base + 3, true, false], [5, base + 4, true, true]] as const) {
    cases.push({
      id: `4.${sub}.${n}`,
      description: `Send small text message, then send frame with reserved ${kind} Opcode = ${opcode}${withPayload ? ' and non-empty payload' : ''}, then send Ping.`,
      expectation: `${ECHO_FIRST} ${failsWith(`opcode 0x${opcode.toString(16).toUpperCase()} is reserved: ${OPCODE}`).replace(/^The server/, 'the server')} The ping after it gets no pong.`,
      onOpen(p, c) {
        const payload = 'Hello, world!';
        c.expected.OK = [msg(payload)];
        c.expected['NON-STRICT'] = [];
        serverFails(c);
        const how = chop ? { chopsize: 1 } : {};
        p.sendFrame({ opcode: 1, payload, ...how });
        p.sendFrame({ opcode, ...(withPayload ? { payload } : {}), ...how });
        p.sendFrame({ opcode: 9, ...how });
        p.killAfter(1);
      },
    });
  }
}

export const BITS_CASES: readonly FuzzCase[] = cases;
