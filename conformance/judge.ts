/**
 * The verdict on one played case. First Autobahn's own rules (Case.onConnectionLost): the events
 * received must equal the `OK` list (else `NON-STRICT`, else FAILED), and the close is judged by
 * who started it, whether it was clean, the code, and who closed TCP. Then one verdict a student can
 * act on, stricter than Autobahn where the RFC says MUST:
 *
 *  - a rule the server broke in its own bytes (the codec's fault) FAILS the case;
 *  - a missing closing handshake where one is required (UNCLEAN), or the wrong endpoint closing,
 *    FAILS it; a close code other than the expected one is NON-STRICT (7.x: FAILED, as Autobahn);
 *  - the server leaving TCP open for the client to drop (RFC 6455 §7.1.1 "SHOULD be closed first
 *    by the server") is NON-STRICT, as is failing the connection without a close frame (§7.1.7
 *    "the endpoint SHOULD send a Close frame with an appropriate status code");
 *  - a message of 64 KiB or more refused with 1009 Message Too Big (or 1008 Policy Violation, a
 *    limit such as ws's 16,384 fragments) is UNIMPLEMENTED (§7.4.1).
 *
 * It also finds the first wrong byte and marks it on its frame in the wire log.
 */
import { closeCodeInfo, toHex } from '../src/protocol/index.ts';
import type { Behavior, CaseReport, CloseBehavior, WireFrame, WireMark } from '../src/wire/conformance.ts';
import { sameEvent, sameEvents, type CaseState, type FuzzCase, type Received } from './case.ts';
import type { FrameRef, FuzzingClient } from './client.ts';

/** Autobahn's Case.onConnectionLost, rule for rule (before the case's own hook). */
export function judgeAutobahn(p: FuzzingClient, c: CaseState): void {
  for (const key of ['OK', 'NON-STRICT'] as const) {
    const list = c.expected[key];
    if (list !== undefined && sameEvents(c.received, list)) {
      c.behavior = key;
      c.result = 'Actual events match at least one expected.';
      break;
    }
  }
  if (!p.connectionWasOpen) {
    c.behaviorClose = 'FAILED';
    c.resultClose = 'The WebSocket opening handshake was never completed!';
    return;
  }
  const e = c.expectedClose;
  if (e.closedByMe !== p.closedByMe) {
    c.behaviorClose = 'FAILED';
    c.resultClose = 'The connection was failed by the wrong endpoint';
  } else if (e.requireClean && !p.wasClean) {
    c.behaviorClose = 'UNCLEAN';
    c.resultClose = 'The spec requires the connection to be failed cleanly here';
  } else if (p.remoteCloseCode !== null && !e.closeCode.includes(p.remoteCloseCode)) {
    c.behaviorClose = 'WRONG CODE';
    c.resultClose = `The close code should have been ${e.closeCode.join(',')} or empty`;
  } else if (p.droppedByMe) {
    c.behaviorClose = 'FAILED BY CLIENT';
    c.resultClose = 'It is preferred that the server close the TCP connection';
  } else {
    c.behaviorClose = 'OK';
    c.resultClose = 'Connection was properly closed';
  }
  if (e.closedByWrongEndpointIsFatal && e.closedByMe !== p.closedByMe) c.behavior = 'FAILED';
}

