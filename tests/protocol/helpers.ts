/**
 * Shared helpers for the codec's tests: hex fixtures, feeding bytes to a parser in a chosen
 * chunking, and a plain-data view of frames and faults that `toEqual` can compare.
 */
import { FrameParser, type Fault, type Frame, type Incomplete, type ParserOptions } from '../../src/protocol';

/** "81 05 48 65" (spaces optional) to bytes. */
export function hex(text: string): Uint8Array {
  const digits = text.replace(/\s+/g, '');
  if (digits.length % 2 !== 0 || /[^0-9a-f]/i.test(digits)) throw new Error(`bad hex fixture: ${text}`);
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(digits.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Deterministic filler: byte i of a payload (not a repeating 256-byte cycle, so shifts show). */
export function pattern(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = (seed | 0) || 1;
  for (let i = 0; i < length; i++) {
    // xorshift32
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
}

/** A frame as plain data, payload and masking key as hex, for `toEqual`. */
export interface PlainFrame {
  fin: boolean;
  rsv1: boolean;
  rsv2: boolean;
  rsv3: boolean;
  opcode: number;
  masked: boolean;
  maskingKey: string | null;
  payloadLength: number;
  lengthForm: number;
  headerLength: number;
  offset: number;
  payload: string;
}

export function plainFrame(frame: Frame): PlainFrame {
  return {
    fin: frame.fin,
    rsv1: frame.rsv1,
    rsv2: frame.rsv2,
    rsv3: frame.rsv3,
    opcode: frame.opcode,
    masked: frame.masked,
    maskingKey: frame.maskingKey === null ? null : toHex(frame.maskingKey),
    payloadLength: frame.payloadLength,
    lengthForm: frame.lengthForm,
    headerLength: frame.headerLength,
    offset: frame.offset,
    payload: toHex(frame.payload),
  };
}

export interface PlainFault {
  rule: string;
  closeCode: number;
  offset: number;
  length: number;
}

export function plainFault(f: Fault): PlainFault {
  return { rule: f.rule, closeCode: f.closeCode, offset: f.offset, length: f.length };
}

export interface FeedResult {
  frames: Frame[];
  fault: Fault | null;
  incomplete: Incomplete | null;
  parser: FrameParser;
}

/**
 * Feed `bytes` cut at `cuts` (sorted stream offsets), draining `next()` after every push, as a
 * socket loop would. The input is copied first (the parser unmasks in place). The loop is bounded,
 * so a parser that spins fails the test instead of hanging it.
 */
export function feed(bytes: Uint8Array, cuts: readonly number[], options: ParserOptions = {}, copy = true): FeedResult {
  const parser = new FrameParser(options);
  const frames: Frame[] = [];
  let fault: Fault | null = null;
  const input = copy ? bytes.slice() : bytes;
  let budget = bytes.length + 2 * (cuts.length + 2);
  let start = 0;
  const ends = [...cuts.filter((c) => c > 0 && c < input.length), input.length];
  for (const end of ends) {
    parser.push(input.subarray(start, end));
    start = end;
    for (;;) {
      if (--budget < 0) throw new Error('parser did not settle: more next() results than bytes');
      const item = parser.next();
      if (item === null) break;
      if (item.kind === 'fault') {
        if (fault !== null) throw new Error('a second fault after the first');
        fault = item;
      } else {
        if (fault !== null) throw new Error('a frame after a fault');
        frames.push(item);
      }
    }
  }
  return { frames, fault, incomplete: parser.incomplete, parser };
}

/** Every 2-way cut, one chunk per byte, and the whole input: the chunkings the tables run. */
export function chunkings(length: number): { name: string; cuts: number[] }[] {
  const out: { name: string; cuts: number[] }[] = [{ name: 'whole', cuts: [] }];
  for (let k = 1; k < length; k++) out.push({ name: `split at ${k}`, cuts: [k] });
  if (length > 1) out.push({ name: 'one byte at a time', cuts: Array.from({ length: length - 1 }, (_, i) => i + 1) });
  return out;
}

/** What a feed produced, as plain data. */
export function summary(result: FeedResult): { frames: PlainFrame[]; fault: PlainFault | null; incomplete: Incomplete | null } {
  return {
    frames: result.frames.map(plainFrame),
    fault: result.fault === null ? null : plainFault(result.fault),
    incomplete: result.incomplete,
  };
}
