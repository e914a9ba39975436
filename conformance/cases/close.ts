/** Autobahn's section 7 (Close Handling), mirrored from case7_*.py. */
import { CLOSE_INVALID_PAYLOAD, CLOSE_NORMAL, CLOSE_PROTOCOL_ERROR, hex, type FuzzCase, type Received } from '../case.ts';
import type { FuzzingClient } from '../client.ts';
import { informational, msg, normalClose, wrongCodeFails } from './helpers.ts';

const ANSWER = '"If an endpoint receives a Close frame and did not previously send a Close frame, the endpoint MUST send a Close frame in response" (RFC 6455 §5.5.1)';
const AFTER = '"after receiving a control frame indicating the connection should be closed, a peer discards any further data received" (RFC 6455 §1.4), and "The application MUST NOT send any more data frames after sending a Close frame" (§5.5.1)';
const CLEAN = 'then the server closes TCP (RFC 6455 §7.1.1)';

const cases: FuzzCase[] = [];

const closeCase = (id: string, description: string, expectation: string, codes: number[], requireClean: boolean, send: (p: FuzzingClient) => void, expected: Received[] = []): void => {
  cases.push({
    id,
    description,
    expectation,
    onOpen(p, c) {
      c.suppressClose = true;
      c.expected.OK = expected;
      c.expectedClose = { closedByMe: true, closeCode: codes, requireClean };
      send(p);
      p.killAfter(1);
    },
    onConnectionLost: wrongCodeFails,
  });
};
const answered = (what: string): string => `A close frame back (1000, or the code received), ${CLEAN}; ${what}. ${ANSWER}.`;
const failed = (what: string, codes = '1002 Protocol Error'): string => `The server fails the connection: ${what}; so its close frame carries ${codes} (or it drops TCP) (RFC 6455 §7.1.7).`;