/** The verdict and the sentences for the report, after the case's own onConnectionLost ran. */
export function verdict(def: FuzzCase, p: FuzzingClient, c: CaseState): Pick<CaseReport, 'behavior' | 'behaviorClose' | 'result'> {
  const close = closeSentence(p, c);
  const got = `Received: ${describeList(c.received)}.`;
  const notes = c.notes.length > 0 ? ` Notes: ${c.notes.join('; ')}.` : '';
  const say = (behavior: Behavior, behaviorClose: CloseBehavior, ...parts: string[]): Pick<CaseReport, 'behavior' | 'behaviorClose' | 'result'> => ({
    behavior,
    behaviorClose,
    result: `${parts.filter((x) => x !== '').join(' ')}${notes}`,
  });

  if (!p.connectionWasOpen) {
    const why = p.connectError !== null
      ? `The grader could not open TCP to the server (${p.connectError}).`
      : p.handshakeTimedOut
        ? 'The server did not answer the opening handshake in time.'
        : p.violation !== null
          ? `The opening handshake failed: ${p.violation.replace(/^opening handshake: /, '')}`
          : 'The server closed TCP before answering the opening handshake.';
    return say('FAILED', 'FAILED', why);
  }
  if (c.behavior === 'INFORMATIONAL') return say('INFORMATIONAL', 'INFORMATIONAL', got, close);
  if (def.bigMessage && (p.remoteCloseCode === 1009 || p.remoteCloseCode === 1008) && p.violation === null) {
    const why = p.remoteCloseCode === 1009 ? 'a message this big with 1009 Message Too Big' : 'this message with 1008 Policy Violation (a limit of its own, such as on the number of fragments)';
    return say('UNIMPLEMENTED', 'UNIMPLEMENTED', `The server refused ${why}, which RFC 6455 §7.4.1 allows: this case is not graded.`, closeSentence(p, c, false));
  }
  markFirstWrongByte(p, c);
  if (p.violation !== null) return say('FAILED', c.behaviorClose, `The server broke a rule in what it sent: ${p.violation}`, got, close);
  if (c.behavior === 'FAILED') return say('FAILED', c.behaviorClose, eventsSentence(c), close);
  if (c.contentOk === false) return say('FAILED', c.behaviorClose, 'The echo has the right type and length but different bytes (see the mark in the wire log).', close);
  if (c.behaviorClose === 'FAILED' || c.behaviorClose === 'UNCLEAN') return say('FAILED', c.behaviorClose, got, close);
  if (c.behavior === 'NON-STRICT') {
    return say('NON-STRICT', c.behaviorClose, got, 'That is what a lenient server does; a strict one answers as the OK list says (see the expectation).', close);
  }
  if (c.behaviorClose === 'WRONG CODE' || c.behaviorClose === 'FAILED BY CLIENT') return say('NON-STRICT', c.behaviorClose, got, close);
  if (!c.expectedClose.closedByMe && !p.closedByMe && p.remoteCloseCode === null && p.remoteCloseFrame === null) {
    return say('NON-STRICT', c.behaviorClose, got, close, 'RFC 6455 §7.1.7: a server that fails the connection "SHOULD send a Close frame with an appropriate status code" first.');
  }
  return say('OK', c.behaviorClose, got, close);
}

/** How the connection ended, in a sentence. */
function closeSentence(p: FuzzingClient, c: CaseState, withAutobahn = true): string {
  const code = (n: number | null): string => (n === null ? 'no status code' : `${n} ${closeCodeInfo(n).name}`);
  const reason = p.remoteCloseReason ? ` (reason ${JSON.stringify(p.remoteCloseReason.slice(0, 60))})` : '';
  // A stream that ended inside a frame: the server stopped (closed TCP, or crashed) while it was sending.
  const u = p.unfinished;
  const part = u === null ? '' : `${u.have} byte${u.have === 1 ? '' : 's'} of it had arrived, ${u.needed} more ${u.needed === 1 ? 'was' : 'were'} needed`;
  let first: string;
  if (p.fault !== null) {
    first = 'The grader failed the connection and read nothing more from the server (RFC 6455 §7.1.7)';
  } else if (p.closedByMe) {
    first = p.remoteCloseFrame !== null
      ? `The grader closed the connection; the server answered with ${code(p.remoteCloseCode)}${reason}`
      : 'The grader closed the connection; the server never sent a close frame back';
  } else if (p.remoteCloseFrame !== null) {
    first = `The server closed the connection with ${code(p.remoteCloseCode)}${reason}`;
  } else if (p.droppedByMe && !p.serverClosedTcp) {
    first = 'Neither side sent a close frame: the grader gave up on the connection';
  } else if (u !== null) {
    first = `The server's stream ended in the middle of a frame (${part}), with no close frame: it closed TCP, or crashed, while sending`;
  } else {
    first = 'The server closed TCP without a close frame';
  }
  const serverEnded = first.startsWith('The server closed TCP') || first.startsWith("The server's stream ended");
  const tcp = serverEnded
    ? ''
    : p.serverClosedTcp && !p.droppedByMe
      ? u !== null ? `; then the server's stream ended in the middle of a frame (${part}): it closed TCP, or crashed, while sending` : '; then the server closed TCP'
      : `; the grader had to drop TCP${u !== null ? `, with the server's last frame unfinished (${part})` : ''}`;
  return `${first}${tcp}.${autobahnOf(p, c, withAutobahn)}`;
}

