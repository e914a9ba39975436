/**
 * The readyState timeline of one browser WebSocket: CONNECTING → OPEN → CLOSING → CLOSED with the
 * time of each step, the events the browser fired, what the page asked of it, and bufferedAmount.
 *
 * A reducer over plain values: `reduceTimeline(timeline, input)` returns a new timeline, so the
 * state module can hold it in `$state.raw` and tests can feed it inputs without a browser.
 * Times are milliseconds since the `WebSocket` was constructed.
 */
import * as m from '../../paraglide/messages.js';
import { formatCount } from '../components/format';
import { READY_STATES, type CloseSummary, type ReadyState } from './socket';

export { READY_STATES, type ReadyState };

/**
 * Why a step happened, as values; `stepNote()` says it in the page's language. A timeline made
 * elsewhere (a capture replayed as a lesson) may give its own note: a function called when shown
 * (a catalogue message, so it follows the language), or a string.
 */
export type StepNote =
  | string
  | (() => string)
  | { kind: 'connecting' }
  | { kind: 'open' }
  | { kind: 'close-connecting' }
  | { kind: 'close-called'; code: number }
  | { kind: 'closing-seen' }
  | { kind: 'server-first' }
  | { kind: 'closed'; code: number; wasClean: boolean };

export interface StateStep {
  state: ReadyState;
  /** When the page saw the step; null when the browser passed it without an event (see `note`). */
  t: number | null;
  note: StepNote;
}

