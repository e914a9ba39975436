/** What the case files share: expected events, the usual expected closes, and the usual words. */
import { bytes, CLOSE_NORMAL, CLOSE_PROTOCOL_ERROR, type Bytes, type CaseState, type Received } from '../case.ts';
import type { FuzzingClient } from '../client.ts';

export const msg = (payload: Bytes, binary = false): Received => ['message', bytes(payload), binary];
export const pong = (payload: Bytes = ''): Received => ['pong', bytes(payload)];
export const timeout = (tag: string): Received => ['timeout', tag];
export const times = (s: string, n: number): string => s.repeat(n);
export const fe = (n: number): Buffer => Buffer.alloc(n, 0xfe);

/** Normal: the client closes after the expected events, and expects 1000 back, cleanly. */
export function normalClose(c: CaseState): void {
  c.expectedClose = { closedByMe: true, closeCode: [CLOSE_NORMAL], requireClean: true };
}

/** Failure: the server must fail the connection (close with `code`, or drop TCP). */
export function serverFails(c: CaseState, code = CLOSE_PROTOCOL_ERROR, fatal = false): void {
  c.expectedClose = { closedByMe: false, closeCode: [code], requireClean: false, ...(fatal ? { closedByWrongEndpointIsFatal: true } : {}) };
}

/** 7.x: a WRONG CODE close fails the whole case (Autobahn's case7_*.py). */
export function wrongCodeFails(_p: FuzzingClient, c: CaseState): void {
  if (c.behaviorClose === 'WRONG CODE') {
    c.behavior = 'FAILED';
    c.result = c.resultClose;
  }
}

export function informational(_p: FuzzingClient, c: CaseState): void {
  c.behavior = 'INFORMATIONAL';
  c.behaviorClose = 'INFORMATIONAL';
}

/** The closing words of most expectations. */
export const THEN_CLOSE = 'then the grader closes, and the server answers with a close frame (1000) and closes TCP (RFC 6455 §7.1.2, §5.5.1)';

/** The expectation of a case where the server must fail the connection. */
export function failsWith(rule: string, code = 1002): string {
  return `The server fails the connection: ${rule}, so it sends a close frame with ${code} ${code === 1007 ? 'Invalid Frame Payload Data' : 'Protocol Error'} (or drops TCP), and echoes nothing of it (RFC 6455 §7.1.7).`;
}
