/**
 * A case's wire log: the HTTP heads, every frame both ways with the rule it breaks (if any), the
 * bytes that make no frame, and what happened without bytes (TCP closed, a timer fired). Bounded:
 * a frame keeps its header and first bytes (more when a fault or a mark lies further in), and a
 * case keeps its first entries and its last ones, so a 1,000-message case or a flooding server
 * costs a few hundred kilobytes at most.
 */
import type { Fault } from '../src/protocol/index.ts';
import { toHex } from '../src/protocol/index.ts';
import type { WireDirection, WireEntry, WireFrame, WireMark } from '../src/wire/conformance.ts';

export interface WireLogLimits {
  /** Bytes kept of a frame (beyond its header) unless a fault or mark lies further in. */
  frameBytes: number;
  /** Entries kept from the start of a case, and from its end. */
  head: number;
  tail: number;
}

export const DEFAULT_LIMITS: WireLogLimits = { frameBytes: 256, head: 240, tail: 60 };

/** Bytes kept around a fault or a mark deep in a frame, and the most kept of any frame. */
const AROUND = 32;
const MOST = 64 * 1024;

const round = (ms: number): number => Math.round(ms * 10) / 10;

export class WireLog {
  readonly #t0: number;
  readonly #limits: WireLogLimits;
  readonly #head: WireEntry[] = [];
  #tail: WireEntry[] = [];
  #skipped = 0;

  constructor(t0: number = performance.now(), limits: WireLogLimits = DEFAULT_LIMITS) {
    this.#t0 = t0;
    this.#limits = limits;
  }

  #now(): number {
    return round(performance.now() - this.#t0);
  }

  #add(entry: WireEntry): WireEntry {
    if (this.#head.length < this.#limits.head) {
      this.#head.push(entry);
      return entry;
    }
    this.#tail.push(entry);
    if (this.#tail.length > this.#limits.tail * 2) {
      const drop = this.#tail.length - this.#limits.tail;
      this.#skipped += drop;
      this.#tail = this.#tail.slice(drop);
    }
    return entry;
  }

  http(direction: WireDirection, head: string, mark: WireMark | null = null): void {
    this.#add({ kind: 'http', t: this.#now(), direction, head, mark });
  }

  event(text: string): void {
    this.#add({ kind: 'event', t: this.#now(), text });
  }

  /**
   * A frame: `bytes` hold it from its first byte (they may stop early: the frame is then cut
   * short in the log, `truncated`). The bytes are copied, as far as the log keeps them.
   */
  frame(direction: WireDirection, offset: number, bytes: Uint8Array, info: { size: number; headerLength: number; opcode: number; fin: boolean; payloadLength: number; fault?: Fault | null; note?: string | null }): WireFrame {
    const fault = info.fault ?? null;
    const keep = this.#keep(info.headerLength, info.size, fault ? fault.offset + fault.length - offset : 0);
    const kept = bytes.subarray(0, Math.min(keep, bytes.length));
    const entry: WireFrame = {
      kind: 'frame',
      t: this.#now(),
      direction,
      offset,
      size: info.size,
      bytes: toHex(kept),
      truncated: kept.length < info.size,
      opcode: info.opcode,
      fin: info.fin,
      payloadLength: info.payloadLength,
      fault,
      mark: null,
      note: info.note ?? null,
    };
    this.#add(entry);
    return entry;
  }

  /** Bytes that make no frame (after a fault, or where the stream ended mid-frame). */
  bytes(direction: WireDirection, offset: number, bytes: Uint8Array, note: string): void {
    const kept = bytes.subarray(0, Math.min(bytes.length, this.#limits.frameBytes));
    this.#add({ kind: 'bytes', t: this.#now(), direction, offset, bytes: toHex(kept), truncated: kept.length < bytes.length, note });
  }

  /** How many bytes of a frame to keep: the header, the first bytes, and up to `needed`. */
  #keep(headerLength: number, size: number, needed: number): number {
    const wanted = Math.max(headerLength + this.#limits.frameBytes, needed > 0 ? needed + AROUND : 0);
    return Math.min(size, wanted, MOST);
  }

  /** Bytes to keep of a frame so that `offsetInFrame` is shown (for a mark set after the fact). */
  keepFor(headerLength: number, size: number, offsetInFrame: number): number {
    return this.#keep(headerLength, size, offsetInFrame + 1);
  }

  /** Every entry kept, in order, with one event saying how many were left out. */
  entries(): WireEntry[] {
    if (this.#skipped === 0 && this.#tail.length <= this.#limits.tail) return [...this.#head, ...this.#tail];
    const tail = this.#tail.slice(-this.#limits.tail);
    const skipped = this.#skipped + this.#tail.length - tail.length;
    const gap: WireEntry = { kind: 'event', t: tail[0]?.t ?? 0, text: `… ${skipped} more entries not kept in this log …` };
    return [...this.#head, gap, ...tail];
  }
}
