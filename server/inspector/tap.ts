/**
 * One connection's tap: what crossed its socket, reported to the inspector (an `InspectorSink`).
 *
 * Incoming: each TCP read is kept, not copied (only while someone watches this connection), and
 * reported with the places where frames ended in it; only the reads holding the frame in progress
 * are kept, as far as `maxFrameBytes` of it. These are bytes the server did not write, so the
 * codec's parser is what finds their frames. The codec unmasks payloads in place, so the wire
 * bytes of a frame are rebuilt from what is reported only: its header as read (the codec never
 * writes there) and as much of its payload as the message carries, masked again with the frame's
 * masking key (wire-bytes.ts). A 64 KiB frame watched costs the bytes sent, not a copy of each read.
 *
 * Outgoing: the connection says where each frame it wrote begins and how long its header and
 * payload are (`WrittenFrame`, read from the headers it wrote); the tap only cuts the reported bytes
 * from the chunks. Nothing re-parses the server's own output.
 */
import type { DeflatedReport, Fault, Frame } from '../../src/protocol/index.ts';
import type { WrittenFrame } from '../connection/written.ts';
import { faultBytes, frameBytes } from './wire-bytes.ts';
import { stamp, toHex, type ClosedMessage, type FaultMessage, type FrameMessage, type InflatedMessage, type ReadMessage } from './messages.ts';
import type { InspectorSink, WatchedConnection } from './types.ts';

/** A `closed` message without its stamp and connection id: what the connection knows when TCP is gone. */
export type ClosedSummary = Omit<ClosedMessage, 'type' | 't' | 'wall' | 'connection'>;

export interface Piece {
  /** Stream offset of bytes[0]. */
  start: number;
  bytes: Uint8Array;
}

export class ConnectionTap {
  readonly #sink: InspectorSink;
  readonly #id: number;
  readonly #session: string | null;
  readonly #cap: number;
  readonly #watchable: boolean;

  // Incoming stream.
  #inOffset = 0;
  #nextFrameStart = 0;
  #retained: Piece[] = [];
  #read: ReadMessage | null = null;
  /** Stream offset of the first frame of the data message being received (a compressed message is reported there). */
  #messageStartIn = 0;

  /**
   * `watchable` false: the connection is never reported (an `/inspect` subscriber's own); `session`
   * decides who may watch it.
   */
  constructor(sink: InspectorSink, id: number, session: string | null, watchable: boolean) {
    this.#sink = sink;
    this.#id = id;
    this.#session = session;
    this.#cap = sink.limits.maxFrameBytes;
    this.#watchable = watchable;
  }

  /** Is anyone watching this connection right now? */
  get watched(): boolean {
    return this.#watchable && this.#sink.watching(this.#session);
  }