cases.push({
  id: '7.1.1',
  description: 'Send a message followed by a close frame',
  expectation: `The message comes back, then a close frame (1000) answers the grader's close, ${CLEAN}. ${ANSWER}.`,
  onOpen(p, c) {
    c.expected.OK = [msg('Hello World!')];
    normalClose(c);
    p.sendFrame({ opcode: 1, payload: 'Hello World!' });
    p.killAfter(1);
  },
  onConnectionLost: wrongCodeFails,
});
closeCase('7.1.2', 'Send two close frames', answered(`the second close is ignored: ${AFTER}`), [CLOSE_NORMAL], true, (p) => {
  p.sendClose(CLOSE_NORMAL);
  p.sendFrame({ opcode: 8 });
});
closeCase('7.1.3', 'Send a ping after close message', answered(`no pong for the ping after the close: ${AFTER}`), [CLOSE_NORMAL], true, (p) => {
  p.sendClose(CLOSE_NORMAL);
  p.sendFrame({ opcode: 9 });
});
closeCase('7.1.4', 'Send text message after sending a close frame.', answered(`no echo of the message after the close: ${AFTER}`), [CLOSE_NORMAL], true, (p) => {
  p.sendClose(CLOSE_NORMAL);
  p.sendFrame({ opcode: 1, payload: 'Hello World!' });
});
closeCase('7.1.5', 'Send message fragment1 followed by close then fragment', answered(`the unfinished message is never echoed: ${AFTER}`), [CLOSE_NORMAL], true, (p) => {
  p.sendFrame({ opcode: 1, fin: false, payload: 'fragment1' });
  p.sendClose(CLOSE_NORMAL);
  p.sendFrame({ opcode: 0, fin: true, payload: 'fragment2' });
});
cases.push({
  id: '7.1.6',
  description: 'Send 256K message followed by close then a ping',
  expectation: 'Informational (as in Autobahn): whether the 256 KiB message and "Hello World!" come back before the close frame answers the grader\u2019s close.',
  onOpen(p, c) {
    c.suppressClose = true;
    c.expected.OK = [msg('Hello World!')];
    c.expected['NON-STRICT'] = [];
    normalClose(c);
    p.sendFrame({ opcode: 1, payload: 'BAsd7&jh23', payloadLen: 256 * 1024 });
    p.sendFrame({ opcode: 1, payload: 'Hello World!' });
    p.sendClose(CLOSE_NORMAL);
    p.sendFrame({ opcode: 9 });
    p.killAfter(1);
  },
  onConnectionLost(p, c) {
    // Informational in Autobahn: the verdict's "Received:" says what came back before the close.
    informational(p, c);
  },
});
closeCase('7.3.1', 'Send a close frame with payload length 0 (no close code, no close reason)', answered('an empty close payload is valid: "If there is a body, the first two bytes of the body MUST be a 2-byte unsigned integer" (RFC 6455 §5.5.1)'), [CLOSE_NORMAL], true, (p) => p.sendCloseFrame());
closeCase('7.3.2', 'Send a close frame with payload length 1', failed('a 1-byte close payload cannot hold the 2-byte status code (RFC 6455 §5.5.1)'), [CLOSE_PROTOCOL_ERROR], false, (p) => p.sendCloseFrame(undefined, 'a'));
closeCase('7.3.3', 'Send a close frame with payload length 2 (regular close with a code)', answered('the code 1000 is echoed, as "it typically echos the status code it received" (RFC 6455 §5.5.1)'), [CLOSE_NORMAL], true, (p) => p.sendClose(CLOSE_NORMAL));
closeCase('7.3.4', 'Send a close frame with close code and close reason', answered('the reason is a valid UTF-8 text after the code'), [CLOSE_NORMAL], true, (p) => p.sendClose(CLOSE_NORMAL, 'Hello World!'));
closeCase('7.3.5', 'Send a close frame with close code and close reason of maximum length (123)', answered('2 bytes of code and 123 of reason make 125, the most a control frame holds (RFC 6455 §5.5)'), [CLOSE_NORMAL], true, (p) => p.sendClose(CLOSE_NORMAL, '*'.repeat(123)));
closeCase('7.3.6', 'Send a close frame with close code and close reason which is too long (124) - total frame payload 126 octets', failed('"All control frames MUST have a payload length of 125 bytes or less" (RFC 6455 §5.5), and this close has 126'), [CLOSE_PROTOCOL_ERROR], false, (p) =>
  p.sendCloseFrame(CLOSE_NORMAL, '*'.repeat(124)),
);
closeCase('7.5.1', 'Send a close frame with invalid UTF8 payload', failed('the close reason is not valid UTF-8, and it must be (RFC 6455 §5.5.1, §8.1)', '1002 or 1007'), [CLOSE_PROTOCOL_ERROR, CLOSE_INVALID_PAYLOAD], false, (p) =>
  p.sendCloseFrame(CLOSE_NORMAL, hex('cebae1bdb9cf83cebcceb5eda080656469746564')),
);
[1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999].forEach((code, i) =>
  closeCase(`7.7.${i + 1}`, `Send close with valid close code ${code}`, answered(`${code} is a code an endpoint may send (RFC 6455 §7.4.1, §7.4.2), so the answer is a clean close with 1000 or ${code}`), [CLOSE_NORMAL, code], true, (p) => p.sendCloseFrame(code)),
);
[0, 999, 1004, 1005, 1006, 1016, 1100, 2000, 2999].forEach((code, i) =>
  closeCase(`7.9.${i + 1}`, `Send close with invalid close code ${code}`, failed(`${code} may not be sent in a close frame (RFC 6455 §7.4.1, §7.4.2)`), [CLOSE_PROTOCOL_ERROR], false, (p) => p.sendCloseFrame(code)),
);
for (const [id, code] of [['7.13.1', 5000], ['7.13.2', 65535]] as const) {
  cases.push({
    id,
    description: `Send close with close code ${code}`,
    expectation: 'Informational (as in Autobahn): codes 5000 and up are not defined by RFC 6455 §7.4.2; a clean close with 1000, the same code, or 1002 are all seen.',
    onOpen(p, c) {
      c.suppressClose = true;
      c.expected.OK = [];
      c.expectedClose = { closedByMe: true, closeCode: [CLOSE_NORMAL, code, CLOSE_PROTOCOL_ERROR], requireClean: false };
      p.sendCloseFrame(code);
      p.killAfter(1);
    },
    onConnectionLost(p, c) {
      c.notes.push(`server answered ${p.remoteCloseCode ?? 'no code'}`);
      informational(p, c);
    },
  });
}

export const CLOSE_CASES: readonly FuzzCase[] = cases;
