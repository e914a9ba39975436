/**
 * What a case is, and what it records while it plays: the model of Autobahn|Testsuite's
 * `Case` (autobahntestsuite/case/case.py): expected event lists (`OK`, else `NON-STRICT`), an
 * expected close (`closedByMe`, `closeCode`, `requireClean`, `closedByWrongEndpointIsFatal`),
 * and the events received. Opening-handshake cases (x.0) are of their own kind: a request, and a
 * judgement of the answer.
 */
import type { CloseBehavior } from '../src/wire/conformance.ts';
import type { FuzzingClient } from './client.ts';
import type { HandshakeAnswer, HandshakeVerdict } from './handshake-case.ts';

export type EventsBehavior = 'OK' | 'NON-STRICT' | 'FAILED' | 'INFORMATIONAL' | 'UNIMPLEMENTED';

export const CLOSE_NORMAL = 1000;
export const CLOSE_GOING_AWAY = 1001;
export const CLOSE_PROTOCOL_ERROR = 1002;
export const CLOSE_INVALID_PAYLOAD = 1007;
export const CLOSE_MESSAGE_TOO_BIG = 1009;

/** An event the client received, as Autobahn lists them. */
export type Received =
  | readonly ['message', Buffer, boolean]
  | readonly ['ping', Buffer]
  | readonly ['pong', Buffer]
  | readonly ['timeout', string];

export interface ExpectedClose {
  closedByMe: boolean;
  closeCode: number[];
  requireClean: boolean;
  closedByWrongEndpointIsFatal?: boolean;
}

export type Bytes = Uint8Array | string;

/** A payload: strings are UTF-8 (the case files' literals are UTF-8 source); raw bytes come as Uint8Array. */
export function bytes(data: Bytes): Buffer {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
}

/** Raw bytes from hex, for the case files' '\\xce\\xba...' literals. */
export function hex(h: string): Buffer {
  return Buffer.from(h.replace(/\\x|\s+/g, ''), 'hex');
}

/** The state of one case while it plays (Autobahn's Case attributes). */
export class CaseState {
  expected: Partial<Record<'OK' | 'NON-STRICT', Received[]>> = {};
  expectedClose: ExpectedClose = { closedByMe: true, closeCode: [CLOSE_NORMAL], requireClean: true };
  suppressClose = false;
  received: Received[] = [];
  behavior: EventsBehavior = 'FAILED';
  behaviorClose: CloseBehavior = 'FAILED';
  result = 'Actual events differ from any expected.';
  resultClose = 'TCP connection was dropped without close handshake';
  /** Facts for the report (9.x: timings; what came back in an informational case). */
  notes: string[] = [];
  /** Content checks stricter than Autobahn's (which only compares lengths in 9.x). */
  contentOk: boolean | null = null;
  /** 9.x: the message sent, while its echo is awaited; messages sent so far. */
  sent: Buffer | null = null;
  count = 0;
}

interface CaseCommon {
  /** Autobahn's id ("1.1.1"), or ours ("x.0.5"). */
  id: string;
  description: string;
  /** What a correct server does, and the RFC section that says so. */
  expectation: string;
  /** Milliseconds this case needs at least, whatever `--timeout` says (its own timers and waits). */
  needs?: number;
  /** Play this case alone, with no other case at the same time (the 16 MiB ones). */
  exclusive?: boolean;
}

/** A case played over an open WebSocket connection, as in autobahntestsuite/case/*.py. */
export interface FuzzCase extends CaseCommon {
  kind?: 'fuzz';
  /** Set up expectations and send (Autobahn's onOpen). */
  onOpen(p: FuzzingClient, c: CaseState): void;
  /** Replace the default "record and finishWhenDone" for messages (the 9.x cases). */
  onMessage?(p: FuzzingClient, c: CaseState, payload: Buffer, binary: boolean): void;
  /** Adjust the verdict after the base rules ran (7.x: WRONG CODE fails the case; informational cases). */
  onConnectionLost?(p: FuzzingClient, c: CaseState): void;
  /**
   * The case sends a message of 64 KiB or more: a server may refuse it with 1009 Message Too Big
   * (RFC 6455 §7.4.1), which makes the case UNIMPLEMENTED, not FAILED.
   */
  bigMessage?: boolean;
}

/** An opening-handshake case (x.0): one request, written in pieces, and a judgement of the answer. */
export interface HandshakeCase extends CaseCommon {
  kind: 'handshake';
  /** The request head, in the pieces it is written in (with `gapMs` between them). */
  request(ctx: { host: string; path: string; key: string }): string[];
  gapMs?: number;
  judge(answer: HandshakeAnswer, key: string): HandshakeVerdict;
}

export type CaseDef = FuzzCase | HandshakeCase;

export function isHandshakeCase(def: CaseDef): def is HandshakeCase {
  return def.kind === 'handshake';
}

/** Do two event lists match (Autobahn's Case.compare)? */
export function sameEvents(a: readonly Received[], b: readonly Received[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameEvent(a[i]!, b[i]!)) return false;
  return true;
}

export function sameEvent(x: Received, y: Received): boolean {
  if (x[0] !== y[0]) return false;
  if (x[0] === 'timeout') return x[1] === y[1];
  if (!(x[1] as Buffer).equals(y[1] as Buffer)) return false;
  return x[0] !== 'message' || x[2] === (y as typeof x)[2];
}
