/**
 * View logic of the masking walkthrough and the payload view: the XOR of each byte with the key,
 * the payload read as text, as JSON, or as a close code and reason.
 */
import { closeCodeInfo, isValidUtf8, Opcode, type CloseCodeInfo } from '../../../protocol';

export interface MaskStep {
  /** Index in the payload. */
  index: number;
  masked: number;
  /** i mod 4, and the key byte it picks. */
  keyIndex: number;
  key: number;
  unmasked: number;
  /** The unmasked byte as a character when printable ASCII, else null. */
  char: string | null;
}

/** The first `count` steps of unmasking: masked[i] XOR key[i mod 4]. */
export function maskSteps(wire: Uint8Array, key: Uint8Array, count = wire.length): MaskStep[] {
  const steps: MaskStep[] = [];
  const n = Math.min(count, wire.length);
  for (let index = 0; index < n; index++) {
    const masked = wire[index]!;
    const keyIndex = index & 3;
    const k = key[keyIndex]!;
    const unmasked = masked ^ k;
    steps.push({ index, masked, keyIndex, key: k, unmasked, char: printable(unmasked) });
  }
  return steps;
}

export function printable(byte: number): string | null {
  if (byte === 0x20) return '\u2423'; // ␣, so a space is visible
  return byte > 0x20 && byte < 0x7f ? String.fromCharCode(byte) : null;
}

export function hex2(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}

export function bin8(byte: number): string {
  return byte.toString(2).padStart(8, '0');
}

export interface TextView {
  /** Was it valid UTF-8? */
  valid: boolean;
  /** How many characters (code points) the payload holds. */
  length: number;
  /** The characters shown (all, or the first `limit`); invalid sequences as U+FFFD. */
  shown: string;
  truncated: boolean;
}

const decoder = new TextDecoder('utf-8', { fatal: false });

/** Code points in UTF-8 bytes: every byte that is not a continuation byte starts one. */
export function codePoints(bytes: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < bytes.length; i++) if ((bytes[i]! & 0b1100_0000) !== 0b1000_0000) n++;
  return n;
}

/**
 * The payload as text, cut to `limit` characters unless `all`. Only what is shown is decoded: a
 * 1 MiB payload is not turned into a string to show its first lines.
 */
export function textView(payload: Uint8Array, limit: number, all: boolean): TextView {
  const valid = isValidUtf8(payload);
  const length = codePoints(payload);
  const truncated = !all && length > limit;
  if (!truncated) return { valid, length, shown: decoder.decode(payload), truncated };
  // `limit` characters take at most 4 bytes each; cut by code points (not UTF-16 units).
  const head = Array.from(decoder.decode(payload.subarray(0, limit * 4)));
  return { valid, length, shown: head.slice(0, limit).join(''), truncated };
}

/** Payloads up to this size are tried as JSON. */
export const JSON_LIMIT = 256 * 1024;

/** Pretty JSON when the text parses as an object or array (a bare number or string is not worth it). */
export function prettyJson(text: string): string | null {
  const trimmed = text.trim();
  if (!(trimmed.startsWith('{') || trimmed.startsWith('['))) return null;
  try {
    return JSON.stringify(JSON.parse(trimmed), null, 2);
  } catch {
    return null;
  }
}

/** Does this payload read as text? Text frames and continuations always; pings and pongs if printable. */
export function looksLikeText(opcode: number, payload: Uint8Array): boolean {
  if (opcode === Opcode.Text || opcode === Opcode.Continuation) return true;
  if (opcode === Opcode.Binary || opcode === Opcode.Close) return false;
  if (payload.length === 0) return false;
  const sample = decoder.decode(payload.subarray(0, 256));
  return !/[\u0000-\u0008\u000e-\u001f\ufffd]/.test(sample);
}

export interface CloseView {
  code: number | null;
  info: CloseCodeInfo | null;
  reason: string;
}

export function closeView(payload: Uint8Array): CloseView {
  if (payload.length < 2) return { code: null, info: null, reason: '' };
  const code = (payload[0]! << 8) | payload[1]!;
  return { code, info: closeCodeInfo(code), reason: decoder.decode(payload.subarray(2)) };
}
