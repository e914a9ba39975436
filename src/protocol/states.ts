/**
 * The connection's states and what may happen in each, as one table (in the manner of h11's
 * `_state.py`), so the page can draw it and the code cannot disagree with the drawing.
 * The names are the WebSocket API's readyState values (RFC 6455 §4.1, §7; WHATWG WebSockets).
 */

export type ReadyState = 'CONNECTING' | 'OPEN' | 'CLOSING' | 'CLOSED';

export type StateEvent =
  | 'handshake-ok'
  | 'handshake-failed'
  | 'send-data'
  | 'receive-data'
  | 'send-close'
  | 'receive-close'
  | 'fault'
  | 'tcp-closed';

export interface Transition {
  from: ReadyState;
  event: StateEvent;
  to: ReadyState;
  rfc: string;
  note: string;
}

export const READY_STATE_VALUES: Record<ReadyState, number> = { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 };

export const TRANSITIONS: readonly Transition[] = [
  { from: 'CONNECTING', event: 'handshake-ok', to: 'OPEN', rfc: '4.1', note: 'The server answered 101 with a correct Sec-WebSocket-Accept: the connection is established.' },
  { from: 'CONNECTING', event: 'handshake-failed', to: 'CLOSED', rfc: '4.1', note: 'Any other answer fails the connection before it opens.' },
  { from: 'CONNECTING', event: 'tcp-closed', to: 'CLOSED', rfc: '4.1', note: 'The TCP connection ended during the handshake.' },
  { from: 'OPEN', event: 'send-data', to: 'OPEN', rfc: '6.1', note: 'Either side may send data frames and control frames at any time.' },
  { from: 'OPEN', event: 'receive-data', to: 'OPEN', rfc: '6.2', note: 'Messages and control frames arrive; pings are answered with pongs.' },
  { from: 'OPEN', event: 'send-close', to: 'CLOSING', rfc: '7.1.2', note: 'This end sent a Close frame and waits for the peer\u2019s; it sends no more data.' },
  { from: 'OPEN', event: 'receive-close', to: 'CLOSED', rfc: '5.5.1', note: 'The peer sent a Close frame; this end answers with one, and the connection is closed.' },
  { from: 'OPEN', event: 'fault', to: 'CLOSED', rfc: '7.1.7', note: 'A protocol violation: send a Close frame with the fault\u2019s code and drop the connection.' },
  { from: 'OPEN', event: 'tcp-closed', to: 'CLOSED', rfc: '7.1.5', note: 'TCP ended with no closing handshake: close code 1006, not clean.' },
  { from: 'CLOSING', event: 'receive-data', to: 'CLOSING', rfc: '5.5.2', note: 'Data may still arrive until the peer\u2019s Close frame, and pings are still answered: only a Close frame received excuses the pong.' },
  { from: 'CLOSING', event: 'receive-close', to: 'CLOSED', rfc: '7.1.4', note: 'Both Close frames exchanged: the connection closed cleanly; the server closes TCP first.' },
  { from: 'CLOSING', event: 'fault', to: 'CLOSED', rfc: '7.1.7', note: 'A protocol violation while closing: drop the connection.' },
  { from: 'CLOSING', event: 'tcp-closed', to: 'CLOSED', rfc: '7.1.5', note: 'TCP ended before the peer\u2019s Close frame: not clean.' },
];

/** The state after `event` in `from`. Throws when the table has no such transition (caller misuse). */
export function nextState(from: ReadyState, event: StateEvent): ReadyState {
  for (const t of TRANSITIONS) if (t.from === from && t.event === event) return t.to;
  throw new Error(`no transition for ${event} in state ${from}`);
}

export function canHappen(from: ReadyState, event: StateEvent): boolean {
  return TRANSITIONS.some((t) => t.from === from && t.event === event);
}
