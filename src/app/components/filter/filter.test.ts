import { describe, expect, it } from 'vitest';
import { encodeFrame } from '../../../protocol';
import type { CapturedFrame } from '../../inspector/capture';
import { capturedFilterable } from './captured';
import { compileFilter, indexOfBytes, NO_FILTER, spacedHex, type FilterableFrame, type FrameFilter } from './filter';
import { describeFilter, filterErrorText } from './filter-text';
import { setLocale } from '../../../paraglide/runtime.js';
import { readFilterQuery, withFilterQuery, writeFilterQuery } from './filter-url';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

interface Fixture extends FilterableFrame {
  name: string;
}

function f(name: string, direction: FilterableFrame['direction'], opcode: number, payload: Uint8Array, more: Partial<FilterableFrame> = {}): Fixture {
  return { name, direction, opcode, fin: true, rsv: 0, masked: direction === 'client-to-server', faulty: false, payload: () => payload, ...more };
}

/** Every opcode, both directions, fragments, a compressed frame and faults. */
const FIXTURES: Fixture[] = [
  f('text alice', 'client-to-server', 0x1, text('hello Alice')),
  f('text hi', 'server-to-client', 0x1, text('hi')),
  f('binary', 'client-to-server', 0x2, new Uint8Array([0xde, 0xad, 0xbe, 0xef])),
  f('first fragment', 'server-to-client', 0x1, text('frag'), { fin: false }),
  f('continuation', 'server-to-client', 0x0, text('ment')),
  f('ping', 'server-to-client', 0x9, text('alive?')),
  f('pong', 'client-to-server', 0xa, text('alive?')),
  f('close', 'server-to-client', 0x8, new Uint8Array([0x03, 0xe8, ...text('bye')])),
  f('reserved data', 'server-to-client', 0x3, new Uint8Array(0), { faulty: true }),
  f('reserved control', 'client-to-server', 0xb, new Uint8Array(0), { faulty: true }),
  f('compressed', 'server-to-client', 0x1, new Uint8Array([0xf2, 0x48, 0xcd]), { rsv: 0b100 }),
  f('bad utf-8', 'server-to-client', 0x1, new Uint8Array([0xc3, 0x28]), { faulty: true }),
  f('decoder, either side', null, 0x9, new Uint8Array(0)),
];

function names(filter: Partial<FrameFilter>): string[] {
  const compiled = compileFilter({ ...NO_FILTER, ...filter });
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.error));
  return FIXTURES.filter((frame) => compiled.test(frame)).map((frame) => frame.name);
}

describe('compileFilter, each part alone', () => {
  it('no filter: every frame, and inactive', () => {
    const compiled = compileFilter(NO_FILTER);
    expect(compiled.ok && compiled.active).toBe(false);
    expect(names({})).toHaveLength(FIXTURES.length);
  });

  it('direction', () => {
    expect(names({ direction: 'client-to-server' })).toEqual(['text alice', 'binary', 'pong', 'reserved control']);
    expect(names({ direction: 'server-to-client' })).toHaveLength(8);
  });

  it('kind: data, control and each opcode', () => {
    expect(names({ kind: 'control' })).toEqual(['ping', 'pong', 'close', 'reserved control', 'decoder, either side']);
    expect(names({ kind: 'data' })).toEqual(['text alice', 'text hi', 'binary', 'first fragment', 'continuation', 'reserved data', 'compressed', 'bad utf-8']);
    expect(names({ kind: 'ping' })).toEqual(['ping', 'decoder, either side']);
    expect(names({ kind: 'pong' })).toEqual(['pong']);
    expect(names({ kind: 'close' })).toEqual(['close']);
    expect(names({ kind: 'binary' })).toEqual(['binary']);
    expect(names({ kind: 'continuation' })).toEqual(['continuation']);
    expect(names({ kind: 'text' })).toEqual(['text alice', 'text hi', 'first fragment', 'compressed', 'bad utf-8']);
  });

  it('states', () => {
    expect(names({ states: ['faulty'] })).toEqual(['reserved data', 'reserved control', 'bad utf-8']);
    expect(names({ states: ['fragmented'] })).toEqual(['first fragment', 'continuation']);
    expect(names({ states: ['masked'] })).toEqual(['text alice', 'binary', 'pong', 'reserved control']);
    expect(names({ states: ['rsv'] })).toEqual(['compressed']);
  });

  it('text search ignores case; regex too', () => {
    expect(names({ search: 'alice' })).toEqual(['text alice']);
    expect(names({ search: 'ALIVE' })).toEqual(['ping', 'pong']);
    expect(names({ search: 'bye' })).toEqual(['close']);
    expect(names({ search: '^h.*e$', regex: true })).toEqual(['text alice']);
    expect(names({ search: 'frag|ment', regex: true })).toEqual(['first fragment', 'continuation']);
  });

  it('hex search finds bytes in any notation; a hex regex runs over spaced hex', () => {
    expect(names({ search: 'ad be', mode: 'hex' })).toEqual(['binary']);
    expect(names({ search: '0xAD, 0xBE', mode: 'hex' })).toEqual(['binary']);
    expect(names({ search: '03e8', mode: 'hex' })).toEqual(['close']);
    expect(names({ search: 'c3 28', mode: 'hex' })).toEqual(['bad utf-8']);
    expect(names({ search: '^de .. be', mode: 'hex', regex: true })).toEqual(['binary']);
    // Text as hex: "hi" is 68 69.
    expect(names({ search: '6869', mode: 'hex' })).toEqual(['text hi']);
  });
});

