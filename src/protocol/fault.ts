/**
 * A protocol fault is a value, never an exception: what rule was broken, the close code the RFC
 * requires the receiver to send (§7.4.1), where in the byte stream the offending bytes are, and a
 * message a student can read. After a fault the receiver discards everything that follows
 * (RFC 6455 §7.1.7 "Fail the WebSocket Connection").
 */

export type FaultRule =
  | 'rsv-without-extension'
  | 'reserved-opcode'
  | 'fragmented-control-frame'
  | 'control-frame-too-long'
  | 'close-payload-one-byte'
  | 'invalid-close-code'
  | 'invalid-utf8'
  | 'unexpected-continuation'
  | 'expected-continuation'
  | 'mask-required'
  | 'mask-forbidden'
  | 'non-minimal-length'
  | 'length-msb-set'
  | 'payload-too-large'
  | 'message-too-large';

export type FaultCloseCode = 1002 | 1007 | 1009;

export interface Fault {
  kind: 'fault';
  rule: FaultRule;
  /** The close code to send when failing the connection. */
  closeCode: FaultCloseCode;
  /** Byte offset, in the stream fed to the parser, of the first byte at fault. */
  offset: number;
  /** Stream offset of the first byte of the frame the fault was found in. */
  frameOffset: number;
  /** How many bytes from `offset` are at fault (at least 1). */
  length: number;
  /** The RFC 6455 section that states the rule, such as "5.2". */
  rfc: string;
  /** One or two sentences a student can read: what was wrong, where, and which rule says so. */
  message: string;
}

/** A fault value; the parser sets `frameOffset` to the start of the frame it was reading. */
export function fault(
  rule: FaultRule,
  closeCode: FaultCloseCode,
  offset: number,
  length: number,
  rfc: string,
  message: string,
): Fault {
  return { kind: 'fault', rule, closeCode, offset, frameOffset: offset, length, rfc, message };
}
