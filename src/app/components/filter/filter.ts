/**
 * Which frames a frame list shows: direction, kind (data, control or one opcode), state (faulty,
 * fragmented, masked, RSV set) and a search over the payload, as text or as hex bytes, with a
 * regex option. Pure: a filter is a plain value, `compileFilter` turns it into a predicate over
 * `FilterableFrame` (the playground's captured frames, the decoder's rows and imported captures
 * adapt to it), and an invalid search (a broken regex, hex that is not hex) is a message, never a
 * throw.
 */
import { isControl, parseHex } from '../../../protocol';

export type FilterDirection = 'all' | 'client-to-server' | 'server-to-client';

/** Kinds by the opcode table of RFC 6455 §5.2; `data` and `control` take the reserved opcodes of each range too. */
export const FILTER_KINDS = ['all', 'data', 'control', 'text', 'binary', 'continuation', 'close', 'ping', 'pong'] as const;
export type FilterKind = (typeof FILTER_KINDS)[number];

const KIND_OPCODE: Partial<Record<FilterKind, number>> = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa };

/** Frame states a filter can require; each one narrows (they combine with AND). */
export const FILTER_STATES = ['faulty', 'fragmented', 'masked', 'rsv'] as const;
export type FilterState = (typeof FILTER_STATES)[number];


export interface FrameFilter {
  direction: FilterDirection;
  kind: FilterKind;
  /** Required states, in FILTER_STATES order. */
  states: readonly FilterState[];
  /** The search; empty searches nothing. */
  search: string;
  /** Search the payload as UTF-8 text, or as bytes written in hex. */
  mode: 'text' | 'hex';
  /** The search is a regular expression (over the text, or over the payload as spaced hex "de ad be ef"). */
  regex: boolean;
}

export const NO_FILTER: FrameFilter = { direction: 'all', kind: 'all', states: [], search: '', mode: 'text', regex: false };

/** What a filter reads of a frame. */
export interface FilterableFrame {
  /** Null where the direction is not known (the decoder's "either side"). */
  direction: FilterDirection | null;
  opcode: number;
  fin: boolean;
  /** RSV1-3 as a 3-bit number (RSV1 is 0b100). */
  rsv: number;
  masked: boolean;
  /** A fault in this frame, or broken on purpose. */
  faulty: boolean;
  /** The payload, unmasked (possibly only its first bytes). */
  payload(): Uint8Array;
}

/** A payload is searched in its first this many bytes. */
export const SEARCH_BYTES = 1 << 20;

export type CompiledFilter =
  | { ok: true; active: boolean; test: (frame: FilterableFrame) => boolean }
  | { ok: false; error: FilterError };

/** Why a search cannot run; filter-text.ts says it in the page's language. */
export type FilterError = { kind: 'regex'; detail: string } | { kind: 'hex'; line: number; column: number };

/** The filter narrows nothing (every frame shows). */
export function isEmptyFilter(filter: FrameFilter): boolean {
  return filter.direction === 'all' && filter.kind === 'all' && filter.states.length === 0 && filter.search === '';
}

/** Is this frame part of a fragmented message? RFC 6455 §5.4: a first fragment has FIN 0, the rest are continuations (opcode 0). */
export function isFragment(frame: Pick<FilterableFrame, 'fin' | 'opcode'>): boolean {
  return !frame.fin || frame.opcode === 0x0;
}

function kindTest(kind: FilterKind): ((opcode: number) => boolean) | null {
  if (kind === 'all') return null;
  // RFC 6455 §5.5: "Control frames are identified by opcodes where the most significant bit of the opcode is 1."
  if (kind === 'control') return isControl;
  if (kind === 'data') return (opcode) => !isControl(opcode);
  const want = KIND_OPCODE[kind]!;
  return (opcode) => opcode === want;
}

function stateTest(state: FilterState): (frame: FilterableFrame) => boolean {
  switch (state) {
    case 'faulty':
      return (frame) => frame.faulty;
    case 'fragmented':
      return isFragment;
    case 'masked':
      return (frame) => frame.masked;
    case 'rsv':
      return (frame) => frame.rsv !== 0;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

function limited(frame: FilterableFrame): Uint8Array {
  const payload = frame.payload();
  return payload.length > SEARCH_BYTES ? payload.subarray(0, SEARCH_BYTES) : payload;
}

/** The payload as spaced lowercase hex ("de ad be ef"), what a hex regex runs over. */
export function spacedHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += (i === 0 ? '' : ' ') + (bytes[i]! < 16 ? '0' : '') + bytes[i]!.toString(16);
  return out;
}

/** Index of `needle` in `haystack`, or -1. */
export function indexOfBytes(haystack: Uint8Array, needle: Uint8Array): number {
  if (needle.length === 0) return 0;
  const first = needle[0]!;
  const last = haystack.length - needle.length;
  outer: for (let i = haystack.indexOf(first); i !== -1 && i <= last; i = haystack.indexOf(first, i + 1)) {
    for (let j = 1; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function searchTest(filter: FrameFilter): { ok: true; test: ((frame: FilterableFrame) => boolean) | null } | { ok: false; error: FilterError } {
  const search = filter.search;
  if (search === '') return { ok: true, test: null };
  if (filter.regex) {
    let re: RegExp;
    try {
      // Case ignored, as in the plain search; no `g`, so `test` keeps no state between frames.
      re = new RegExp(search, 'i');
    } catch (error) {
      // The engine's own words for what is wrong (the browser's language, not the page's).
      return { ok: false, error: { kind: 'regex', detail: (error as Error).message.replace(/^Invalid regular expression: /, '') } };
    }
    if (filter.mode === 'hex') return { ok: true, test: (frame) => re.test(spacedHex(limited(frame))) };
    return { ok: true, test: (frame) => re.test(utf8.decode(limited(frame))) };
  }
  if (filter.mode === 'hex') {
    const parsed = parseHex(search);
    if (!parsed.ok) return { ok: false, error: { kind: 'hex', line: parsed.error.line, column: parsed.error.column } };
    const needle = parsed.bytes;
    if (needle.length === 0) return { ok: true, test: null };
    return { ok: true, test: (frame) => indexOfBytes(limited(frame), needle) !== -1 };
  }
  const needle = search.toLowerCase();
  return { ok: true, test: (frame) => utf8.decode(limited(frame)).toLowerCase().includes(needle) };
}

/** The filter as a predicate: every part that is set must hold (AND). */
export function compileFilter(filter: FrameFilter): CompiledFilter {
  const search = searchTest(filter);
  if (!search.ok) return search;
  const tests: ((frame: FilterableFrame) => boolean)[] = [];
  if (filter.direction !== 'all') {
    const want = filter.direction;
    tests.push((frame) => frame.direction === want);
  }
  const kind = kindTest(filter.kind);
  if (kind) tests.push((frame) => kind(frame.opcode));
  for (const state of filter.states) tests.push(stateTest(state));
  // The search last: it reads the payload, the others only the header.
  if (search.test) tests.push(search.test);
  if (tests.length === 0) return { ok: true, active: false, test: () => true };
  return { ok: true, active: true, test: (frame) => tests.every((test) => test(frame)) };
}
