/**
 * The connection's states and every move between them, as one table (in the manner of h11's
 * `_state.py`). The table decides: `WebSocketConnection` changes state only through
 * `nextState()` over it, asks it what the state allows (may data be sent? is input still
 * read?), and a move it lacks throws, since that is a bug in the code, not in the peer. The page
 * can draw the same table.
 *
 * CLOSING is split by who has sent what, and TCP's end is a state of its own; `READY_STATE_OF`
 * maps each state to the four readyStates of the WebSocket API (RFC 6455 §4.1, §7.1.3, §7.1.4;
 * WHATWG WebSockets) that the page draws.
 */

export type ReadyState = 'CONNECTING' | 'OPEN' | 'CLOSING' | 'CLOSED';

export const READY_STATE_VALUES: Record<ReadyState, number> = { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 };

export const CONNECTION_STATES = ['CONNECTING', 'OPEN', 'CLOSE_SENT', 'CLOSE_RECEIVED', 'CLOSING_TCP', 'CLOSED'] as const;

/**
 * - CONNECTING: the opening handshake (done before a `WebSocketConnection` exists).
 * - OPEN: messages both ways.
 * - CLOSE_SENT: this end sent a Close frame and waits for the peer's; it still reads (and answers pings).
 * - CLOSE_RECEIVED: the peer's Close frame came first; this end owes its own.
 * - CLOSING_TCP: the closing handshake is over, or the connection failed: nothing more is read or
 *   sent, and the TCP connection is to be closed, by the server first (§7.1.1).
 * - CLOSED: the TCP connection is closed (§7.1.4).
 */
export type ConnectionState = (typeof CONNECTION_STATES)[number];

export const READY_STATE_OF: Readonly<Record<ConnectionState, ReadyState>> = {
  CONNECTING: 'CONNECTING',
  OPEN: 'OPEN',
  CLOSE_SENT: 'CLOSING',
  CLOSE_RECEIVED: 'CLOSING',
  // RFC 6455 §7.1.4: "When the underlying TCP connection is closed, it is said that _The
  // WebSocket Connection is Closed_ and that the WebSocket connection is in the CLOSED state."
  CLOSING_TCP: 'CLOSING',
  CLOSED: 'CLOSED',
};

export type StateEvent =
  | 'handshake-ok'
  | 'handshake-failed'
  /** A data frame (text, binary, continuation) sent. */
  | 'send-data'
  /** A ping or pong sent (by the caller, or a pong in answer). */
  | 'send-control'
  /** A frame received and read (anything but a Close frame). */
  | 'receive-data'
  | 'send-close'
  | 'receive-close'
  /** _Fail the WebSocket Connection_ (§7.1.7): a fault in what the peer sent, or the caller's abort. */
  | 'fail'
  /** The TCP connection ended (the peer closed it, or it dropped). */
  | 'tcp-closed';

export interface Transition {
  from: ConnectionState;
  event: StateEvent;
  to: ConnectionState;
  rfc: string;
  note: string;
}

export const TRANSITIONS: readonly Transition[] = [
  { from: 'CONNECTING', event: 'handshake-ok', to: 'OPEN', rfc: '4.1', note: 'The server answered 101 with a correct Sec-WebSocket-Accept: the connection is established.' },
  { from: 'CONNECTING', event: 'handshake-failed', to: 'CLOSED', rfc: '4.1', note: 'Any other answer fails the connection before it opens.' },
  { from: 'CONNECTING', event: 'tcp-closed', to: 'CLOSED', rfc: '4.1', note: 'The TCP connection ended during the handshake.' },

  { from: 'OPEN', event: 'send-data', to: 'OPEN', rfc: '6.1', note: 'Either side may send messages at any time.' },
  { from: 'OPEN', event: 'send-control', to: 'OPEN', rfc: '5.5.2', note: 'Pings and pongs may be sent at any time; a ping received is answered with a pong.' },
  { from: 'OPEN', event: 'receive-data', to: 'OPEN', rfc: '6.2', note: 'Messages and control frames arrive.' },
  { from: 'OPEN', event: 'send-close', to: 'CLOSE_SENT', rfc: '7.1.2', note: 'This end starts the closing handshake: it sends a Close frame and no more data after it.' },
  { from: 'OPEN', event: 'receive-close', to: 'CLOSE_RECEIVED', rfc: '7.1.3', note: 'The peer starts the closing handshake: this end must answer with a Close frame.' },
  { from: 'OPEN', event: 'fail', to: 'CLOSING_TCP', rfc: '7.1.7', note: 'A protocol violation (or this end gives up): send a Close frame with the code, read nothing more, close TCP.' },
  { from: 'OPEN', event: 'tcp-closed', to: 'CLOSED', rfc: '7.1.5', note: 'TCP ended with no closing handshake: close code 1006, not clean.' },

  { from: 'CLOSE_SENT', event: 'send-control', to: 'CLOSE_SENT', rfc: '5.5.2', note: 'A ping received while closing is still answered: only a Close frame received excuses the pong.' },
  { from: 'CLOSE_SENT', event: 'receive-data', to: 'CLOSE_SENT', rfc: '5.1', note: 'The peer may send data until it sends its own Close frame, so this end still reads.' },
  { from: 'CLOSE_SENT', event: 'receive-close', to: 'CLOSING_TCP', rfc: '5.5.1', note: 'Both Close frames exchanged: the WebSocket connection is closed cleanly; TCP is closed next.' },
  { from: 'CLOSE_SENT', event: 'fail', to: 'CLOSING_TCP', rfc: '7.1.7', note: 'A protocol violation while closing: read nothing more, close TCP (the Close frame is already sent).' },
  { from: 'CLOSE_SENT', event: 'tcp-closed', to: 'CLOSED', rfc: '7.1.5', note: 'TCP ended before the peer\u2019s Close frame: close code 1006, not clean.' },

  { from: 'CLOSE_RECEIVED', event: 'send-close', to: 'CLOSING_TCP', rfc: '5.5.1', note: 'This end answers with its Close frame, echoing the code: the closing handshake is complete.' },

  { from: 'CLOSING_TCP', event: 'tcp-closed', to: 'CLOSED', rfc: '7.1.4', note: 'TCP is closed: the WebSocket connection is closed.' },
];

/** `TRANSITIONS` as a lookup (see `compileTransitions`). */
export type TransitionTable = Readonly<Record<ConnectionState, Partial<Record<StateEvent, ConnectionState>>>>;

/** The table as a lookup: state, then event, to the next state. */
export function compileTransitions(transitions: readonly Transition[] = TRANSITIONS): TransitionTable {
  const table = Object.fromEntries(CONNECTION_STATES.map((s) => [s, {}])) as Record<ConnectionState, Partial<Record<StateEvent, ConnectionState>>>;
  for (const t of transitions) {
    if (table[t.from][t.event] !== undefined) throw new Error(`two transitions for ${t.event} in state ${t.from}`);
    table[t.from][t.event] = t.to;
  }
  return table;
}

const TABLE = compileTransitions();

/** The state after `event` in `from`. Throws when the table has no such transition: a bug in the caller. */
export function nextState(from: ConnectionState, event: StateEvent, table: TransitionTable = TABLE): ConnectionState {
  const to = table[from][event];
  if (to === undefined) throw new Error(`no transition for ${event} in state ${from} (states.ts TRANSITIONS)`);
  return to;
}

/** May `event` happen in `from`? */
export function canHappen(from: ConnectionState, event: StateEvent, table: TransitionTable = TABLE): boolean {
  return table[from][event] !== undefined;
}
