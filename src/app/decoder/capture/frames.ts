/**
 * A connection's frame table (session.ts) as the rows the shared frame list draws: one
 * CapturedFrame made for each row in view, from the table's columns and the first bytes kept for
 * its preview. The whole bytes of a frame are fetched when it is selected.
 */
import type { CapturedFrame } from '../../inspector/capture';
import type { FrameSource } from '../../inspector/capture.svelte';
import { FAULT, FIN, MASK, type FrameTable } from './session';

export function tableRows(table: FrameTable, connection: number, start: number): FrameSource<CapturedFrame> {
  return {
    length: table.count,
    at: (i) => (i >= 0 && i < table.count ? rowOf(table, connection, start, i) : undefined),
  };
}

export function rowOf(table: FrameTable, connection: number, start: number, i: number, bytes?: Uint8Array): CapturedFrame {
  const flags = table.flags[i]!;
  const headerLength = table.headerLength[i]!;
  const payloadLength = table.payloadLength[i]!;
  const size = headerLength + payloadLength;
  const preview = bytes ?? table.preview.subarray(table.previewStart[i]!, table.previewStart[i + 1]!);
  const fault = flags & FAULT ? (table.faults[i] ?? null) : null;
  return {
    seq: i,
    connection,
    label: null,
    direction: table.dir[i] === 0 ? 'client-to-server' : 'server-to-client',
    t: table.time[i]!,
    since: table.time[i]! - start,
    offset: table.offset[i]!,
    size,
    opcode: table.opcode[i]!,
    fin: (flags & FIN) !== 0,
    masked: (flags & MASK) !== 0,
    payloadLength,
    headerLength,
    bytes: preview,
    // A fault's frame holds what was captured of it; a frame row's preview is its first bytes only.
    truncated: fault === null && preview.length < size,
    misbehave: null,
    fault,
  };
}
