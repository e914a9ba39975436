/**
 * The capture as rune state: the page reads `frames`, `connections` and `notices`; the inspector
 * client feeds messages in. Updates are batched (at most ten a second, on animation frames), and each one
 * replaces small snapshot objects held in `$state.raw` (the ring buffer itself is never copied),
 * so a burst of 100,000 frames costs a few renders, not 100,000.
 */
import { Capture, NO_CONNECTIONS, NO_STUDENTS, type CaptureOptions, type CapturedFrame, type Changes, type ConnectionRecord, type Notice } from './capture';
import type { InspectorMessage } from './messages';
import { checkInspectorMessage, parseInspectorMessage, type ParseResult } from './messages';
import type { RingBuffer } from './ring-buffer';
import * as m from '../../paraglide/messages.js';
import type { CaptureFile, CaptureMeta } from '../../capture';
import { captureFile } from './export';

/** A read-only list by index: what FrameList draws (an array fits too). */
export interface FrameSource<T> {
  readonly length: number;
  at(index: number): T | undefined;
  /** Index of the item with sequence number `seq`, or -1 (a filtered list's positions are not consecutive). */
  indexOfSeq?(seq: number): number;
}

/** The captured frames at one moment: a view over the ring, replaced on every change. */
export interface FramesView extends FrameSource<CapturedFrame> {
  readonly capacity: number;
  /** Frames ever captured, and how many the ring let go for lack of room. */
  readonly total: number;
  readonly evicted: number;
  bySeq(seq: number): CapturedFrame | undefined;
  /** Index of the frame with sequence number `seq`, or -1 when it is no longer held. */
  indexOfSeq(seq: number): number;
}

/**
 * A view of the ring as it is now. It reads by sequence number, so it stays true to its moment
 * while the ring moves on (a paused capture keeps showing it): a frame the ring let go since
 * reads as undefined, never as a newer frame in its place.
 */
function view(ring: RingBuffer<CapturedFrame>): FramesView {
  const length = ring.length;
  const first = ring.firstSeq;
  return {
    length,
    capacity: ring.capacity,
    total: ring.total,
    evicted: ring.evicted,
    at: (index) => (index >= 0 && index < length ? ring.bySeq(first + index) : undefined),
    bySeq: (seq) => (seq >= first && seq < first + length ? ring.bySeq(seq) : undefined),
    indexOfSeq: (seq) => (seq >= first && seq < first + length ? seq - first : -1),
  };
}

export type Schedule = (flush: () => void) => void;

/** Next animation frame, or 100 ms when the tab is hidden and animation frames stop. */
export const nextFrame: Schedule = (flush) => {
  let done = false;
  const run = (): void => {
    if (done) return;
    done = true;
    flush();
  };
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(run);
  setTimeout(run, 100);
};

/**
 * At most one flush per `interval` ms, each on an animation frame: a burst of frames redraws the
 * list (and the selected frame) ten times a second, not sixty, leaving the main thread to the
 * messages; a lone frame after a quiet spell still shows on the next animation frame.
 */
export function throttled(interval = 100, next: Schedule = nextFrame): Schedule {
  let last = -Infinity;
  return (flush) => {
    const run = (): void => {
      last = performance.now();
      flush();
    };
    const wait = last + interval - performance.now();
    if (wait <= 0) next(run);
    else setTimeout(() => next(run), wait);
  };
}

export class CaptureStore {
  #capture: Capture;
  #schedule: Schedule;
  #frames = $state.raw<FramesView>() as FramesView;
  #connections = $state.raw<ReadonlyMap<number, ConnectionRecord>>(NO_CONNECTIONS);
  #notices = $state.raw<readonly Notice[]>([]);
  #dropped = $state(0);
  #hello = $state.raw<Capture['hello']>(null);
  #refused = $state.raw<Capture['refused']>([]);
  #students = $state.raw<Capture['students']>(NO_STUDENTS);
  #paused = $state(false);
  /** Frames captured since the view was paused (counted, not shown). */
  #arrived = $state(0);
  #pending: Changes = { frames: false, connections: false, notices: false };
  #scheduled = false;

  constructor(options: CaptureOptions & { schedule?: Schedule } = {}) {
    this.#capture = new Capture(options);
    this.#schedule = options.schedule ?? throttled();
    this.#frames = view(this.#capture.frames);
  }

  /** The frames, oldest first (newest last); while paused, as they were when paused. */
  get frames(): FramesView {
    return this.#frames;
  }

  /**
   * Pause: frames keep arriving and are kept and counted (`arrived`), but `frames` stays as it
   * is, so the list and the selected frame hold still for the class; resume shows them all.
   */
  get paused(): boolean {
    return this.#paused;
  }

