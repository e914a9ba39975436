/**
 * `--record DIR`: every connection's traffic kept as the inspector reports it (the same messages a
 * page saves, through src/capture's CaptureRecorder, one per connection), and written out when
 * the connection closes as a pcapng and a Framescope JSON capture (writer.ts).
 *
 * Bounded: a connection keeps at most `maxBytes` of frame bytes (past it, its frames are counted
 * in a `dropped` event instead: the file says where the gap is), and all connections together at
 * most `maxMemory` (past it, traffic is not described at all until files are written; the tap
 * counts what it skipped, and the connections of that session get a `dropped` event).
 */
import { CaptureRecorder, type CaptureFile } from '../../src/capture/index.ts';
import type { InspectorMessage } from '../inspector/messages.ts';

export interface RecordLimits {
  /** Frame bytes kept per connection (its file holds at most about this much traffic). */
  maxBytes: number;
  /** Frame bytes kept for all open connections together. */
  maxMemory: number;
  /** A frame is kept whole up to this size (the tap copies at most this much of a frame in progress). */
  maxFrameBytes: number;
}

/** What one recorded connection costs beyond its frames' bytes: a read, a close, a fault... */
const EVENT_COST = 96;

interface Recording {
  id: number;
  session: string | null;
  path: string;
  peer: string;
  recorder: CaptureRecorder;
  bytes: number;
  /** Events dropped (over `maxBytes`) not yet written as a `dropped` event. */
  over: number;
  full: boolean;
}

/** A connection's traffic, ready to be written. */
export interface Finished {
  id: number;
  path: string;
  peer: string;
  capture: CaptureFile;
}

export class TrafficRecorder {
  readonly limits: RecordLimits;
  readonly #open = new Map<number, Recording>();
  #bytes = 0;
  readonly #finished: (done: Finished) => void;
  /** Events the tap skipped while memory was full, all told (for the log). */
  skippedTotal = 0;

  /** `finished`: called with each connection's capture when it closes (and for the rest, at `drain()`). */
  constructor(limits: RecordLimits, finished: (done: Finished) => void) {
    this.limits = limits;
    this.#finished = finished;
  }

  /** Is there room to describe more traffic? */
  get wants(): boolean {
    return this.#bytes < this.limits.maxMemory;
  }

  /** Bytes held for open connections. */
  get bytes(): number {
    return this.#bytes;
  }

  get openCount(): number {
    return this.#open.size;
  }

  accept(message: InspectorMessage): void {
    switch (message.type) {
      case 'open': {
        const recorder = new CaptureRecorder();
        recorder.accept(message);
        this.#open.set(message.connection, { id: message.connection, session: message.session, path: message.path, peer: message.peer, recorder, bytes: 0, over: 0, full: false });
        break;
      }
      case 'frame':
      case 'read':
      case 'fault':
      case 'finding':
      case 'socket-error': {
        const r = this.#open.get(message.connection);
        if (!r) return;
        const cost = EVENT_COST + (message.type === 'frame' || message.type === 'fault' ? message.bytes.length / 2 : 0);
        if (message.type === 'frame' && r.bytes + cost > this.limits.maxBytes) {
          r.full = true;
          r.over++;
          return;
        }
        this.#flushOver(r, message.t, message.wall);
        r.recorder.accept(message);
        r.bytes += cost;
        this.#bytes += cost;
        break;
      }
      case 'closed': {
        const r = this.#open.get(message.connection);
        if (!r) return;
        this.#flushOver(r, message.t, message.wall);
        r.recorder.accept(message);
        this.#finish(r);
        break;
      }
      default:
        break;
    }
  }

  /** The tap skipped `count` traffic events of `session` (memory was full): the gap may be on any of its connections. */
  skipped(session: string | null, count: number): void {
    this.skippedTotal += count;
    for (const r of this.#open.values()) if (r.session === session) r.over += count;
  }

  /** Every connection still open, finished as it is now (the server is stopping). */
  drain(): void {
    for (const r of [...this.#open.values()]) this.#finish(r);
  }

  #flushOver(r: Recording, t: number, wall: number): void {
    if (r.over === 0) return;
    // The same notice a page gets when events are skipped: the record has a gap here.
    r.recorder.accept({ type: 'dropped', t, wall, count: r.over, reason: 'rate' });
    r.over = 0;
  }

  #finish(r: Recording): void {
    this.#open.delete(r.id);
    this.#bytes -= r.bytes;
    const capture = r.recorder.toCapture({
      source: 'server --record',
      name: `connection ${r.id} ${r.path} from ${r.peer}${r.full ? ` (frames past ${this.limits.maxBytes.toLocaleString('en-US')} bytes not kept)` : ''}`,
    });
    this.#finished({ id: r.id, path: r.path, peer: r.peer, capture });
  }
}
