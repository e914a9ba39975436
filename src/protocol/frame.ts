/**
 * The frame model of RFC 6455 §5.2:
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-------+-+-------------+-------------------------------+
 *  |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
 *  |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
 *  |N|V|V|V|       |S|             |   (if payload len==126/127)   |
 *  | |1|2|3|       |K|             |                               |
 *  +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
 *  |     Extended payload length continued, if payload len == 127  |
 *  + - - - - - - - - - - - - - - - +-------------------------------+
 *  |                               |Masking-key, if MASK set to 1  |
 *  +-------------------------------+-------------------------------+
 *  | Masking-key (continued)       |          Payload Data         |
 *  +-------------------------------- - - - - - - - - - - - - - - - +
 */

/** Who sent the bytes being parsed: a client (frames MUST be masked), a server (MUST NOT), or unknown. */
export type FrameSender = 'client' | 'server' | 'any';

/** Where a stream of bytes stops in the middle of a frame. */
export interface Incomplete {
  /** Stream offset where the unfinished frame starts. */
  offset: number;
  /** Bytes of it received so far. */
  have: number;
  /** At least this many more bytes are needed to go on (exact once the header is complete). */
  needed: number;
}

/** Which form the payload length took on the wire: the 7-bit field alone, or 126 + 16 bits, or 127 + 64 bits. */
export type LengthForm = 7 | 16 | 64;

export interface FrameHeader {
  fin: boolean;
  rsv1: boolean;
  rsv2: boolean;
  rsv3: boolean;
  opcode: number;
  masked: boolean;
  /** The 4-byte masking key, or null when MASK is 0. */
  maskingKey: Uint8Array | null;
  payloadLength: number;
  lengthForm: LengthForm;
  /** Bytes before the payload: 2, plus 2 or 8 of extended length, plus 4 of masking key. */
  headerLength: number;
}

export interface Frame extends FrameHeader {
  kind: 'frame';
  /** The payload, unmasked. */
  payload: Uint8Array;
  /** Byte offset of the frame's first byte in the stream fed to the parser. */
  offset: number;
}

/** What the encoder takes: any frame, valid or not (the playground breaks rules on purpose). */
export interface FrameSpec {
  fin?: boolean;
  rsv1?: boolean;
  rsv2?: boolean;
  rsv3?: boolean;
  opcode: number;
  payload?: Uint8Array;
  /** A 4-byte key masks the payload and sets MASK; null or absent leaves MASK 0. */
  maskingKey?: Uint8Array | null;
  /**
   * Force a length form (for teaching non-minimal encodings); by default the shortest form is used,
   * as RFC 6455 §5.2 requires ("the minimal number of bytes MUST be used").
   */
  lengthForm?: LengthForm;
}

/** Total frame size on the wire for a payload length and masking. */
export function frameSize(payloadLength: number, masked: boolean): number {
  return headerSize(payloadLength, masked) + payloadLength;
}

export function headerSize(payloadLength: number, masked: boolean): number {
  const ext = payloadLength < 126 ? 0 : payloadLength < 65536 ? 2 : 8;
  return 2 + ext + (masked ? 4 : 0);
}

export function minimalLengthForm(payloadLength: number): LengthForm {
  return payloadLength < 126 ? 7 : payloadLength < 65536 ? 16 : 64;
}
