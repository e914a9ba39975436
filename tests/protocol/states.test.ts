/**
 * The table of states.ts decides: every path a WebSocketConnection takes is a row of
 * TRANSITIONS, every row but the handshake's is taken by some path, and a connection given the
 * table without a row cannot take that path (it throws, or refuses the call). The paths are
 * written out by hand below, state by state, not computed from the table.
 */
import { describe, expect, test } from 'vitest';
import {
  closePayload,
  compileTransitions,
  CONNECTION_STATES,
  encodeFrame,
  nextState,
  READY_STATE_OF,
  TRANSITIONS,
  WebSocketConnection,
  type ConnectionState,
  type StateEvent,
  type Transition,
} from '../../src/protocol';
import { ascii, hex } from './helpers';

const KEY = hex('37 fa 21 3d');
/** Bytes as a client would send them to our server. */
const peer = (opcode: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array => encodeFrame({ opcode, payload, maskingKey: KEY });

type Step = [ConnectionState, StateEvent, ConnectionState];

interface Path {
  name: string;
  /** Brings a fresh server connection to the path's first state. */
  setup?: (c: WebSocketConnection) => void;
  act: (c: WebSocketConnection) => unknown;
  /** The rows the action takes, in order, written out by hand. */
  steps: Step[];
}

const drain = (c: WebSocketConnection): void => {
  c.takeEvents();
};
/** Receive a copy of `bytes` (the connection unmasks in place, and a path runs more than once). */
const receive = (bytes: Uint8Array) => (c: WebSocketConnection): void => {
  c.receive(bytes.slice());
  c.takeEvents();
};
const closeFirst = (c: WebSocketConnection): void => {
  c.close(1000);
};

const PATHS: Path[] = [
  { name: 'send a message', act: (c) => c.send('x'), steps: [['OPEN', 'send-data', 'OPEN']] },
  { name: 'send a ping', act: (c) => c.ping(), steps: [['OPEN', 'send-control', 'OPEN']] },
  { name: 'receive a message', act: receive(peer(0x1, ascii('x'))), steps: [['OPEN', 'receive-data', 'OPEN']] },
  { name: 'receive a ping: the pong goes out', act: receive(peer(0x9)), steps: [['OPEN', 'receive-data', 'OPEN'], ['OPEN', 'send-control', 'OPEN']] },
  { name: 'close', act: (c) => c.close(1000), steps: [['OPEN', 'send-close', 'CLOSE_SENT']] },
  { name: 'a close frame through sendFrame', act: (c) => c.sendFrame({ opcode: 0x8, payload: closePayload(1000) }), steps: [['OPEN', 'send-close', 'CLOSE_SENT']] },
  {
    name: 'the peer closes: the Close is answered',
    act: receive(peer(0x8, closePayload(1001))),
    steps: [['OPEN', 'receive-close', 'CLOSE_RECEIVED'], ['CLOSE_RECEIVED', 'send-close', 'CLOSING_TCP']],
  },
  { name: 'a fault', act: receive(hex('81 00')), steps: [['OPEN', 'fail', 'CLOSING_TCP']] },
  { name: 'abort', act: (c) => c.abort(1011), steps: [['OPEN', 'fail', 'CLOSING_TCP']] },
  { name: 'TCP ends while open', act: (c) => c.receiveEof(), steps: [['OPEN', 'tcp-closed', 'CLOSED']] },
  { name: 'a message while closing', setup: closeFirst, act: receive(peer(0x2, hex('00'))), steps: [['CLOSE_SENT', 'receive-data', 'CLOSE_SENT']] },
  {
    name: 'a ping while closing is answered',
    setup: closeFirst,
    act: receive(peer(0x9)),
    steps: [['CLOSE_SENT', 'receive-data', 'CLOSE_SENT'], ['CLOSE_SENT', 'send-control', 'CLOSE_SENT']],
  },
  { name: 'the peer\u2019s Close while closing', setup: closeFirst, act: receive(peer(0x8)), steps: [['CLOSE_SENT', 'receive-close', 'CLOSING_TCP']] },
  { name: 'a fault while closing', setup: closeFirst, act: receive(hex('83 80 00 00 00 00')), steps: [['CLOSE_SENT', 'fail', 'CLOSING_TCP']] },
  { name: 'TCP ends while closing', setup: closeFirst, act: (c) => c.receiveEof(), steps: [['CLOSE_SENT', 'tcp-closed', 'CLOSED']] },
  { name: 'TCP ends after the handshake', setup: receive(peer(0x8)), act: (c) => c.receiveEof(), steps: [['CLOSING_TCP', 'tcp-closed', 'CLOSED']] },
];

const rowKey = ([from, event, to]: Step): string => `${from} --${event}--> ${to}`;
const ROWS = new Set(TRANSITIONS.map((t) => rowKey([t.from, t.event, t.to])));

function fresh(path: Path, transitions?: readonly Transition[]): WebSocketConnection {
  const c = new WebSocketConnection({ role: 'server', transitions });
  path.setup?.(c);
  drain(c);
  c.takeOutgoing();
  return c;
}

describe('every path the connection takes is in the table', () => {
  test.each(PATHS.map((p) => [p.name, p] as const))('%s', (_name, path) => {
    const c = fresh(path);
    expect(c.connectionState).toBe(path.steps[0]![0]);
    path.act(c);
    expect(c.connectionState).toBe(path.steps.at(-1)![2]);
    for (const step of path.steps) expect(ROWS.has(rowKey(step)), rowKey(step)).toBe(true);
    // Consecutive steps chain: each starts where the one before ended.
    path.steps.slice(1).forEach((step, i) => expect(step[0]).toBe(path.steps[i]![2]));
  });

  test('every row is taken by some path, except the handshake\u2019s (done before a connection exists)', () => {
    const taken = new Set(PATHS.flatMap((p) => p.steps.map(rowKey)));
    const untaken = TRANSITIONS.filter((t) => !taken.has(rowKey([t.from, t.event, t.to])));
    expect(untaken.map((t) => t.from)).toEqual(['CONNECTING', 'CONNECTING', 'CONNECTING']);
  });
});

describe('a row missing from the table: the connection cannot take it', () => {
  const rows = TRANSITIONS.filter((t) => t.from !== 'CONNECTING');
  test.each(rows.map((t) => [rowKey([t.from, t.event, t.to]), t] as const))('without %s', (_name, row) => {
    const path = PATHS.find((p) => p.steps.some(([from, event]) => from === row.from && event === row.event))!;
    const without = TRANSITIONS.filter((t) => t !== row);
    let c: WebSocketConnection;
    try {
      c = fresh(path, without);
    } catch (error) {
      // The setup itself needed the row.
      expect(String(error)).toContain(`no transition for ${row.event} in state ${row.from}`);
      return;
    }
    let thrown: unknown = null;
    try {
      path.act(c);
    } catch (error) {
      thrown = error;
    }
    if (thrown !== null) {
      // A move the code makes by itself (answering a Close or a ping, failing on a fault): a bug, thrown.
      expect(String(thrown)).toContain(`no transition for ${row.event} in state ${row.from}`);
    } else {
      // A call the table no longer allows (send, close, ping, abort, receive, receiveEof): refused.
      const moved = c.connectionState !== row.from;
      if (row.from === row.to) {
        // A move within the state: what it does did not happen (nothing sent, nothing delivered).
        expect(c.takeOutgoing().length + c.takeEvents().filter((e) => e.kind === 'message').length).toBe(0);
      } else {
        expect(moved).toBe(false);
      }
    }
  });
});

describe('the table', () => {
  test('one row per (state, event), each with its RFC section and a note; nothing leaves CLOSED', () => {
    expect(() => compileTransitions([...TRANSITIONS, TRANSITIONS[0]!])).toThrow(/two transitions/);
    for (const t of TRANSITIONS) {
      expect(t.rfc).toMatch(/^\d+(\.\d+)*$/);
      expect(t.note.length).toBeGreaterThan(10);
    }
    expect(TRANSITIONS.some((t) => t.from === 'CLOSED')).toBe(false);
    expect(() => nextState('CLOSED', 'send-data')).toThrow(/no transition for send-data in state CLOSED/);
    expect(() => nextState('CLOSE_SENT', 'send-data')).toThrow();
    expect(() => nextState('CLOSING_TCP', 'receive-data')).toThrow();
  });

  test('every state maps to the readyState the page draws (RFC 6455 §7.1.3, §7.1.4)', () => {
    expect(CONNECTION_STATES.map((s) => READY_STATE_OF[s])).toEqual(['CONNECTING', 'OPEN', 'CLOSING', 'CLOSING', 'CLOSING', 'CLOSED']);
  });
});

describe('when TCP ends: takeEof() and closeExpected(), state by state', () => {
  const peerClose = (c: WebSocketConnection): void => c.receive(encodeFrame({ opcode: 0x8, maskingKey: c.role === 'server' ? KEY : null }));
  // [state, role, eof now, close expected, how to get there], by RFC 6455 §5.5.1 and §7.1.1.
  const cases: [string, 'server' | 'client', boolean, boolean, (c: WebSocketConnection) => void][] = [
    ['OPEN', 'server', false, false, () => {}],
    ['OPEN', 'client', false, false, () => {}],
    ['CLOSE_SENT', 'server', false, true, closeFirst],
    ['CLOSE_SENT', 'client', false, true, closeFirst],
    ['CLOSING_TCP (handshake done)', 'server', true, true, peerClose],
    ['CLOSING_TCP (handshake done)', 'client', false, true, peerClose],
    ['CLOSING_TCP (failed)', 'server', true, true, (c) => c.abort(1008)],
    ['CLOSING_TCP (failed)', 'client', false, true, (c) => c.abort(1008)],
    ['CLOSED (TCP dropped)', 'server', true, false, (c) => c.receiveEof()],
    ['CLOSED (TCP dropped)', 'client', true, false, (c) => c.receiveEof()],
  ];
  test.each(cases)('%s as a %s: EOF now %s, close expected %s', (_state, role, eof, expected, reach) => {
    const c = new WebSocketConnection({ role });
    reach(c);
    c.takeEvents();
    expect(c.takeEof()).toBe(eof);
    expect(c.takeEof()).toBe(false); // once only
    expect(c.closeExpected()).toBe(expected);
  });
});
