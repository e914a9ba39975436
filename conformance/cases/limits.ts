/**
 * Autobahn's section 9 (Limits/Performance), mirrored from case9_*.py: one big message back,
 * checked for type and length (Autobahn) and byte for byte (here); 1,000 round trips. The
 * payloads are made when a case starts, not when this file loads (they add up to 100 MiB).
 */
import { CLOSE_NORMAL, hex, type CaseState, type FuzzCase } from '../case.ts';
import type { FuzzingClient } from '../client.ts';
import { markDifference } from '../judge.ts';
import { fe, normalClose } from './helpers.ts';

const cases: FuzzCase[] = [];

const KiB = 1024;
const MiB = 1024 * 1024;
const sizeName = (n: number): string => (n >= MiB ? `${n / MiB}M` : `${n / KiB}k`);
const repeat = (pattern: Buffer, n: number): Buffer => {
  const out = Buffer.alloc(n);
  for (let at = 0; at < n; at += pattern.length) pattern.copy(out, at, 0, Math.min(pattern.length, n - at));
  return out;
};
/**
 * What a case cut short by the grader says: Autobahn's 9.x cases wait `waitSecs` (closeAfter) and
 * then say "Did not receive message within N seconds."; this grader gives up sooner (after 5 s
 * with nothing on the wire, or at the case's time budget, --timeout), so it says what happened.
 */
function gaveUp(p: FuzzingClient, c: CaseState, what: string, waitSecs: number): void {
  const why = p.gaveUp!;
  c.notes = c.notes.filter((n) => n !== why);
  c.result = `${what}: ${why}, so the grader gave up (the server is too slow for this, or stuck). Autobahn waits up to ${waitSecs} s here; this grader gives up sooner: when nothing crosses the connection for 5 s (half the case's time budget, if less), or when that budget (--timeout) runs out.`;
}

const ECHO = 'comes back byte for byte, as one message of the same type; then the grader closes, and the server answers with a close frame (1000) and closes TCP. A server may refuse a message over its limit with 1009 Message Too Big (RFC 6455 §7.4.1, §10.4): then the case is UNIMPLEMENTED.';

/** One big message back. `make` builds the payload (once per play); `send` writes it. */
function bigEcho(id: string, description: string, binary: boolean, make: () => Buffer, send: (p: FuzzingClient, data: Buffer) => void, waitSecs: number): void {
  cases.push({
    id,
    description,
    expectation: `The ${binary ? 'binary' : 'text'} message ${ECHO}`,
    bigMessage: true,
    exclusive: true,
    onOpen(p, c) {
      c.behavior = 'FAILED';
      normalClose(c);
      c.result = `Did not receive message within ${waitSecs} seconds.`;
      c.sent = make();
      send(p, c.sent);
      p.closeAfter(waitSecs);
    },
    onMessage(p, c, payload, isBinary) {
      // Only the first message is the echo; what comes after it is counted, and said at the end.
      if (c.sent === null) {
        c.count++;
        return;
      }
      const expected = c.sent;
      if (isBinary !== binary) c.result = `Expected ${binary ? 'binary' : 'text'} message with payload, but got ${isBinary ? 'binary' : 'text'}.`;
      else if (payload.length !== expected.length) c.result = `Expected message with payload of length ${expected.length}, but got ${payload.length}.`;
      else {
        c.behavior = 'OK';
        c.result = `Received message of length ${payload.length}.`;
      }
      c.contentOk = payload.equals(expected);
      if (!c.contentOk) markDifference(p, payload, expected);
      c.notes.push(`round trip ${p.elapsed.toFixed(0)} ms`);
      c.sent = null;
      p.sendClose(CLOSE_NORMAL);
    },
    onConnectionLost(p, c) {
      if (c.sent !== null && p.gaveUp !== null) gaveUp(p, c, 'No echo came back', waitSecs);
      if (c.count > 0) c.result += ` After it the server sent ${c.count} more message${c.count === 1 ? '' : 's'} (the echo in pieces, or the rest of the grader's message read as new frames).`;
    },
  });
}

