import { describe, expect, it } from 'vitest';
import { encodeFrame, toHex } from '../../protocol';
import { compileFilter, NO_FILTER, type FrameFilter } from '../components/filter/filter';
import { decodeText, type DecodeAnalysis } from './analyze';
import { decodedFilterable, decodedSource } from './find.svelte';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const frame = (opcode: number, payload: Uint8Array, fin = true): string => toHex(encodeFrame({ fin, opcode, payload }, (n) => new Uint8Array(n)));

/** Server frames: text "hello alice", ping, a fragmented message (with a pong between), then an RSV2 frame (a fault). */
function analysis(): DecodeAnalysis {
  const hex = [
    frame(0x1, text('hello alice')),
    frame(0x9, text('alive?')),
    frame(0x1, text('frag'), false),
    frame(0xa, text('alive?')),
    frame(0x0, text('ment')),
    'a1 00',
  ].join(' ');
  const outcome = decodeText(hex, 'server');
  if (outcome.kind !== 'decoded') throw new Error(outcome.kind);
  return outcome.analysis;
}

function rows(filter: Partial<FrameFilter>): number[] {
  const a = analysis();
  const compiled = compileFilter({ ...NO_FILTER, ...filter });
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.error));
  const source = decodedSource(a);
  const out: number[] = [];
  for (let i = 0; i < source.length; i++) if (compiled.test(decodedFilterable(a, source.bySeq(i)!))) out.push(i);
  return out;
}

describe('the decoder frame list filtered', () => {
  it('lists every row, the fault row last', () => {
    expect(decodedSource(analysis()).length).toBe(6);
    expect(rows({})).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('by kind, state and search, the direction being the sender', () => {
    expect(rows({ kind: 'ping' })).toEqual([1]);
    expect(rows({ kind: 'control' })).toEqual([1, 3]);
    expect(rows({ states: ['fragmented'] })).toEqual([2, 4]);
    expect(rows({ states: ['faulty'] })).toEqual([5]);
    expect(rows({ states: ['rsv'] })).toEqual([5]);
    expect(rows({ search: 'ALICE' })).toEqual([0]);
    expect(rows({ search: '61 6c 69 76 65', mode: 'hex' })).toEqual([1, 3]);
    expect(rows({ direction: 'server-to-client', kind: 'pong' })).toEqual([3]);
    expect(rows({ direction: 'client-to-server' })).toEqual([]);
  });
});