  set paused(value: boolean) {
    if (value === this.#paused) return;
    this.#paused = value;
    this.#arrived = 0;
    if (!value) {
      this.#pending.frames = true;
      this.flush();
    }
  }

  /** Frames captured while paused, not yet shown. */
  get arrived(): number {
    return this.#arrived;
  }

  /** Connections the tap reported, by the server's connection id. */
  get connections(): ReadonlyMap<number, ConnectionRecord> {
    return this.#connections;
  }

  get notices(): readonly Notice[] {
    return this.#notices;
  }

  /** Inspector events the server dropped for this page, all told. */
  get dropped(): number {
    return this.#dropped;
  }

  get hello(): Capture['hello'] {
    return this.#hello;
  }

  /** The teacher's view (class mode): the students, by session. */
  get students(): Capture['students'] {
    return this.#students;
  }

  /** Upgrade requests of this session the server refused (status and reason), newest last. */
  get refused(): Capture['refused'] {
    return this.#refused;
  }

  /** The newest connection the page numbered `label` (the `conn=` it sent). */
  connectionByLabel(label: number): ConnectionRecord | null {
    let found: ConnectionRecord | null = null;
    for (const record of this.#connections.values()) if (record.label === label) found = record;
    return found;
  }

  ingest(message: InspectorMessage): void {
    this.#mark(this.#capture.ingest(message));
  }

  /** One text message from `/inspect`: parsed, checked, ingested; a bad one becomes a notice. */
  ingestText(text: string, now = 0): InspectorMessage | null {
    return this.#ingestParsed(parseInspectorMessage(text), now);
  }

  /**
   * A batch from `/inspect?batch` (a JSON array of messages): each checked and ingested as if it had
   * come alone, in order; `each` hears every good one (the client answers commands from it).
   */
  ingestBatch(text: string, now: number, each: (message: InspectorMessage) => void): void {
    let values: unknown;
    try {
      values = JSON.parse(text);
    } catch {
      values = null;
    }
    if (!Array.isArray(values)) {
      this.#ingestParsed({ ok: false, error: m.inspector_not_json_array({ text: text.slice(0, 60) }) }, now);
      return;
    }
    for (const value of values) {
      const message = this.#ingestParsed(checkInspectorMessage(value), now);
      if (message) each(message);
    }
  }

  #ingestParsed(parsed: ParseResult, now: number): InspectorMessage | null {
    // docs/inspector.md: a client ignores message types it does not know (a newer server's).
    if (!parsed.ok && parsed.unknown) return null;
    if (!parsed.ok) {
      this.#capture.invalid(parsed.error, now);
      this.#mark({ frames: false, connections: false, notices: true });
      return null;
    }
    this.ingest(parsed.message);
    return parsed.message;
  }

  /** What the page holds now, as a capture file to save (docs/capture-format.md). */
  toCaptureFile(meta: CaptureMeta = {}): CaptureFile {
    return captureFile(this.#capture, meta);
  }

  /** Empties the frame list (the Clear button); it shows at once, paused or not. */
  clear(): void {
    this.#capture.clear();
    this.#arrived = 0;
    this.#mark({ frames: true, connections: true, notices: true });
    this.flush(true);
  }

  resize(capacity: number): void {
    this.#capture.resize(capacity);
    this.#mark({ frames: true, connections: false, notices: false });
    this.flush(true);
  }

  /** Publishes pending changes now (the scheduler calls it; tests too). `always`: the frames even while paused. */
  flush(always = false): void {
    this.#scheduled = false;
    const pending = this.#pending;
    this.#pending = { frames: false, connections: false, notices: false };
    if (pending.frames) {
      const ring = this.#capture.frames;
      if (this.#paused && !always) this.#arrived = ring.total - this.#frames.total;
      else this.#frames = view(ring);
    }
    if (pending.connections) {
      this.#connections = this.#capture.connectionsSnapshot();
      this.#hello = this.#capture.hello;
      this.#students = this.#capture.students;
    }
    if (pending.notices) {
      this.#notices = this.#capture.notices;
      this.#dropped = this.#capture.dropped;
      this.#refused = this.#capture.refused;
    }
  }

  #mark(changes: Changes): void {
    if (!changes.frames && !changes.connections && !changes.notices) return;
    this.#pending.frames ||= changes.frames;
    this.#pending.connections ||= changes.connections;
    this.#pending.notices ||= changes.notices;
    if (this.#scheduled) return;
    this.#scheduled = true;
    this.#schedule(() => this.flush());
  }
}
