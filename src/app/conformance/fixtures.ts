/** Reports as `npm run conformance -- --json` prints them (docs/conformance.md), for the page's tests. */
import { fault } from '../../protocol';
import type { CaseReport, ConformanceReport } from '../../wire/conformance';
import { summarize } from '../../wire/conformance';

const hex = (text: string): string => Array.from(new TextEncoder().encode(text), (b) => b.toString(16).padStart(2, '0')).join('');

/** 2.2 against a server that answers a ping with a text frame: the opcode of its frame is the first wrong byte. */
export const PING_AS_TEXT: CaseReport = {
  id: '2.2',
  description: 'Send ping with small text payload.',
  expectation: 'A pong (opcode 0xA) with exactly the ping\u2019s payload (RFC 6455 §5.5.3).',
  behavior: 'FAILED',
  behaviorClose: 'OK',
  result: 'Expected: a pong of 13 bytes. Received: a text message of 13 bytes "Hello, world!".',
  durationMs: 1008,
  wire: [
    { kind: 'http', t: 0.4, direction: 'client-to-server', head: 'GET / HTTP/1.1\r\nHost: 127.0.0.1:9001\r\n\r\n', mark: null },
    { kind: 'http', t: 1.9, direction: 'server-to-client', head: 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n', mark: null },
    { kind: 'event', t: 2, text: 'OPEN: the opening handshake is complete' },
    { kind: 'frame', t: 2.1, direction: 'client-to-server', offset: 0, size: 19, bytes: `898d00000000${hex('Hello, world!')}`, truncated: false, opcode: 9, fin: true, payloadLength: 13, fault: null, mark: null, note: null },
    {
      kind: 'frame', t: 3.5, direction: 'server-to-client', offset: 0, size: 15, bytes: `810d${hex('Hello, world!')}`, truncated: false, opcode: 1, fin: true, payloadLength: 13, fault: null,
      mark: { offset: 0, length: 1, text: 'Expected a pong here; this frame\u2019s opcode says a text message of 13 bytes.' }, note: null,
    },
    { kind: 'event', t: 1003, text: '1 s passed (closeAfter): the grader starts the closing handshake' },
    { kind: 'frame', t: 1003.1, direction: 'client-to-server', offset: 19, size: 8, bytes: '888200000000' + '03e8', truncated: false, opcode: 8, fin: true, payloadLength: 2, fault: null, mark: null, note: null },
    { kind: 'frame', t: 1004, direction: 'server-to-client', offset: 15, size: 4, bytes: '880203e8', truncated: false, opcode: 8, fin: true, payloadLength: 2, fault: null, mark: null, note: null },
    { kind: 'event', t: 1008, text: 'TCP closed' },
  ],
};

/** 3.1: the grader's frame breaks a rule on purpose (RSV3), the server fails the connection right. */
export const RSV_OK: CaseReport = {
  id: '3.1',
  description: 'Send small text message with RSV = 1.',
  expectation: 'The server fails the connection with 1002.',
  behavior: 'OK',
  behaviorClose: 'OK',
  result: 'Received: nothing. The server closed the connection with 1002 Protocol Error; then the server closed TCP.',
  durationMs: 12,
  wire: [
    {
      kind: 'frame', t: 1, direction: 'client-to-server', offset: 0, size: 19, bytes: `918d00000000${hex('Hello, world!')}`, truncated: false, opcode: 1, fin: true, payloadLength: 13,
      fault: fault('rsv-without-extension', { offset: 0, frameOffset: 0 }, { bits: ['RSV3'] }), mark: null, note: null,
    },
    { kind: 'frame', t: 2, direction: 'server-to-client', offset: 0, size: 4, bytes: '880203ea', truncated: false, opcode: 8, fin: true, payloadLength: 2, fault: null, mark: null, note: null },
  ],
};

/** 1.1.2 against a server that masks its frames: the codec's fault on the MASK bit. */
export const MASKED: CaseReport = {
  id: '1.1.2',
  description: 'Send text message with payload of length 125.',
  expectation: 'The same text message comes back.',
  behavior: 'FAILED',
  behaviorClose: 'FAILED',
  result: 'The server broke a rule in what it sent: The frame is masked (MASK=1).',
  durationMs: 30,
  wire: [
    {
      kind: 'frame', t: 2, direction: 'server-to-client', offset: 0, size: 6, bytes: '81fd01020304', truncated: true, opcode: 1, fin: true, payloadLength: 0,
      fault: fault('mask-forbidden', { offset: 1, frameOffset: 0 }, {}), mark: null, note: 'as far as it had arrived when the grader found the fault',
    },
  ],
};

export function report(cases: CaseReport[] = [RSV_OK, PING_AS_TEXT, MASKED]): ConformanceReport {
  return { target: 'ws://127.0.0.1:9001/', startedAt: '2026-12-01T10:00:00.000Z', durationMs: 1234, cases, summary: summarize(cases) };
}
