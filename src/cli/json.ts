/**
 * `npm run decode -- --json`: one JSON array, each frame, then a fault or incomplete notice if the
 * bytes end in one (the format is in docs/cli.md).
 */
import { layoutFrame, toHex, type DecodeResult, type Fault } from '../protocol/index.ts';

export interface JsonFrame {
  offset: number;
  fin: boolean;
  rsv1: boolean;
  rsv2: boolean;
  rsv3: boolean;
  opcode: number;
  masked: boolean;
  payloadLength: number;
  /** 8 lowercase hex digits, or null when MASK is 0. */
  maskingKey: string | null;
  /** Lowercase hex of the unmasked payload. */
  payload: string;
}

/** A fault: its rule id and the values of its sentence (a translation's keys), the close code, where, the section and the sentence. */
export interface JsonFault {
  rule: Fault['rule'];
  code: number;
  offset: number;
  length: number;
  rfc: string;
  detail: Fault['detail'];
  message: string;
}

export type JsonElement =
  | JsonFrame
  | { fault: JsonFault }
  | { incomplete: { offset: number; needed: number } };

export function jsonElements(bytes: Uint8Array, result: DecodeResult): JsonElement[] {
  const out: JsonElement[] = result.frames.map((frame): JsonFrame => ({
    offset: frame.offset,
    fin: frame.fin,
    rsv1: frame.rsv1,
    rsv2: frame.rsv2,
    rsv3: frame.rsv3,
    opcode: frame.opcode,
    masked: frame.masked,
    payloadLength: frame.payloadLength,
    maskingKey: frame.maskingKey === null ? null : toHex(frame.maskingKey),
    payload: toHex(frame.payload),
  }));
  if (result.fault !== null) {
    const { rule, closeCode, offset, length, rfc, detail, message } = result.fault;
    out.push({ fault: { rule, code: closeCode, offset, length, rfc, detail, message } });
  } else if (result.incomplete !== null) {
    const { offset } = result.incomplete;
    out.push({ incomplete: { offset, needed: stillNeeded(bytes, result).needed } });
  }
  return out;
}

export function formatJson(bytes: Uint8Array, result: DecodeResult): string {
  return `${JSON.stringify(jsonElements(bytes, result), null, 2)}\n`;
}

/**
 * How many more bytes the unfinished frame needs: exact once its header has said how long the
 * frame is, otherwise the parser's "at least".
 */
export function stillNeeded(bytes: Uint8Array, result: DecodeResult): { needed: number; exact: boolean; have: number } {
  const incomplete = result.incomplete!;
  const layout = layoutFrame(bytes, incomplete.offset);
  if (layout.frameLength !== null) {
    const exact = layout.frameLength - layout.available;
    if (exact >= incomplete.needed) return { needed: exact, exact: true, have: incomplete.have };
  }
  return { needed: incomplete.needed, exact: false, have: incomplete.have };
}
