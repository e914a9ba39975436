/**
 * The grader's formats (docs/conformance.md), shared by conformance/ (which writes them), server/
 * (the `/conformance` endpoint that streams a run) and src/app/ (the #/conformance page that reads
 * them): the report `npm run conformance -- --json` prints, the wire log of each case, the
 * endpoint's messages, and the sections of cases with the RFC 6455 sections that decide them.
 * Pure types and tables: no DOM, no Node.
 */
import type { Fault } from '../protocol/index.ts';

/**
 * A case's verdict, as Autobahn|Testsuite names them, plus `NOT PLAYED` (ours): a case the grader
 * never played (the server went away, or stayed silent through the cases before it in its
 * subgroup). It says nothing about the server's code, so it is not counted as FAILED.
 */
export const NOT_PLAYED = 'NOT PLAYED';
export const BEHAVIORS = ['OK', 'NON-STRICT', 'INFORMATIONAL', 'UNIMPLEMENTED', 'FAILED', NOT_PLAYED] as const;
export type Behavior = (typeof BEHAVIORS)[number];

/** How the connection ended, as Autobahn names it (`behaviorClose`). */
export const WRONG_CODE = 'WRONG CODE';
export const FAILED_BY_CLIENT = 'FAILED BY CLIENT';
export const CLOSE_BEHAVIORS = ['OK', 'FAILED', WRONG_CODE, 'UNCLEAN', FAILED_BY_CLIENT, 'INFORMATIONAL', 'UNIMPLEMENTED', NOT_PLAYED] as const;
export type CloseBehavior = (typeof CLOSE_BEHAVIORS)[number];

export type WireDirection = 'client-to-server' | 'server-to-client';

/**
 * The first wrong byte (or character of an HTTP head) that the grader found, and why: where the
 * server's answer first differs from what a correct server sends. `offset` is a stream offset in
 * the entry's direction (frames) or an index in `head` (HTTP).
 */
export interface WireMark {
  offset: number;
  length: number;
  text: string;
}

/** An HTTP head of the opening handshake: the grader's request or the server's response. */
export interface WireHttp {
  kind: 'http';
  /** Milliseconds since the case started. */
  t: number;
  direction: WireDirection;
  head: string;
  mark: WireMark | null;
}

/** One frame, as its bytes crossed the wire (the first bytes only when `truncated`). */
export interface WireFrame {
  kind: 'frame';
  t: number;
  direction: WireDirection;
  /** Stream offset of the frame's first byte, in its direction (bytes after the opening handshake). */
  offset: number;
  /** Size on the wire: header and payload. */
  size: number;
  /** Lowercase hex without separators. */
  bytes: string;
  truncated: boolean;
  opcode: number;
  fin: boolean;
  payloadLength: number;
  /**
   * The rule these bytes break, from the codec (src/protocol): for the server's frames, what the
   * grader found wrong; for the grader's own frames, the mistake it made on purpose, which the
   * server had to notice.
   */
  fault: Fault | null;
  mark: WireMark | null;
  /** How it was written, when that matters ("in chops of 1 byte"). */
  note: string | null;
}

/** Bytes that are not a whole frame: what followed a fault, or a stream that ended mid-frame. */
export interface WireBytes {
  kind: 'bytes';
  t: number;
  direction: WireDirection;
  offset: number;
  bytes: string;
  truncated: boolean;
  note: string;
}

/** Something that happened without bytes: TCP closed, a timer, the grader giving up. */
export interface WireEvent {
  kind: 'event';
  t: number;
  text: string;
}

export type WireEntry = WireHttp | WireFrame | WireBytes | WireEvent;

/** One case of a run. */
export interface CaseReport {
  /** Autobahn's case id ("1.1.1", "5.19"), or one of ours ("x.0.5"). */
  id: string;
  description: string;
  /** What a correct server does, and the RFC section that says so. */
  expectation: string;
  behavior: Behavior;
  behaviorClose: CloseBehavior;
  /** What the server did, in sentences. */
  result: string;
  durationMs: number;
  wire: WireEntry[];
}

export type Summary = Record<Behavior, number>;

/** What `npm run conformance -- --json` prints. */
export interface ConformanceReport {
  /** The URL graded, "ws://127.0.0.1:9001/". */
  target: string;
  /** ISO 8601. */
  startedAt: string;
  durationMs: number;
  cases: CaseReport[];
  summary: Summary;
}

export function emptySummary(): Summary {
  return { OK: 0, 'NON-STRICT': 0, INFORMATIONAL: 0, UNIMPLEMENTED: 0, FAILED: 0, [NOT_PLAYED]: 0 };
}

export function summarize(cases: readonly Pick<CaseReport, 'behavior'>[]): Summary {
  const summary = emptySummary();
  for (const c of cases) summary[c.behavior]++;
  return summary;
}

// ---- sections --------------------------------------------------------------------------------

export interface Section {
  /** The id prefix: "1", "7.9", "x.0". A case belongs to the longest prefix that matches it. */
  prefix: string;
  name: string;
  /** The RFC 6455 sections that decide the cases. */
  rfc: string[];
  /** What the cases check, in a sentence for a student. */
  checks: string;
  /** A top-level group (its prefix has no dot, or is x.N) or a subsection with its own RFC. */
  group: boolean;
}

/**
 * The groups of cases (Autobahn's sections 1-7, 9, 10, plus ours, which start with "x.") and the
 * few subsections that rest on another part of the RFC. Listed in the order a run plays them.
 */
