/**
 * The frame builder: the fields a student sets (FIN, RSV1-3, opcode, MASK, masking key, payload as
 * text or hex) to bytes with the codec's encoder, in every hex notation, and the round trip: the
 * same bytes through the parser, compared field by field with what was asked for.
 */
import {
  decodeFrames,
  encodeFrame,
  type Fault,
  formatHex,
  type Frame,
  HEX_OUTPUT_FORMATS,
  type HexOutputFormat,
  opcodeInfo,
  parseHex,
} from '../../protocol';

export interface BuilderSpec {
  fin: boolean;
  rsv1: boolean;
  rsv2: boolean;
  rsv3: boolean;
  opcode: number;
  mask: boolean;
  /** The masking key as typed: 8 hex digits, spaces allowed. */
  key: string;
  payloadMode: 'text' | 'hex';
  payload: string;
}

export const DEFAULT_SPEC: BuilderSpec = {
  fin: true,
  rsv1: false,
  rsv2: false,
  rsv3: false,
  opcode: 0x1,
  mask: true,
  key: '37 fa 21 3d',
  payloadMode: 'text',
  payload: 'Hello',
};

/** Largest payload the builder makes (the page shows every format of the bytes). */
export const MAX_BUILD_PAYLOAD = 1 << 20;

export interface RoundTrip {
  /** The parser read back one frame with every field as asked. */
  same: boolean;
  /** The parser refused the bytes (a frame broken on purpose): why. */
  fault: Fault | null;
  /** Fields that came back different, said plainly. */
  differences: string[];
}

export type BuildResult =
  | {
      ok: true;
      bytes: Uint8Array;
      payload: Uint8Array;
      key: Uint8Array | null;
      formats: { format: HexOutputFormat; text: string }[];
      roundTrip: RoundTrip;
    }
  | { ok: false; field: 'key' | 'payload' | 'opcode'; message: string };

/** Read a masking key: exactly 4 bytes of hex. */
export function parseKey(text: string): { ok: true; key: Uint8Array } | { ok: false; message: string } {
  const compact = text.replace(/[\s:,-]|0x/gi, '');
  if (!/^[0-9a-fA-F]*$/.test(compact)) return { ok: false, message: 'The masking key is hex digits only, such as 37 fa 21 3d.' };
  if (compact.length !== 8) {
    return { ok: false, message: `The masking key is exactly 4 bytes (8 hex digits); this has ${compact.length} digit${compact.length === 1 ? '' : 's'}.` };
  }
  const key = new Uint8Array(4);
  for (let i = 0; i < 4; i++) key[i] = parseInt(compact.slice(i * 2, i * 2 + 2), 16);
  return { ok: true, key };
}

/** A fresh random key as text ("a1 b2 c3 d4"), from Web Crypto. */
export function randomKeyText(): string {
  const key = new Uint8Array(4);
  globalThis.crypto.getRandomValues(key);
  return formatHex(key, 'spaced');
}

export function payloadBytes(spec: Pick<BuilderSpec, 'payloadMode' | 'payload'>): { ok: true; bytes: Uint8Array } | { ok: false; message: string } {
  if (spec.payloadMode === 'text') return { ok: true, bytes: new TextEncoder().encode(spec.payload) };
  if (spec.payload.trim() === '') return { ok: true, bytes: new Uint8Array(0) };
  const parsed = parseHex(spec.payload);
  if (!parsed.ok) return { ok: false, message: `Payload hex, line ${parsed.error.line}, column ${parsed.error.column}: ${parsed.error.message}` };
  return { ok: true, bytes: parsed.bytes };
}

export function buildFrame(spec: BuilderSpec): BuildResult {
  if (!Number.isInteger(spec.opcode) || spec.opcode < 0 || spec.opcode > 15) {
    return { ok: false, field: 'opcode', message: 'The opcode is 4 bits: 0x0 to 0xF.' };
  }
  let key: Uint8Array | null = null;
  if (spec.mask) {
    const parsed = parseKey(spec.key);
    if (!parsed.ok) return { ok: false, field: 'key', message: parsed.message };
    key = parsed.key;
  }
  const payload = payloadBytes(spec);
  if (!payload.ok) return { ok: false, field: 'payload', message: payload.message };
  if (payload.bytes.length > MAX_BUILD_PAYLOAD) {
    return { ok: false, field: 'payload', message: `The builder makes payloads up to ${MAX_BUILD_PAYLOAD.toLocaleString('en-US')} bytes; this one is ${payload.bytes.length.toLocaleString('en-US')}.` };
  }
  const bytes = encodeFrame({
    fin: spec.fin,
    rsv1: spec.rsv1,
    rsv2: spec.rsv2,
    rsv3: spec.rsv3,
    opcode: spec.opcode,
    payload: payload.bytes,
    maskingKey: key,
  });
  const formats = HEX_OUTPUT_FORMATS.map((format) => ({ format, text: formatHex(bytes, format) }));
  return { ok: true, bytes, payload: payload.bytes, key, formats, roundTrip: roundTrip(bytes, spec, payload.bytes, key) };
}

/** Decode `bytes` with the parser (sender unknown) and compare with what was asked for. */
export function roundTrip(bytes: Uint8Array, spec: BuilderSpec, payload: Uint8Array, key: Uint8Array | null): RoundTrip {
  const decoded = decodeFrames(bytes, { sender: 'any' });
  if (decoded.fault) return { same: false, fault: decoded.fault, differences: [] };
  const frame = decoded.frames[0];
  const differences: string[] = [];
  if (!frame || decoded.frames.length !== 1 || decoded.incomplete) {
    differences.push(`the bytes decode to ${decoded.frames.length} frames${decoded.incomplete ? ' and an unfinished one' : ''}, not one`);
    return { same: false, fault: null, differences };
  }
  compareFrame(frame, spec, payload, key, differences);
  return { same: differences.length === 0, fault: null, differences };
}

function compareFrame(frame: Frame, spec: BuilderSpec, payload: Uint8Array, key: Uint8Array | null, out: string[]): void {
  const bit = (name: string, got: boolean, want: boolean): void => {
    if (got !== want) out.push(`${name} is ${got ? 1 : 0}, not ${want ? 1 : 0}`);
  };
  bit('FIN', frame.fin, spec.fin);
  bit('RSV1', frame.rsv1, spec.rsv1);
  bit('RSV2', frame.rsv2, spec.rsv2);
  bit('RSV3', frame.rsv3, spec.rsv3);
  if (frame.opcode !== spec.opcode) out.push(`opcode is ${opcodeInfo(frame.opcode).name}, not ${opcodeInfo(spec.opcode).name}`);
  bit('MASK', frame.masked, key !== null);
  if (key && (!frame.maskingKey || !equal(frame.maskingKey, key))) out.push('the masking key differs');
  if (frame.payloadLength !== payload.length) out.push(`payload length is ${frame.payloadLength}, not ${payload.length}`);
  else if (!equal(frame.payload, payload)) out.push('the payload bytes differ');
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export const FORMAT_LABELS: Readonly<Record<HexOutputFormat, string>> = {
  spaced: 'Spaced hex',
  plain: 'Plain hex',
  '0x-list': '0x list',
  'c-array': 'C array',
  escaped: '\\x escapes',
  hexdump: 'hexdump -C',
};