/** Autobahn's verdict on the close, in brackets, when it adds something. */
function autobahnOf(p: FuzzingClient, c: CaseState, withAutobahn: boolean): string {
  // Autobahn's close verdict ("failed by the wrong endpoint") would blame the server for the grader giving up.
  return c.behaviorClose === 'OK' || !withAutobahn || p.fault !== null || p.gaveUp !== null ? '' : ` (${c.behaviorClose}: ${c.resultClose})`;
}

function eventsSentence(c: CaseState): string {
  const expected = c.expected['OK'];
  if (expected === undefined) return `${c.result}.`.replace(/\.\.$/, '.');
  const strict = c.expected['NON-STRICT'];
  const lenient = strict !== undefined ? ` (or, lenient: ${describeList(strict)})` : '';
  return `Expected: ${describeList(expected)}${lenient}. Received: ${describeList(c.received)}.`;
}

/** Events told one by one; a longer list is told by its first four, how many more, and its last. */
const TOLD = 6;

export function describeList(list: readonly Received[]): string {
  if (list.length === 0) return 'nothing';
  if (list.length <= TOLD) return list.map(describeEvent).join(', then ');
  const first = list.slice(0, TOLD - 2).map(describeEvent).join(', then ');
  return `${list.length} in all: ${first}, then ${list.length - TOLD + 1} more, then ${describeEvent(list.at(-1)!)}`;
}

export function describeEvent(e: Received): string {
  if (e[0] === 'timeout') return `a pause (${e[1]}) with the connection still open`;
  const data = e[1];
  const n = `${data.length} byte${data.length === 1 ? '' : 's'}`;
  const what = e[0] === 'message' ? `a ${e[2] ? 'binary' : 'text'} message of ${n}` : `a ${e[0]} of ${n}`;
  if (data.length === 0) return what;
  // Text (a text message, or a ping's or pong's payload that reads as text) is quoted; anything else is hex.
  const text = e[0] === 'message' && e[2] ? null : readable(data.subarray(0, 40));
  const shown = text !== null ? JSON.stringify(text) : toHex(data.subarray(0, 16), ' ');
  return `${what} ${shown}${data.length > (text !== null ? 40 : 16) ? '…' : ''}`;
}

/** The bytes as text, when they are printable UTF-8 (a cut at the end allowed), else null. */
function readable(bytes: Uint8Array): string | null {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes).replace(/\ufffd$/, '');
  return /[\x00-\x1f\x7f-\x9f\ufffd]/.test(text) ? null : text;
}

// ---- the first wrong byte -------------------------------------------------------------------

function mark(entry: WireFrame, m: WireMark): void {
  if (entry.mark === null) entry.mark = m;
}

/** Make sure the entry's kept bytes reach `offset` (a mark deep in a long frame). */
function reach(ref: FrameRef, offsetInFrame: number): void {
  const have = ref.entry.bytes.length / 2;
  if (offsetInFrame < have) return;
  const keep = Math.min(ref.entry.size, offsetInFrame + 33, 64 * 1024);
  const header = ref.entry.bytes.slice(0, ref.headerLength * 2);
  ref.entry.bytes = header + toHex(ref.payload.subarray(0, Math.max(0, keep - ref.headerLength)));
  ref.entry.truncated = keep < ref.entry.size;
}

