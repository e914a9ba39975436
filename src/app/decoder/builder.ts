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
import * as m from '../../paraglide/messages.js';
import { formatCount } from '../components/format';
import { hexErrorText } from './hex-text';

/** A sentence made when it is shown (so it follows the language switch). */
export type Said = () => string;

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
  differences: Said[];
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
  | { ok: false; field: 'key' | 'payload' | 'opcode'; message: Said };

/** Read a masking key: exactly 4 bytes of hex. */
export function parseKey(text: string): { ok: true; key: Uint8Array } | { ok: false; message: Said } {
  const compact = text.replace(/[\s:,-]|0x/gi, '');
  if (!/^[0-9a-fA-F]*$/.test(compact)) return { ok: false, message: m.decoder_build_key_not_hex };
  if (compact.length !== 8) {
    const digits = compact.length;
    return { ok: false, message: () => m.decoder_build_key_length({ count: digits, shown: formatCount(digits) }) };
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

export function payloadBytes(spec: Pick<BuilderSpec, 'payloadMode' | 'payload'>): { ok: true; bytes: Uint8Array } | { ok: false; message: Said } {
  if (spec.payloadMode === 'text') return { ok: true, bytes: new TextEncoder().encode(spec.payload) };
  if (spec.payload.trim() === '') return { ok: true, bytes: new Uint8Array(0) };
  const parsed = parseHex(spec.payload);
  if (!parsed.ok) {
    const { error } = parsed;
    return { ok: false, message: () => m.decoder_build_payload_hex({ error: hexErrorText(error, spec.payload) }) };
  }
  return { ok: true, bytes: parsed.bytes };
}

export function buildFrame(spec: BuilderSpec): BuildResult {
  if (!Number.isInteger(spec.opcode) || spec.opcode < 0 || spec.opcode > 15) {
    return { ok: false, field: 'opcode', message: m.decoder_build_opcode };
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
    const size = payload.bytes.length;
    return { ok: false, field: 'payload', message: () => m.decoder_build_too_large({ most: formatCount(MAX_BUILD_PAYLOAD), size: formatCount(size) }) };
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
  const differences: Said[] = [];
  if (!frame || decoded.frames.length !== 1 || decoded.incomplete) {
    const count = decoded.frames.length;
    const shown = formatCount(count);
    differences.push(decoded.incomplete ? () => m.decoder_build_diff_frames_unfinished({ count, shown }) : () => m.decoder_build_diff_frames({ count, shown }));
    return { same: false, fault: null, differences };
  }
  compareFrame(frame, spec, payload, key, differences);
  return { same: differences.length === 0, fault: null, differences };
}

function compareFrame(frame: Frame, spec: BuilderSpec, payload: Uint8Array, key: Uint8Array | null, out: Said[]): void {
  const bit = (name: string, got: boolean, want: boolean): void => {
    if (got !== want) out.push(() => m.decoder_build_diff_bit({ name, got: got ? '1' : '0', want: want ? '1' : '0' }));
  };
  bit('FIN', frame.fin, spec.fin);
  bit('RSV1', frame.rsv1, spec.rsv1);
  bit('RSV2', frame.rsv2, spec.rsv2);
  bit('RSV3', frame.rsv3, spec.rsv3);
  if (frame.opcode !== spec.opcode) {
    const got = opcodeInfo(frame.opcode).name;
    const want = opcodeInfo(spec.opcode).name;
    out.push(() => m.decoder_build_diff_opcode({ got, want }));
  }
  bit('MASK', frame.masked, key !== null);
  if (key && (!frame.maskingKey || !equal(frame.maskingKey, key))) out.push(m.decoder_build_diff_key);
  if (frame.payloadLength !== payload.length) {
    const got = String(frame.payloadLength);
    const want = String(payload.length);
    out.push(() => m.decoder_build_diff_length({ got, want }));
  } else if (!equal(frame.payload, payload)) out.push(m.decoder_build_diff_payload);
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A notation's name beside the builder's output. */
export function formatLabel(format: HexOutputFormat): string {
  switch (format) {
    case 'spaced': return m.decoder_build_format_spaced();
    case 'plain': return m.decoder_build_format_plain();
    case '0x-list': return m.decoder_build_format_0x_list();
    case 'c-array': return m.decoder_build_format_c_array();
    case 'escaped': return m.decoder_build_format_escaped();
    case 'hexdump': return m.decoder_build_format_hexdump();
  }
}