/** A step's note in words ("open event: the server answered 101 …"). */
export function stepNote(note: StepNote): string {
  if (typeof note === 'string') return note;
  if (typeof note === 'function') return note();
  switch (note.kind) {
    case 'connecting': return m.frame_timeline_note_connecting();
    case 'open': return m.frame_timeline_note_open();
    case 'close-connecting': return m.frame_timeline_note_close_connecting();
    case 'close-called': return m.frame_timeline_note_close_called({ code: note.code });
    case 'closing-seen': return m.frame_timeline_note_closing_seen();
    case 'server-first': return m.frame_timeline_note_server_first();
    case 'closed': return note.wasClean ? m.frame_timeline_note_closed_clean({ code: note.code }) : m.frame_timeline_note_closed_unclean({ code: note.code });
  }
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
    steps: [{ state: 'CONNECTING', t: 0, note: { kind: 'connecting' } }],
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

/** A timeline being changed by a batch of inputs: copied once, changed in place, trimmed once. */
interface Draft extends Omit<Timeline, 'steps' | 'entries'> {
  steps: StateStep[];
  entries: TimelineEntry[];
}

function addEntry(draft: Draft, entry: TimelineEntry): void {
  draft.entries.push(entry);
  // Inside a long batch, let go of old entries now and then (amortized: constant work per input).
  if (draft.entries.length >= 4 * MAX_ENTRIES) trim(draft);
}

function trim(draft: Draft): void {
  const over = draft.entries.length - MAX_ENTRIES;
  if (over <= 0) return;
  draft.entries = draft.entries.slice(over);
  draft.omitted += over;
}

function step(draft: Draft, state: ReadyState, t: number | null, note: StepNote): void {
  draft.steps.push({ state, t, note });
}

/** One input applied to the draft; false when it changed nothing. */
function apply(draft: Draft, input: TimelineInput): boolean {
  switch (input.type) {
    case 'open':
      addEntry(draft, input);
      if (draft.state === 'CONNECTING') {
        draft.state = 'OPEN';
        step(draft, 'OPEN', input.t, { kind: 'open' });
      }
      return true;
    case 'message':
      addEntry(draft, input);
      draft.messagesReceived++;
      return true;
    case 'send':
      addEntry(draft, input);
      draft.messagesSent++;
      draft.bufferedAmount = input.bufferedAmount;
      draft.maxBufferedAmount = Math.max(draft.maxBufferedAmount, input.bufferedAmount);
      return true;
    case 'buffered':
      draft.bufferedAmount = input.bufferedAmount;
      draft.maxBufferedAmount = Math.max(draft.maxBufferedAmount, input.bufferedAmount);
      return true;
    case 'error':
      addEntry(draft, input);
      draft.failed = true;
      return true;
    case 'refused':
      addEntry(draft, input);
      return true;
    case 'close-called': {
      addEntry(draft, input);
      if (draft.state !== 'CONNECTING' && draft.state !== 'OPEN') return true;
      const note: StepNote = draft.state === 'CONNECTING' ? { kind: 'close-connecting' } : { kind: 'close-called', code: input.code };
      draft.state = 'CLOSING';
      step(draft, 'CLOSING', input.t, note);
      return true;
    }
    case 'closing-seen': {
      if (draft.state !== 'OPEN') return false;
      draft.state = 'CLOSING';
      step(draft, 'CLOSING', input.t, { kind: 'closing-seen' });
      return true;
    }
    case 'close': {
      // A clean close passed through CLOSING even if the page never saw it: the server's Close
      // frame and the browser's answer both happen before the close event fires (RFC 6455 §7.1.4).
      if (draft.state === 'OPEN' && input.wasClean) {
        step(draft, 'CLOSING', null, { kind: 'server-first' });
      }
      step(draft, 'CLOSED', input.t, { kind: 'closed', code: input.code, wasClean: input.wasClean });
      addEntry(draft, input);
      draft.state = 'CLOSED';
      draft.close = { code: input.code, reason: input.reason, wasClean: input.wasClean };
      draft.bufferedAmount = 0;
      return true;
    }
  }
}

/**
 * Inputs applied in order, as one new timeline (the same one when nothing changed). The work is
 * constant per input: the entries are copied once per batch, not once per input, so a page that
 * receives 50,000 messages between two animation frames applies them in one pass.
 */
export function reduceTimelineBatch(timeline: Timeline, inputs: readonly TimelineInput[]): Timeline {
  if (inputs.length === 0) return timeline;
  const draft: Draft = { ...timeline, steps: timeline.steps.slice(), entries: timeline.entries.slice() };
  let changed = false;
  for (const input of inputs) changed = apply(draft, input) || changed;
  if (!changed) return timeline;
  trim(draft);
  return draft;
}

export function reduceTimeline(timeline: Timeline, input: TimelineInput): Timeline {
  return reduceTimelineBatch(timeline, [input]);
}

/** "12.3 ms", "1,204 ms", "—" for a step passed without an event. */
export function formatMs(t: number | null): string {
  if (t === null) return '\u2014';
  if (t < 100) return `${t.toFixed(1)} ms`;
  return `${formatCount(Math.round(t))} ms`;
}

/** One line describing an entry, for the timeline list and screen readers. */
export function describeEntry(entry: TimelineEntry): string {
  switch (entry.type) {
    case 'open':
      return `open${entry.protocol ? m.frame_timeline_entry_subprotocol({ protocol: entry.protocol }) : ''}${entry.extensions ? m.frame_timeline_entry_extensions({ extensions: entry.extensions }) : ''}`;
    case 'message':
      return m.frame_timeline_entry_message({ kind: kindWord(entry.kind), bytes: bytes(entry.size) });
    case 'error':
      return m.frame_timeline_entry_error();
    case 'close':
      return m.frame_timeline_entry_close({
        code: entry.code,
        reason: entry.reason ? m.frame_timeline_entry_reason({ reason: JSON.stringify(entry.reason) }) : '',
        clean: String(entry.wasClean),
      });
    case 'send':
      return m.frame_timeline_entry_send({ kind: kindWord(entry.kind), bytes: bytes(entry.size), buffered: formatCount(entry.bufferedAmount) });
    case 'close-called':
      return m.frame_timeline_entry_close_called({ args: `${entry.code}${entry.reason ? `, ${JSON.stringify(entry.reason)}` : ''}` });
    case 'refused':
      return m.frame_timeline_entry_refused({ message: entry.message });
  }
}

/** Browser events (open, message, error, close) versus the page's own calls. */
export function isBrowserEvent(entry: TimelineEntry): boolean {
  return entry.type === 'open' || entry.type === 'message' || entry.type === 'error' || entry.type === 'close';
}

function bytes(n: number): string {
  return m.frame_bytes_count({ count: n, n: formatCount(n) });
}

function kindWord(kind: 'text' | 'binary'): string {
  return kind === 'text' ? m.frame_timeline_kind_text() : m.frame_timeline_kind_binary();
}