  /** Would a subscriber take a traffic message about this connection now? (No side effect: see `skipped`.) */
  get wantsTraffic(): boolean {
    if (this.#skipping) return false;
    return this.#watchable && this.#sink.watching(this.#session) && this.#sink.wanted(this.#session);
  }

  /** `count` traffic events were not described because nobody had budget left: those watching count them. */
  skipped(count: number): void {
    if (this.#skipping) {
      this.#pendingSkips += count;
      return;
    }
    if (!this.#watchable || !this.#sink.watching(this.#session)) return;
    // Nobody watching has budget or room left, and nobody will until this turn of the event loop
    // is over (budgets are refilled, and queues emptied, by timers): count the events skipped
    // until then, and hand the count over once, when it is over (or before anything else is
    // published, so a `dropped` notice still comes where the messages are missing), rather than
    // ask every subscriber for each event (a watched flood of small messages asked millions of
    // times a second).
    this.#skipping = true;
    this.#pendingSkips = count;
    queueMicrotask(this.#endSkipping);
  }

  /** Watchers are still short of budget for a whole turn of the event loop (`skipped`). */
  #skipping = false;
  #pendingSkips = 0;
  readonly #endSkipping = (): void => {
    if (!this.#skipping) return;
    this.#skipping = false;
    const count = this.#pendingSkips;
    this.#pendingSkips = 0;
    if (count > 0 && this.#watchable && this.#sink.watching(this.#session)) this.#sink.skip(this.#session, count);
  };

  #wanted(): boolean {
    if (this.wantsTraffic) return true;
    this.skipped(1);
    return false;
  }

  /** The connection is open (after the 101): commands may name it, and watchers hear of it. */
  opened(connection: WatchedConnection): void {
    if (!this.#watchable) return;
    this.#endSkipping();
    this.#sink.addConnection(connection);
    this.#sink.publish(this.#session, () => ({ type: 'open', ...connection.info }));
  }

  /** TCP is gone. */
  closed(connection: WatchedConnection, summary: ClosedSummary): void {
    if (!this.#watchable) return;
    this.#endSkipping();
    const id = this.#id;
    this.#sink.publish(this.#session, () => ({ type: 'closed', ...stamp(), connection: id, ...summary }));
    this.#sink.removeConnection(connection);
  }

  socketError(code: string | null, message: string): void {
    if (!this.#watchable) return;
    this.#endSkipping();
    const id = this.#id;
    this.#sink.publish(this.#session, () => ({ type: 'socket-error', ...stamp(), connection: id, code, message }));
  }

  /** A TCP read, before the codec sees it (it keeps a copy only while watched). */
  read(chunk: Uint8Array): void {
    if (this.#read !== null) this.readDone();
    const offset = this.#inOffset;
    this.#inOffset += chunk.length;
    if (!this.#wanted()) {
      this.#retained.length = 0;
      return;
    }
    this.#retained.push({ start: offset, bytes: chunk });
    this.#read = { type: 'read', ...stamp(), connection: this.#id, offset, size: chunk.length, boundaries: [] };
  }

  /** A frame the codec parsed. */
  frameIn(frame: Frame): void {
    if (frame.opcode === 0x1 || frame.opcode === 0x2) this.#messageStartIn = frame.offset;
    const size = frame.headerLength + frame.payloadLength;
    const end = frame.offset + size;
    this.#nextFrameStart = end;
    const read = this.#read;
    if (read && end > read.offset && end <= read.offset + read.size) read.boundaries.push(end - read.offset);
    if (!this.#wanted()) return;
    const id = this.#id;
    const retained = this.#retained;
    this.#sink.publishTraffic(this.#session, size, (cap) => {
      const header = extract(retained, frame.offset, frame.offset + Math.min(frame.headerLength, cap));
      return frameMessage(id, 'in', frame.offset, frame, frameBytes(header, frame, cap));
    });
  }

  /**
   * A compressed message received and inflated (permessage-deflate): its wire size and its bytes,
   * reported at its first frame's offset, after its frames.
   */
  inflatedIn(data: Uint8Array, wireLength: number, binary: boolean): void {
    if (!this.#wanted()) return;
    const message = this.#inflated('in', this.#messageStartIn, data, wireLength, binary);
    this.#sink.publishTraffic(this.#session, data.length, message);
  }

  #inflated(direction: 'in' | 'out', offset: number, data: Uint8Array, wireLength: number, binary: boolean): (cap: number) => InflatedMessage {
    const id = this.#id;
    return (cap) => {
      const shown = data.length > cap ? data.subarray(0, cap) : data;
      return { type: 'inflated', ...stamp(), connection: id, direction, offset, binary, wireLength, length: data.length, data: toHex(shown), truncated: shown.length < data.length };
    };
  }

  /**
   * The codec failed the connection on bytes it received: the fault as the codec has it (rule,
   * close code, place, RFC section, `detail` and sentence), with the bytes of its frame so far.
   * `unmasked` is the stream offset up to which the codec unmasked the frame's payload in the
   * reads (its `unmaskedTo`): that part is masked again for the report.
   */
  fault(fault: Fault, unmasked: number): void {
    if (!this.watched) return;
    this.#endSkipping();
    const id = this.#id;
    const { frameOffset } = fault;
    const held = extract(this.#retained, frameOffset, Math.min(this.#inOffset, frameOffset + this.#cap));
    const bytes = faultBytes(held, frameOffset, unmasked);
    this.#sink.publish(this.#session, () => faultMessage(id, fault, toHex(bytes)));
  }

  /** The codec is done with the bytes of the last read: report it, and keep only what may still be needed. */
  readDone(): void {
    const pending = this.#read;
    this.#read = null;
    if (pending !== null) this.#sink.publishTraffic(this.#session, 0, () => pending);
    const keepFrom = this.#nextFrameStart;
    const keepTo = keepFrom + this.#cap;
    this.#retained = this.#retained.filter((p) => p.start + p.bytes.length > keepFrom && p.start < keepTo);
  }

  /**
   * Frames the connection wrote: `chunks` (the first starting at stream offset `start`) hold
   * exactly `frames`. A frame sent to break the protocol on purpose carries the `misbehave` kind; it
   * is reported to every watcher, outside the traffic budget (a page asked for it).
   */
  written(start: number, chunks: readonly Uint8Array[], frames: readonly WrittenFrame[], misbehave?: string, deflated: readonly DeflatedReport[] = []): void {
    if (misbehave !== undefined) this.#endSkipping();
    let report = 0;
    const id = this.#id;
    const pieces: Piece[] = [];
    let at = start;
    for (const bytes of chunks) {
      pieces.push({ start: at, bytes });
      at += bytes.length;
    }
    for (const frame of frames) {
      const size = frame.headerLength + frame.payloadLength;
      const build = (cap: number): FrameMessage => {
        const message = frameMessage(id, 'out', frame.offset, frame, extract(pieces, frame.offset, frame.offset + Math.min(size, cap)));
        return misbehave === undefined ? message : { ...message, misbehave };
      };
      if (misbehave !== undefined) this.#sink.publish(this.#session, () => build(this.#cap));
      else this.#sink.publishTraffic(this.#session, size, build);
      // A compressed message the codec sent: its first frame has RSV1, and the reports come in frame order.
      const sent = frame.rsv1 && misbehave === undefined ? deflated[report++] : undefined;
      if (sent !== undefined) {
        this.#sink.publishTraffic(this.#session, sent.data.length, this.#inflated('out', frame.offset, sent.data, sent.wireLength, sent.binary));
      }
    }
  }
}

/** Every field of the codec's fault but its `kind` (so `rule` and `detail` stay paired), stamped, with the frame's bytes. */
export function faultMessage(connection: number, fault: Fault, bytes: string): FaultMessage {
  const { kind: _kind, ...values } = fault;
  return { type: 'fault', ...stamp(), connection, ...values, bytes };
}

export type FrameFields = Pick<Frame, 'opcode' | 'fin' | 'masked' | 'payloadLength' | 'headerLength'>;

export function frameMessage(id: number, direction: 'in' | 'out', offset: number, frame: FrameFields, bytes: Uint8Array): FrameMessage {
  const size = frame.headerLength + frame.payloadLength;
  return {
    type: 'frame',
    ...stamp(),
    connection: id,
    direction,
    offset,
    size,
    opcode: frame.opcode,
    fin: frame.fin,
    masked: frame.masked,
    payloadLength: frame.payloadLength,
    headerLength: frame.headerLength,
    bytes: toHex(bytes),
    truncated: bytes.length < size,
  };
}

/**
 * The bytes of stream range [from, to) from the pieces that hold it, as far as they go without a
 * gap. Empty if `from` itself is not held (the tap started watching in the middle of the frame).
 */
export function extract(pieces: readonly Piece[], from: number, to: number): Uint8Array {
  const parts: Uint8Array[] = [];
  let at = from;
  for (const piece of pieces) {
    const end = piece.start + piece.bytes.length;
    if (end <= at || piece.start >= to) continue;
    if (piece.start > at) break; // a gap
    const part = piece.bytes.subarray(at - piece.start, Math.min(piece.bytes.length, to - piece.start));
    parts.push(part);
    at += part.length;
    if (at >= to) break;
  }
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(at - from);
  let i = 0;
  for (const part of parts) {
    out.set(part, i);
    i += part.length;
  }
  return out;
}