export const SECTIONS: readonly Section[] = [
  { prefix: 'x.0', name: 'Opening handshake', rfc: ['4.2.1', '4.2.2'], group: true, checks: 'A valid upgrade gets 101 with the right Sec-WebSocket-Accept and nothing the client did not offer; a wrong version gets 426 with Sec-WebSocket-Version; a request with a missing or bad key, no Upgrade or Connection, or not a GET gets a 4xx, never 101.' },
  { prefix: '1', name: 'Framing', rfc: ['5.2', '5.6'], group: true, checks: 'Text and binary messages at every payload length form (7-bit, 16-bit, 64-bit), also written in small chops, come back unchanged.' },
  { prefix: '2', name: 'Pings/Pongs', rfc: ['5.5.2', '5.5.3'], group: true, checks: 'Every ping is answered by a pong with the same payload; an unsolicited pong is ignored; a ping over 125 bytes fails the connection.' },
  { prefix: '3', name: 'Reserved bits', rfc: ['5.2'], group: true, checks: 'A frame with RSV1, RSV2 or RSV3 set, with no extension negotiated, fails the connection.' },
  { prefix: '4', name: 'Opcodes', rfc: ['5.2'], group: true, checks: 'A frame with a reserved opcode (0x3-0x7, 0xB-0xF) fails the connection.' },
  { prefix: '5', name: 'Fragmentation', rfc: ['5.4'], group: true, checks: 'Fragments are joined into one message, with control frames allowed between them; a fragmented control frame, a continuation with nothing to continue, or a new message inside an unfinished one fails the connection.' },
  { prefix: '6', name: 'UTF-8 handling', rfc: ['8.1', '5.6'], group: true, checks: 'Text messages must be valid UTF-8: valid text comes back, invalid text fails the connection with 1007, as soon as the first impossible byte arrives.' },
  { prefix: '7', name: 'Close handling', rfc: ['7.1', '5.5.1'], group: true, checks: 'A close frame is answered by a close frame, then the server closes TCP; nothing is sent after a close; close payloads and codes are checked.' },
  { prefix: '7.3', name: 'Close frame payloads', rfc: ['5.5.1', '5.5'], group: false, checks: 'A close payload is empty, or a 2-byte code and a UTF-8 reason, 125 bytes at most.' },
  { prefix: '7.5', name: 'Close reason UTF-8', rfc: ['5.5.1', '8.1'], group: false, checks: 'A close reason must be valid UTF-8.' },
  { prefix: '7.7', name: 'Valid close codes', rfc: ['7.4.1', '7.4.2'], group: false, checks: 'A valid close code is answered with a clean close.' },
  { prefix: '7.9', name: 'Invalid close codes', rfc: ['7.4.1', '7.4.2'], group: false, checks: 'A close code that may not be sent (0-999, 1004-1006, 1016-2999, ...) fails the connection with 1002.' },
  { prefix: '7.13', name: 'Close codes past the registry', rfc: ['7.4.2'], group: false, checks: 'Codes 5000 and up: informational.' },
  { prefix: '9', name: 'Limits/Performance', rfc: ['5.2', '10.4'], group: true, checks: 'Messages up to 16 MiB, in one frame, in fragments or in small chops, come back byte for byte; 1,000 round trips finish in time. A server may refuse a message too big for it with 1009 (then the case is UNIMPLEMENTED, not FAILED).' },
  { prefix: '10', name: 'Misc', rfc: ['5.4'], group: true, checks: 'A message auto-fragmented by the client comes back whole.' },
  { prefix: 'x.1', name: 'Frames across TCP reads', rfc: ['5.2', '5.4'], group: true, checks: 'TCP is a byte stream: a frame split across reads (inside its header, its length, its masking key, its payload), several frames in one read, and a frame plus a close in one read are all handled.' },
  { prefix: 'x.6', name: 'UTF-8 in long payloads', rfc: ['8.1'], group: true, checks: 'The UTF-8 rules of section 6 after long runs of ASCII and across reads, where a validator may take a faster path.' },
];

/** The section a case id belongs to: the longest matching prefix. */
export function sectionOf(id: string): Section | null {
  let best: Section | null = null;
  for (const s of SECTIONS) {
    if ((id === s.prefix || id.startsWith(`${s.prefix}.`)) && (best === null || s.prefix.length > best.prefix.length)) best = s;
  }
  return best;
}

/** The top-level group a case id belongs to ("7.9.3" -> section "7"). */
export function groupOf(id: string): Section | null {
  let best: Section | null = null;
  for (const s of SECTIONS) {
    if (!s.group) continue;
    if ((id === s.prefix || id.startsWith(`${s.prefix}.`)) && (best === null || s.prefix.length > best.prefix.length)) best = s;
  }
  return best;
}

/** The RFC 6455 sections that decide a case ("§5.5.2, §5.5.3"). */
export function rfcOf(id: string): string[] {
  return sectionOf(id)?.rfc ?? [];
}

// ---- the /conformance endpoint ---------------------------------------------------------------

/** Page -> server: start a run (one at a time per connection), or stop it. */
export type ConformanceRequest =
  | { type: 'run'; target: string; cases?: string; timeout?: number }
  | { type: 'cancel' };

/** Server -> page. Every message is one JSON text message. */
export type ConformanceEvent =
  | { type: 'refused'; target: string | null; reason: string }
  | { type: 'started'; target: string; startedAt: string; total: number; ids: string[] }
  | { type: 'case'; index: number; total: number; case: CaseReport }
  | { type: 'done'; target: string; startedAt: string; durationMs: number; summary: Summary; stopped: string | null }
  | { type: 'error'; message: string };

/** The endpoint's path on a Framescope server. */
export const CONFORMANCE_PATH = '/conformance';
