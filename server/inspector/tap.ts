/**
 * One connection's tap: what crossed its socket, reported to the hub.
 *
 * Incoming: each TCP read is copied (only while someone watches this connection: the codec
 * unmasks in place, so the wire bytes must be kept before `receive()`), frames found by the codec
 * are cut from those copies, and each read is reported with the places where frames ended in it.
 * Only the bytes of the frame in progress are kept, at most `maxFrameBytes` of it.
 *
 * Outgoing: the chunks the codec produced are run through a second FrameParser (the codec's,
 * lenient: any RSV bits, no UTF-8 check) to find frame boundaries, for the frame count of the log
 * line and, when watched, for the frame messages. Frames the server breaks on purpose bypass that
 * parser (`writtenRaw`), so it only ever sees well-formed frames.
 */
import { FrameParser, type Fault, type Frame } from '../../src/protocol/index.ts';
import type { InspectorHub } from './hub.ts';
import { stamp, toHex, type FrameMessage, type ReadMessage } from './messages.ts';

interface Piece {
  /** Stream offset of bytes[0]. */
  start: number;
  bytes: Uint8Array;
}

interface PendingRead {
  message: ReadMessage;
}

export class ConnectionTap {
  readonly #hub: InspectorHub;
  readonly #id: number;
  readonly #session: string | null;
  readonly #cap: number;
  readonly #watchable: boolean;

  // Incoming stream.
  #inOffset = 0;
  #nextFrameStart = 0;
  #retained: Piece[] = [];
  #read: PendingRead | null = null;

  // Outgoing stream.
  #outParser = newOutParser();
  /** The parser has seen bytes since it was made (it is replaced before use after an unwatched stretch). */
  #outParserUsed = true;
  /** Bytes written that the parser did not see (raw frames), so its offsets need this added. */
  #outShift = 0;
  #outOffset = 0;

  constructor(hub: InspectorHub, id: number, session: string | null, watchable: boolean) {
    this.#hub = hub;
    this.#id = id;
    this.#session = session;
    this.#cap = hub.limits.maxFrameBytes;
    this.#watchable = watchable;
  }

  /** Is anyone watching this connection right now? */
  get watched(): boolean {
    return this.#watchable && this.#hub.watching(this.#session);
  }

  /**
   * Would a subscriber take a traffic message about this connection now? When someone watches but
   * nobody has budget left, the event is counted as skipped and no work is done for it.
   */
  #wanted(count = 1): boolean {
    if (!this.#watchable || !this.#hub.watching(this.#session)) return false;
    if (this.#hub.wanted(this.#session)) return true;
    this.#hub.skip(this.#session, count);
    return false;
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
    this.#retained.push({ start: offset, bytes: new Uint8Array(chunk) });
    this.#read = {
      message: { type: 'read', ...stamp(), connection: this.#id, offset, size: chunk.length, boundaries: [] },
    };
  }

  /** A frame the codec parsed. */
  frameIn(frame: Frame): void {
    const size = frame.headerLength + frame.payloadLength;
    const end = frame.offset + size;
    this.#nextFrameStart = end;
    const read = this.#read?.message;
    if (read && end > read.offset && end <= read.offset + read.size) read.boundaries.push(end - read.offset);
    if (!this.#wanted()) return;
    const id = this.#id;
    const retained = this.#retained;
    this.#hub.publishTraffic(this.#session, size, (cap) => {
      const bytes = extract(retained, frame.offset, frame.offset + Math.min(size, cap));
      return frameMessage(id, 'in', frame, size, bytes);
    });
  }

