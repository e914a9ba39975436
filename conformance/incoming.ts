/**
 * What the server sends, read with the codec (a client-side FrameParser: server frames must not be
 * masked, and every other rule RFC 6455 gives a receiver) and logged with its wire bytes. The raw
 * reads are kept from the start of the frame being read, so each frame, and a fault, is logged
 * with the bytes that crossed the wire; after a fault nothing more is read (§7.1.7).
 */
import { FrameParser, layoutFrame, type Fault, type Frame } from '../src/protocol/index.ts';
import type { WireFrame } from '../src/wire/conformance.ts';
import type { WireLog } from './wire-log.ts';

/** Largest frame or message the grader accepts from a server (9.x echoes 16 MiB). */
const MAX_MESSAGE = 64 * 1024 * 1024;
/** A frame is logged with at most this many of its bytes (wire-log.ts keeps fewer). */
const MAX_LOGGED = 64 * 1024;

/** A frame of a received event, for marking a byte in it later. */
export interface FrameRef {
  entry: WireFrame;
  headerLength: number;
  payload: Uint8Array;
}

/** A frame the stream ended in the middle of: where it began, the bytes that came, how many more were needed. */
export interface Unfinished {
  offset: number;
  have: number;
  needed: number;
}

export type Read = { kind: 'frame'; frame: Frame; ref: FrameRef } | { kind: 'fault'; fault: Fault; entry: WireFrame };

export class Incoming {
  readonly #log: WireLog;
  readonly #parser = new FrameParser({ sender: 'server', maxPayload: MAX_MESSAGE, maxMessage: MAX_MESSAGE });
  /** The reads since the start of the frame being read, with their stream offsets. */
  #raw: { offset: number; data: Uint8Array }[] = [];
  #end = 0;
  #deaf = false;

  constructor(log: WireLog) {
    this.#log = log;
  }

  /** Bytes received after the opening handshake. */
  get bytesIn(): number {
    return this.#end;
  }

  /** A fault was found: nothing more is read. */
  get deaf(): boolean {
    return this.#deaf;
  }

  push(chunk: Uint8Array): void {
    if (this.#deaf) return;
    this.#raw.push({ offset: this.#end, data: chunk });
    this.#end += chunk.length;
    this.#parser.push(chunk);
  }

  /** The next frame or the fault, logged; null when more bytes are needed (or after a fault). */
  next(): Read | null {
    if (this.#deaf) return null;
    const item = this.#parser.next();
    if (item === null) return null;
    if (item.kind === 'fault') return { kind: 'fault', fault: item, entry: this.#logFault(item) };
    const size = item.headerLength + item.payloadLength;
    const entry = this.#log.frame('server-to-client', item.offset, this.#bytes(item.offset, size), {
      size,
      headerLength: item.headerLength,
      opcode: item.opcode,
      fin: item.fin,
      payloadLength: item.payloadLength,
    });
    this.#drop(item.offset + size);
    return { kind: 'frame', frame: item, ref: { entry, headerLength: item.headerLength, payload: item.payload } };
  }

  /** At the end of the connection: log the bytes of a frame that never finished, and say how many. */
  logUnfinished(): Unfinished | null {
    const incomplete = this.#parser.incomplete;
    if (this.#deaf || incomplete === null || incomplete.have === 0) return null;
    const rest = this.#bytes(incomplete.offset, this.#end - incomplete.offset);
    this.#log.bytes('server-to-client', incomplete.offset, rest, `the stream ended in the middle of this frame (${incomplete.needed} more bytes were needed)`);
    return { offset: incomplete.offset, have: incomplete.have, needed: incomplete.needed };
  }

  #logFault(fault: Fault): WireFrame {
    const start = fault.frameOffset;
    const received = this.#bytes(start, this.#end - start);
    this.#deaf = true;
    this.#raw = [];
    // The frame's own header says its lengths (RFC 6455 §5.2); while the header is incomplete, every byte so far is header.
    const layout = layoutFrame(received);
    const headerLength = layout.headerLength ?? received.length;
    const payloadLength = layout.payloadLength ?? 0;
    const frameLength = layout.frameLength;
    // The frame's bytes, not what followed it in the same read (nothing after a fault is read).
    const bytes = frameLength !== null && frameLength < received.length ? received.subarray(0, frameLength) : received;
    return this.#log.frame('server-to-client', start, bytes, {
      size: Math.max(frameLength ?? bytes.length, fault.offset + fault.length - start),
      headerLength,
      opcode: layout.opcode ?? 0,
      fin: layout.fin ?? false,
      payloadLength,
      fault,
      note: 'as far as it had arrived when the grader found the fault',
    });
  }

  /** A copy of the stream from `offset`, `size` bytes (64 KiB) at most. */
  #bytes(offset: number, size: number): Uint8Array {
    const want = Math.min(size, MAX_LOGGED);
    const out = new Uint8Array(want);
    let filled = 0;
    for (const { offset: at, data } of this.#raw) {
      if (at + data.length <= offset) continue;
      const from = Math.max(0, offset + filled - at);
      const take = Math.min(data.length - from, want - filled);
      if (take <= 0) break;
      out.set(data.subarray(from, from + take), filled);
      filled += take;
      if (filled === want) break;
    }
    return out.subarray(0, filled);
  }

  #drop(before: number): void {
    while (this.#raw.length > 0 && this.#raw[0]!.offset + this.#raw[0]!.data.length <= before) this.#raw.shift();
  }
}
