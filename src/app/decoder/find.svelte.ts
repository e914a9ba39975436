/**
 * The decoder's frame list filtered: the same FrameFinder as every other list, over the rows of a
 * decode (an index per row: the frames, then the broken or unfinished frame's row if any), and the
 * filter in the hash beside the input (`#/decode?hex=…&kind=ping`), so a link shows the same view.
 */
import type { FrameSender } from '../../protocol';
import type { FilterableFrame, FrameFilter } from '../components/filter/filter';
import { readFilterQuery, sameFilter, withFilterQuery } from '../components/filter/filter-url';
import type { SeqSource } from '../components/filter/filter-index';
import { FrameFinder } from '../components/filter/finder.svelte';
import { framePayload, frameRow, listLength, tailOffset, type DecodeAnalysis } from './analyze';

const EMPTY = new Uint8Array(0);

function directionOf(sender: FrameSender): FilterableFrame['direction'] {
  return sender === 'client' ? 'client-to-server' : sender === 'server' ? 'server-to-client' : null;
}

/** Row `index` of a decode as a filter reads it. The last row past the frames is the one the fault stopped (faulty) or the bytes cut short. */
export function decodedFilterable(analysis: DecodeAnalysis, index: number): FilterableFrame {
  const direction = directionOf(analysis.sender);
  if (index < analysis.frames.count) {
    const row = frameRow(analysis, index);
    return { direction, opcode: row.opcode, fin: row.fin, rsv: row.rsv, masked: row.masked, faulty: false, payload: () => framePayload(analysis, index) };
  }
  const offset = tailOffset(analysis) ?? analysis.bytes.length;
  const b0 = analysis.bytes[offset] ?? 0;
  const b1 = analysis.bytes[offset + 1] ?? 0;
  return {
    direction,
    opcode: b0 & 0x0f,
    fin: (b0 & 0x80) !== 0,
    rsv: (b0 & 0x70) >>> 4,
    masked: (b1 & 0x80) !== 0,
    faulty: analysis.fault !== null,
    payload: () => EMPTY,
  };
}

/** The rows of a decode, numbered by their index. */
export function decodedSource(analysis: DecodeAnalysis): SeqSource<number> {
  const rows = listLength(analysis);
  return { length: rows, firstSeq: 0, bySeq: (index) => (index >= 0 && index < rows ? index : undefined) };
}

export class DecoderFind {
  readonly finder: FrameFinder<number>;
  #analysis: DecodeAnalysis | null = null;

  constructor() {
    this.finder = new FrameFinder<number>((index) => decodedFilterable(this.#analysis!, index));
  }

  /** A new decode (or the same one again): the filter is applied to its rows. */
  update(analysis: DecodeAnalysis | null): void {
    if (analysis === null) return;
    this.#analysis = analysis;
    this.finder.update(decodedSource(analysis), analysis);
  }

  /** The filter the hash's query asks for, if it differs from the one on. */
  read(query: Readonly<Record<string, string>>): void {
    const { filter } = readFilterQuery(query);
    if (!sameFilter(filter, this.finder.filter)) this.finder.filter = filter;
  }

  /** The page's own query with the filter's keys added. */
  write(query: Readonly<Record<string, string>>): Record<string, string> {
    return withFilterQuery(query, this.finder.filter);
  }

  get filter(): FrameFilter {
    return this.finder.filter;
  }
}
