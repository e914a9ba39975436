/**
 * Message assembly (RFC 6455 §5.4): data frames joined into messages; control frames, which may
 * arrive between the fragments of a message, passed through as they come. The parser has already
 * checked every rule (fragment order, UTF-8, sizes), so this layer only joins.
 */
import type { Frame } from './frame.ts';
import { Opcode } from './opcodes.ts';
import { allocatePooled, parseClosePayload, type Allocate } from './encoder.ts';

export interface MessageEvent {
  kind: 'message';
  /** false for a text message (opcode 0x1), true for binary (0x2). */
  binary: boolean;
  /** The whole message; for text, valid UTF-8. */
  data: Uint8Array;
  /** How many frames carried it (1 when not fragmented). */
  frames: number;
  /**
   * Present when the message came compressed (permessage-deflate: RSV1 on its first frame, RFC
   * 7692 §6): `wireLength` is its payload bytes on the wire. The assembler hands out the
   * compressed bytes; a connection with the extension hands out `data` inflated.
   */
  compressed?: { wireLength: number };
}

export interface PingEvent {
  kind: 'ping';
  payload: Uint8Array;
}

export interface PongEvent {
  kind: 'pong';
  payload: Uint8Array;
}

export interface CloseEvent {
  kind: 'close';
  /** The peer's status code, or null when its close frame had no payload (reported as 1005). */
  code: number | null;
  reason: string;
}

export type AssembledEvent = MessageEvent | PingEvent | PongEvent | CloseEvent;

const EMPTY = new Uint8Array(0);

export class MessageAssembler {
  // The fragmented message so far (§5.4): the first fragment's payload as it came, then one buffer
  // the fragments are copied into, grown by doubling. Not a list of fragments: a flood of 1-byte
  // fragments would cost a list entry and a view per byte (about a hundred times the message in
  // memory), and one of empty fragments memory without end, since they never reach maxMessage.
  #buffer: Uint8Array = EMPTY;
  /** Is #buffer ours (grown here), or still the first fragment's payload? */
  #owned = false;
  #length = 0;
  #frames = 0;
  #binary = false;
  #compressed = false;
  readonly #allocate: Allocate;
  readonly #maxMessage: number;

  /**
   * `allocate`: where a fragmented message's fragments are joined (see `Allocate`). `maxMessage`:
   * the largest message the parser lets through; the buffer doubles as it grows but never past it,
   * so a message near the limit holds the limit, not twice it.
   */
  constructor(allocate: Allocate = allocatePooled, maxMessage = Number.MAX_SAFE_INTEGER) {
    this.#allocate = allocate;
    this.#maxMessage = maxMessage;
  }

  /** Bytes held for the fragmented message so far (the buffer grown for it, or its first fragment). */
  get heldBytes(): number {
    return this.#owned ? this.#buffer.length : this.#length;
  }

  /** Accept a frame that the parser produced; returns what it completes, if anything. */
  accept(frame: Frame): AssembledEvent | null {
    switch (frame.opcode) {
      case Opcode.Ping:
        return { kind: 'ping', payload: frame.payload };
      case Opcode.Pong:
        return { kind: 'pong', payload: frame.payload };
      case Opcode.Close: {
        const { code, reason } = parseClosePayload(frame.payload);
        return { kind: 'close', code, reason };
      }
      case Opcode.Text:
      case Opcode.Binary:
        if (frame.fin) {
          if (frame.rsv1) return { kind: 'message', binary: frame.opcode === Opcode.Binary, data: frame.payload, frames: 1, compressed: { wireLength: frame.payload.length } };
          return { kind: 'message', binary: frame.opcode === Opcode.Binary, data: frame.payload, frames: 1 };
        }
        this.#binary = frame.opcode === Opcode.Binary;
        this.#compressed = frame.rsv1;
        this.#buffer = frame.payload;
        this.#owned = false;
        this.#length = frame.payload.length;
        this.#frames = 1;
        return null;
      case Opcode.Continuation: {
        this.#append(frame.payload);
        this.#frames++;
        if (!frame.fin) return null;
        const data = this.#length === this.#buffer.length ? this.#buffer : this.#buffer.subarray(0, this.#length);
        const frames = this.#frames;
        this.#buffer = EMPTY;
        this.#owned = false;
        this.#length = 0;
        this.#frames = 0;
        if (this.#compressed) return { kind: 'message', binary: this.#binary, data, frames, compressed: { wireLength: data.length } };
        return { kind: 'message', binary: this.#binary, data, frames };
      }
      default:
        // The parser refuses reserved opcodes; an extension-aware caller handles its own.
        return null;
    }
  }

  #append(part: Uint8Array): void {
    if (part.length === 0) return;
    const needed = this.#length + part.length;
    if (!this.#owned || needed > this.#buffer.length) {
      const grown = this.#allocate(Math.max(needed, Math.min(2 * this.#buffer.length, this.#maxMessage)));
      grown.set(this.#buffer.subarray(0, this.#length), 0);
      this.#buffer = grown;
      this.#owned = true;
    }
    this.#buffer.set(part, this.#length);
    this.#length = needed;
  }
}

export function join(parts: Uint8Array[], total: number, allocate: Allocate = allocatePooled): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = allocate(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