describe('compileFilter, combined', () => {
  it('parts narrow together (AND)', () => {
    expect(names({ direction: 'server-to-client', kind: 'control' })).toEqual(['ping', 'close']);
    expect(names({ direction: 'client-to-server', kind: 'control', states: ['faulty'] })).toEqual(['reserved control']);
    expect(names({ kind: 'ping', search: 'alive' })).toEqual(['ping']);
    expect(names({ states: ['masked', 'faulty'] })).toEqual(['reserved control']);
    expect(names({ kind: 'text', states: ['fragmented'], search: 'FRAG' })).toEqual(['first fragment']);
    expect(names({ direction: 'client-to-server', search: 'de ad', mode: 'hex' })).toEqual(['binary']);
    expect(names({ direction: 'server-to-client', search: 'alice' })).toEqual([]);
  });

  it('a broken regex or hex is a message, not a throw', () => {
    const re = compileFilter({ ...NO_FILTER, search: 'a(', regex: true });
    expect(re.ok).toBe(false);
    if (!re.ok) expect(filterErrorText(re.error)).toMatch(/^Not a regular expression: .+/);
    const hex = compileFilter({ ...NO_FILTER, search: 'zz', mode: 'hex' });
    expect(hex.ok).toBe(false);
    if (!hex.ok) expect(filterErrorText(hex.error)).toMatch(/^Not hex bytes \(line 1, column 1\)/);
    const later = compileFilter({ ...NO_FILTER, search: 'de ad\nbe eg', mode: 'hex' });
    expect(later.ok ? null : later.error).toEqual({ kind: 'hex', line: 2, column: 5 });
  });

  it('says the filter in words', () => {
    const filter: FrameFilter = { ...NO_FILTER, direction: 'server-to-client', kind: 'ping', states: ['faulty'], search: 'x', regex: true };
    expect(describeFilter(filter)).toBe('server \u2192 client, ping, faulty, text /x/');
    setLocale('zh-CN', { reload: false });
    try {
      expect(describeFilter(filter)).toBe('服务器 → 客户端, ping 帧, 有错误, 文本 /x/');
    } finally {
      setLocale('en', { reload: false });
    }
  });
});

describe('captured frames', () => {
  function captured(bytes: Uint8Array, more: Partial<CapturedFrame> = {}): CapturedFrame {
    const masked = (bytes[1]! & 0x80) !== 0;
    const len = bytes[1]! & 0x7f;
    return {
      seq: 0, connection: 1, label: 1, direction: masked ? 'client-to-server' : 'server-to-client', t: 0, since: 0, offset: 0,
      size: bytes.length, opcode: bytes[0]! & 0x0f, fin: (bytes[0]! & 0x80) !== 0, masked, payloadLength: len,
      headerLength: masked ? 6 : 2, bytes, truncated: false, misbehave: null, fault: null, ...more,
    };
  }

  it('searches the unmasked payload of a masked client frame', () => {
    const bytes = encodeFrame({ fin: true, opcode: 0x1, payload: text('alice'), maskingKey: new Uint8Array([1, 2, 3, 4]) });
    const frame = capturedFilterable(captured(bytes));
    expect(frame.masked).toBe(true);
    const compiled = compileFilter({ ...NO_FILTER, search: 'alice' });
    expect(compiled.ok && compiled.test(frame)).toBe(true);
    const hex = compileFilter({ ...NO_FILTER, search: '61 6c 69', mode: 'hex' });
    expect(hex.ok && hex.test(frame)).toBe(true);
  });

  it('reads RSV bits and faults from the frame', () => {
    const bytes = new Uint8Array([0b1100_0001, 0x01, 0x00]);
    const frame = capturedFilterable(captured(bytes, { misbehave: 'rsv' }));
    expect(frame.rsv).toBe(0b100);
    expect(frame.faulty).toBe(true);
  });
});

describe('helpers', () => {
  it('indexOfBytes and spacedHex', () => {
    const hay = new Uint8Array([1, 2, 1, 2, 3]);
    expect(indexOfBytes(hay, new Uint8Array([1, 2, 3]))).toBe(2);
    expect(indexOfBytes(hay, new Uint8Array([3, 4]))).toBe(-1);
    expect(spacedHex(new Uint8Array([0, 0xab]))).toBe('00 ab');
  });
});

describe('the filter in the URL', () => {
  const filters: FrameFilter[] = [
    NO_FILTER,
    { ...NO_FILTER, direction: 'client-to-server' },
    { ...NO_FILTER, direction: 'server-to-client', kind: 'ping' },
    { ...NO_FILTER, states: ['faulty', 'rsv'] },
    { ...NO_FILTER, search: 'alice & bob?', regex: false },
    { direction: 'all', kind: 'control', states: ['fragmented', 'masked'], search: '^de ..', mode: 'hex', regex: true },
  ];

  it.each(filters)('round trip %#', (filter) => {
    const query = Object.fromEntries(new URLSearchParams(new URLSearchParams(writeFilterQuery(filter)).toString()));
    const { filter: back, notes } = readFilterQuery(query);
    expect(notes).toEqual([]);
    expect(back).toEqual(filter);
  });

  it('writes nothing for no filter, and keeps the page’s own parameters', () => {
    expect(writeFilterQuery(NO_FILTER)).toEqual({});
    expect(withFilterQuery({ watch: 'class', dir: 'c2s' }, { ...NO_FILTER, kind: 'pong' })).toEqual({ watch: 'class', kind: 'pong' });
  });

  it('a hand-typed link with bad values says so and uses the rest', () => {
    const { filter, notes } = readFilterQuery({ dir: 'up', kind: 'pings', only: 'faulty,shiny', find: 'x' });
    expect(filter).toEqual({ ...NO_FILTER, states: ['faulty'], search: 'x' });
    expect(notes).toEqual([
      { key: 'dir', value: 'up' },
      { key: 'kind', value: 'pings' },
      { key: 'only', value: 'shiny' },
    ]);
  });
});
