/**
 * The readyState timeline of one browser WebSocket: CONNECTING → OPEN → CLOSING → CLOSED with the
 * time of each step, the events the browser fired, what the page asked of it, and bufferedAmount.
 *
 * A reducer over plain values: `reduceTimeline(timeline, input)` returns a new timeline, so the
 * state module can hold it in `$state.raw` and tests can feed it inputs without a browser.
 * Times are milliseconds since the `WebSocket` was constructed.
 */
import { READY_STATES, type CloseSummary, type ReadyState } from './socket';

export { READY_STATES, type ReadyState };

export interface StateStep {
  state: ReadyState;
  /** When the page saw the step; null when the browser passed it without an event (see `note`). */
  t: number | null;
  note: string;
}

/** What happened, as the timeline lists it. Browser events first, then the page's own actions. */
export type TimelineEntry =
  | { type: 'open'; t: number; protocol: string; extensions: string }
  | { type: 'message'; t: number; kind: 'text' | 'binary'; size: number }
  | { type: 'error'; t: number }
  | ({ type: 'close'; t: number } & CloseSummary)
  | { type: 'send'; t: number; kind: 'text' | 'binary'; size: number; bufferedAmount: number }
  | { type: 'close-called'; t: number; code: number; reason: string }
  | { type: 'refused'; t: number; message: string };

export type TimelineInput =
  | TimelineEntry
  /** The page polled `readyState` and found CLOSING before any close event. */
  | { type: 'closing-seen'; t: number }
  | { type: 'buffered'; t: number; bufferedAmount: number };

export interface Timeline {
  /** 1 for the tab's first connection, then 2, 3, … */
  id: number;
  url: string;
  /** Wall-clock start (ms since the epoch), for the heading. */
  startedAt: number;
  state: ReadyState;
  steps: readonly StateStep[];
  /** The newest entries, oldest first; `omitted` counts older ones let go. */
  entries: readonly TimelineEntry[];
  omitted: number;
  close: CloseSummary | null;
  /** An error event fired (the browser failed the connection). */
  failed: boolean;
  bufferedAmount: number;
  maxBufferedAmount: number;
  messagesReceived: number;
  messagesSent: number;
}

/** The timeline keeps this many entries; a long session counts the rest in `omitted`. */
export const MAX_ENTRIES = 200;

export function createTimeline(id: number, url: string, startedAt: number): Timeline {
  return {
    id,
    url,
    startedAt,
    state: 'CONNECTING',
    steps: [{ state: 'CONNECTING', t: 0, note: 'new WebSocket(url): the browser opens TCP and sends the opening handshake.' }],
    entries: [],
    omitted: 0,
    close: null,
    failed: false,
    bufferedAmount: 0,
    maxBufferedAmount: 0,
    messagesReceived: 0,
    messagesSent: 0,
  };
}

function addEntry(timeline: Timeline, entry: TimelineEntry): Pick<Timeline, 'entries' | 'omitted'> {
  const over = timeline.entries.length + 1 - MAX_ENTRIES;
  if (over <= 0) return { entries: [...timeline.entries, entry], omitted: timeline.omitted };
  return { entries: [...timeline.entries.slice(over), entry], omitted: timeline.omitted + over };
}

function step(timeline: Timeline, state: ReadyState, t: number | null, note: string): readonly StateStep[] {
  return [...timeline.steps, { state, t, note }];
}