[64 * KiB, 256 * KiB, MiB, 4 * MiB, 8 * MiB, 16 * MiB].forEach((n, i) => {
  const wait = [10, 10, 20, 40, 80, 100][i]!;
  bigEcho(`9.1.${i + 1}`, `Send text message with payload of length ${sizeName(n)}.`, false, () => repeat(Buffer.from('BAsd7&jh23'), n), (p, data) => p.sendFrame({ opcode: 1, payload: data }), wait);
  bigEcho(`9.2.${i + 1}`, `Send binary message with payload of length ${sizeName(n)}.`, true, () => repeat(hex('00fe23faf0'), n), (p, data) => p.sendFrame({ opcode: 2, payload: data }), wait);
});
[64, 256, KiB, 4 * KiB, 16 * KiB, 64 * KiB, 256 * KiB, MiB, 4 * MiB].forEach((frag, i) => {
  const size = frag < KiB ? String(frag) : sizeName(frag);
  bigEcho(`9.3.${i + 1}`, `Send fragmented text message with message payload of length 4M. Sent out in fragments of ${size}.`, false, () => Buffer.alloc(4 * MiB, '*'), (p, data) => p.sendMessage(data, false, frag), 100);
  bigEcho(`9.4.${i + 1}`, `Send fragmented binary message with message payload of length 4M. Sent out in fragments of ${size}.`, true, () => fe(4 * MiB), (p, data) => p.sendMessage(data, true, frag), 100);
});
[64, 128, 256, 512, 1024, 2048].forEach((chop, i) => {
  bigEcho(`9.5.${i + 1}`, `Send text message with payload of length 1M. Sent out data in chops of ${chop} octets.`, false, () => repeat(Buffer.from('BAsd7&jh23'), MiB), (p, data) => p.sendFrame({ opcode: 1, payload: data, chopsize: chop }), 1000);
  bigEcho(`9.6.${i + 1}`, `Send binary message with payload of length 1M. Sent out data in chops of ${chop} octets.`, true, () => repeat(hex('00fe23faf0'), MiB), (p, data) => p.sendFrame({ opcode: 2, payload: data, chopsize: chop }), 1000);
});

for (const binary of [false, true]) {
  [[0, 1000, 60], [16, 1000, 60], [64, 1000, 60], [256, 1000, 120], [1024, 1000, 240], [4096, 1000, 480]].forEach(([len, count, wait], i) => {
    const sendOne = (p: FuzzingClient, c: CaseState): void => {
      p.sendFrame(binary ? { opcode: 2, payload: hex('fe'), payloadLen: len } : { opcode: 1, payload: '*', payloadLen: len });
      c.count++;
    };
    const finish = (p: FuzzingClient, c: CaseState, behavior: 'OK' | 'FAILED', result: string): void => {
      c.behavior = behavior;
      c.result = result;
      p.sendClose(CLOSE_NORMAL);
    };
    cases.push({
      id: `9.${binary ? 8 : 7}.${i + 1}`,
      description: `Send ${count} ${binary ? 'binary' : 'text'} messages of payload size ${len} to measure implementation/network RTT (round trip time) / latency.`,
      expectation: `Each of the ${count} ${binary ? 'binary' : 'text'} messages comes back, one at a time, byte for byte (RFC 6455 §5.6), within the time budget; then a clean close.`,
      exclusive: true,
      onOpen(p, c) {
        c.behavior = 'FAILED';
        normalClose(c);
        c.result = `Case did not finish within ${wait} seconds.`;
        c.contentOk = true;
        p.closeAfter(wait!);
        sendOne(p, c);
      },
      onMessage(p, c, payload, isBinary) {
        const expected = binary ? fe(len!) : Buffer.alloc(len!, '*');
        if (!payload.equals(expected)) {
          if (c.contentOk) markDifference(p, payload, expected);
          c.contentOk = false;
        }
        if (isBinary !== binary || payload.length !== len) {
          finish(p, c, 'FAILED', `Echo'ed message type or length differs from what I sent (got binary = ${isBinary}, payload length = ${payload.length}).`);
        } else if (c.count < count!) {
          sendOne(p, c);
        } else {
          c.notes.push(`${count} round trips in ${p.elapsed.toFixed(0)} ms`);
          finish(p, c, 'OK', 'Ok, received all echo\'ed messages in time.');
        }
      },
      onConnectionLost(p, c) {
        if (c.behavior === 'FAILED' && p.gaveUp !== null && c.result.startsWith('Case did not finish')) {
          gaveUp(p, c, `${c.count - 1} of ${count} round trips came back`, wait!);
        }
      },
    });
  });
}

export const LIMITS_CASES: readonly FuzzCase[] = cases;