/** Mark the byte `index` of a message's payload, on the frame it is in. */
function markPayloadByte(frames: readonly FrameRef[], index: number, text: string): void {
  let at = 0;
  for (const ref of frames) {
    if (index < at + ref.payload.length || ref === frames[frames.length - 1]) {
      const inFrame = ref.headerLength + Math.min(index - at, Math.max(0, ref.payload.length - 1));
      reach(ref, inFrame);
      mark(ref.entry, { offset: ref.entry.offset + inFrame, length: 1, text });
      return;
    }
    at += ref.payload.length;
  }
}

/** 9.x: mark where the last message received first differs from what was sent. */
export function markDifference(p: FuzzingClient, got: Uint8Array, sent: Uint8Array): void {
  const frames = p.receivedFrames.at(-1) ?? [];
  let k = 0;
  while (k < got.length && k < sent.length && got[k] === sent[k]) k++;
  if (k < got.length && k < sent.length) markPayloadByte(frames, k, `Payload byte ${k} is 0x${got[k]!.toString(16).padStart(2, '0')}; the grader sent 0x${sent[k]!.toString(16).padStart(2, '0')}.`);
  else if (frames[0]) mark(frames[0].entry, { offset: frames[0].entry.offset + 1, length: Math.max(1, frames[0].headerLength - 1), text: `The payload is ${got.length} bytes long; the grader sent ${sent.length}.` });
}

const KIND: Record<Received[0], string> = { message: 'message', ping: 'ping', pong: 'pong', timeout: 'pause' };

function markFirstWrongByte(p: FuzzingClient, c: CaseState): void {
  // A rule broken in the server's bytes: the codec's fault says where.
  if (p.fault !== null) {
    const entry = p.faultEntry;
    if (entry) mark(entry, { offset: p.fault.offset, length: p.fault.length, text: p.fault.message });
    return;
  }
  const expected = c.expected['OK'];
  if (expected !== undefined && !sameEvents(c.received, expected)) {
    for (let i = 0; i < c.received.length; i++) {
      const got = c.received[i]!;
      const want = expected[i];
      const frames = p.receivedFrames[i] ?? [];
      const first = frames[0];
      if (first === undefined) continue;
      if (want === undefined) {
        mark(first.entry, { offset: first.entry.offset, length: 1, text: `Unexpected ${describeEvent(got)}: a correct server sends nothing more here.` });
        return;
      }
      if (sameEvent(got, want)) continue;
      if (got[0] !== want[0] || (got[0] === 'message' && want[0] === 'message' && got[2] !== want[2])) {
        const kind = want[0] === 'message' ? `a ${want[2] ? 'binary' : 'text'} message` : `a ${KIND[want[0]]}`;
        mark(first.entry, { offset: first.entry.offset, length: 1, text: `Expected ${kind} here (${describeEvent(want)}); this frame's opcode says ${describeEvent(got)}.` });
        return;
      }
      if (want[0] !== 'timeout' && got[0] !== 'timeout') {
        const a = got[1];
        const b = want[1];
        let k = 0;
        while (k < a.length && k < b.length && a[k] === b[k]) k++;
        if (k < a.length && k < b.length) {
          markPayloadByte(frames, k, `Payload byte ${k} is 0x${a[k]!.toString(16).padStart(2, '0')}; the grader sent 0x${b[k]!.toString(16).padStart(2, '0')}.`);
        } else {
          mark(first.entry, { offset: first.entry.offset + 1, length: Math.max(1, first.headerLength - 1), text: `The payload is ${a.length} bytes long; the grader sent ${b.length}.` });
        }
      }
      return;
    }
  }
  // A wrong close code: mark it in the server's close frame.
  const e = c.expectedClose;
  const ref = p.remoteCloseFrame;
  if (ref !== null && p.remoteCloseCode !== null && !e.closeCode.includes(p.remoteCloseCode)) {
    reach(ref, ref.headerLength + 1);
    mark(ref.entry, { offset: ref.entry.offset + ref.headerLength, length: 2, text: `Close code ${p.remoteCloseCode}; expected ${[...new Set(e.closeCode)].join(' or ')}.` });
  }
}