export function reduceTimeline(timeline: Timeline, input: TimelineInput): Timeline {
  switch (input.type) {
    case 'open': {
      if (timeline.state !== 'CONNECTING') return { ...timeline, ...addEntry(timeline, input) };
      return {
        ...timeline,
        ...addEntry(timeline, input),
        state: 'OPEN',
        steps: step(timeline, 'OPEN', input.t, 'open event: the server answered 101 with a correct Sec-WebSocket-Accept.'),
      };
    }
    case 'message':
      return { ...timeline, ...addEntry(timeline, input), messagesReceived: timeline.messagesReceived + 1 };
    case 'send':
      return {
        ...timeline,
        ...addEntry(timeline, input),
        messagesSent: timeline.messagesSent + 1,
        bufferedAmount: input.bufferedAmount,
        maxBufferedAmount: Math.max(timeline.maxBufferedAmount, input.bufferedAmount),
      };
    case 'buffered':
      return {
        ...timeline,
        bufferedAmount: input.bufferedAmount,
        maxBufferedAmount: Math.max(timeline.maxBufferedAmount, input.bufferedAmount),
      };
    case 'error':
      return { ...timeline, ...addEntry(timeline, input), failed: true };
    case 'refused':
      return { ...timeline, ...addEntry(timeline, input) };
    case 'close-called': {
      const next = { ...timeline, ...addEntry(timeline, input) };
      if (timeline.state !== 'CONNECTING' && timeline.state !== 'OPEN') return next;
      const note =
        timeline.state === 'CONNECTING'
          ? 'close() before the handshake finished: the browser fails the connection.'
          : `close(${input.code}): the browser sent its Close frame and waits for the server\u2019s.`;
      return { ...next, state: 'CLOSING', steps: step(timeline, 'CLOSING', input.t, note) };
    }
    case 'closing-seen': {
      if (timeline.state !== 'OPEN') return timeline;
      return {
        ...timeline,
        state: 'CLOSING',
        steps: step(timeline, 'CLOSING', input.t, 'readyState became CLOSING: the closing handshake started (the browser fires no event for this).'),
      };
    }
    case 'close': {
      const close: CloseSummary = { code: input.code, reason: input.reason, wasClean: input.wasClean };
      let steps = timeline.steps;
      // A clean close passed through CLOSING even if the page never saw it: the server's Close
      // frame and the browser's answer both happen before the close event fires (RFC 6455 §7.1.4).
      if (timeline.state === 'OPEN' && input.wasClean) {
        steps = [...steps, { state: 'CLOSING', t: null, note: 'The server sent its Close frame first; the browser answered and fired no event for CLOSING.' }];
      }
      const note = input.wasClean
        ? `close event: code ${input.code}, both Close frames exchanged (wasClean true).`
        : `close event: code ${input.code}, the connection ended without a closing handshake (wasClean false).`;
      steps = [...steps, { state: 'CLOSED', t: input.t, note }];
      return { ...timeline, ...addEntry(timeline, input), state: 'CLOSED', steps, close, bufferedAmount: 0 };
    }
  }
}

/** "12.3 ms", "1,204 ms", "—" for a step passed without an event. */
export function formatMs(t: number | null): string {
  if (t === null) return '\u2014';
  if (t < 100) return `${t.toFixed(1)} ms`;
  return `${Math.round(t).toLocaleString('en-US')} ms`;
}

/** One line describing an entry, for the timeline list and screen readers. */
export function describeEntry(entry: TimelineEntry): string {
  switch (entry.type) {
    case 'open':
      return `open${entry.protocol ? ` (subprotocol ${entry.protocol})` : ''}${entry.extensions ? ` (extensions ${entry.extensions})` : ''}`;
    case 'message':
      return `message: ${entry.kind}, ${bytes(entry.size)}`;
    case 'error':
      return 'error: the browser failed the connection';
    case 'close':
      return `close: code ${entry.code}${entry.reason ? `, reason ${JSON.stringify(entry.reason)}` : ''}, wasClean ${entry.wasClean}`;
    case 'send':
      return `send(): ${entry.kind}, ${bytes(entry.size)}; bufferedAmount ${entry.bufferedAmount.toLocaleString('en-US')}`;
    case 'close-called':
      return `close(${entry.code}${entry.reason ? `, ${JSON.stringify(entry.reason)}` : ''}) called`;
    case 'refused':
      return `refused: ${entry.message}`;
  }
}

/** Browser events (open, message, error, close) versus the page's own calls. */
export function isBrowserEvent(entry: TimelineEntry): boolean {
  return entry.type === 'open' || entry.type === 'message' || entry.type === 'error' || entry.type === 'close';
}

function bytes(n: number): string {
  return `${n.toLocaleString('en-US')} byte${n === 1 ? '' : 's'}`;
}
