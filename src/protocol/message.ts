/**
 * Message assembly (RFC 6455 §5.4): data frames joined into messages; control frames, which may
 * arrive between the fragments of a message, passed through as they come. The parser has already
 * checked every rule (fragment order, UTF-8, sizes), so this layer only joins.
 */
import type { Frame } from './frame';
import { Opcode } from './opcodes';
import { parseClosePayload } from './encoder';

export interface MessageEvent {
  kind: 'message';
  /** false for a text message (opcode 0x1), true for binary (0x2). */
  binary: boolean;
  /** The whole message; for text, valid UTF-8. */
  data: Uint8Array;
  /** How many frames carried it (1 when not fragmented). */
  frames: number;
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

export class MessageAssembler {
  #parts: Uint8Array[] = [];
  #length = 0;
  #binary = false;

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
        if (frame.fin) return { kind: 'message', binary: frame.opcode === Opcode.Binary, data: frame.payload, frames: 1 };
        this.#binary = frame.opcode === Opcode.Binary;
        this.#parts = [frame.payload];
        this.#length = frame.payload.length;
        return null;
      case Opcode.Continuation: {
        this.#parts.push(frame.payload);
        this.#length += frame.payload.length;
        if (!frame.fin) return null;
        const parts = this.#parts;
        this.#parts = [];
        return { kind: 'message', binary: this.#binary, data: join(parts, this.#length), frames: parts.length };
      }
      default:
        // The parser refuses reserved opcodes; an extension-aware caller handles its own.
        return null;
    }
  }
}

export function join(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