  /** The codec failed the connection on bytes it received. */
  fault(fault: Fault): void {
    if (!this.watched) return;
    const id = this.#id;
    const frameOffset = this.#nextFrameStart;
    const bytes = extract(this.#retained, frameOffset, Math.min(this.#inOffset, frameOffset + this.#cap));
    this.#hub.publish(this.#session, () => ({
      type: 'fault',
      ...stamp(),
      connection: id,
      rule: fault.rule,
      closeCode: fault.closeCode,
      offset: fault.offset,
      length: fault.length,
      rfc: fault.rfc,
      message: fault.message,
      frameOffset,
      bytes: toHex(bytes),
    }));
  }

  /** The codec is done with the bytes of the last read: report it, and keep only what may still be needed. */
  readDone(): void {
    const pending = this.#read;
    this.#read = null;
    if (pending !== null) this.#hub.publishTraffic(this.#session, 0, () => pending.message);
    const keepFrom = this.#nextFrameStart;
    const keepTo = keepFrom + this.#cap;
    this.#retained = this.#retained.filter((p) => p.start + p.bytes.length > keepFrom && p.start < keepTo);
  }

  /** Chunks the codec produced, about to be written. Returns how many frames they complete. */
  written(chunks: readonly Uint8Array[]): number {
    const watching = this.watched;
    const watched = watching && this.#hub.wanted(this.#session);
    if (!watched) {
      // Nobody watches (or nobody has budget left): count the frames from their headers, without
      // the parser (every call holds whole frames, each starting a chunk). The parser starts afresh
      // when someone watches again.
      const frames = countFrames(chunks);
      if (frames !== null) {
        for (const chunk of chunks) this.#outOffset += chunk.length;
        this.#outShift = this.#outOffset;
        this.#outParserUsed = false;
        if (watching) this.#hub.skip(this.#session, frames);
        return frames;
      }
    }
    if (!this.#outParserUsed) {
      this.#outParser = newOutParser();
      this.#outParserUsed = true;
    }
    const batch: Piece[] = [];
    const parser = this.#outParser;
    for (const chunk of chunks) {
      batch.push({ start: this.#outOffset, bytes: chunk });
      this.#outOffset += chunk.length;
      parser.push(chunk);
    }
    let frames = 0;
    for (let item = parser.next(); item !== null; item = parser.next()) {
      if (item.kind === 'fault') {
        // Only well-formed frames reach this parser; should one not be, start over at the next batch.
        this.#outShift = this.#outOffset;
        this.#outParser = newOutParser();
        return frames + 1;
      }
      frames++;
      if (!watched) continue;
      const frame = item;
      const offset = frame.offset + this.#outShift;
      const size = frame.headerLength + frame.payloadLength;
      const id = this.#id;
      this.#hub.publishTraffic(this.#session, size, (cap) => {
        const bytes = extract(batch, offset, offset + Math.min(size, cap));
        return { ...frameMessage(id, 'out', frame, size, bytes), offset };
      });
    }
    return frames;
  }

  /** One frame written as is, not through the parser (a deliberately broken one). */
  writtenRaw(bytes: Uint8Array, summary: { opcode: number; fin: boolean; masked: boolean; payloadLength: number; headerLength: number }, misbehave: string): void {
    const offset = this.#outOffset;
    this.#outOffset += bytes.length;
    this.#outShift += bytes.length;
    if (!this.watched) return;
    const id = this.#id;
    const cap = this.#cap;
    this.#hub.publish(this.#session, () => ({
      type: 'frame',
      ...stamp(),
      connection: id,
      direction: 'out',
      offset,
      size: bytes.length,
      ...summary,
      bytes: toHex(bytes.subarray(0, cap)),
      truncated: bytes.length > cap,
      misbehave,
    }));
  }
}

/**
 * How many frames `chunks` hold, read from the headers alone, when they are whole frames that each
 * start a chunk (how the codec hands them out); null when they are not, for the parser to sort out.
 */
function countFrames(chunks: readonly Uint8Array[]): number | null {
  let frames = 0;
  let remaining = 0;
  for (const chunk of chunks) {
    if (remaining === 0) {
      if (chunk.length < 2) return null;
      const length7 = chunk[1]! & 0b0111_1111;
      const ext = length7 === 126 ? 2 : length7 === 127 ? 8 : 0;
      const headerLength = 2 + ext + ((chunk[1]! & 0b1000_0000) !== 0 ? 4 : 0);
      if (chunk.length < 2 + ext) return null;
      let payloadLength = length7;
      if (length7 === 126) payloadLength = (chunk[2]! << 8) | chunk[3]!;
      else if (length7 === 127) {
        const high = ((chunk[2]! << 24) | (chunk[3]! << 16) | (chunk[4]! << 8) | chunk[5]!) >>> 0;
        const low = ((chunk[6]! << 24) | (chunk[7]! << 16) | (chunk[8]! << 8) | chunk[9]!) >>> 0;
        payloadLength = high * 2 ** 32 + low;
      }
      remaining = headerLength + payloadLength;
      frames++;
    }
    if (chunk.length > remaining) return null; // two frames in one chunk: not what the codec makes
    remaining -= chunk.length;
  }
  return remaining === 0 ? frames : null;
}

function newOutParser(): FrameParser {
  return new FrameParser({ sender: 'any', allowRsv1: true, allowRsv2: true, allowRsv3: true, validateUtf8: false });
}

function frameMessage(id: number, direction: 'in' | 'out', frame: Frame, size: number, bytes: Uint8Array): FrameMessage {
  return {
    type: 'frame',
    ...stamp(),
    connection: id,
    direction,
    offset: frame.offset,
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
function extract(pieces: readonly Piece[], from: number, to: number): Uint8Array {
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
