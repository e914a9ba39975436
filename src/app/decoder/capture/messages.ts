/** Messages between the decoder page and its capture worker (import.worker.ts). */
import type { ReadProgress } from './read';
import type { CaptureSummary, FrameTable } from './session';

export type ImportRequest =
  | { id: number; type: 'open'; file: Blob; name: string }
  | { id: number; type: 'table'; connection: number }
  | { id: number; type: 'frame'; connection: number; row: number };

export type ImportReply =
  | { id: number; type: 'progress'; progress: ReadProgress }
  | { id: number; type: 'summary'; summary: CaptureSummary }
  | { id: number; type: 'table'; table: FrameTable | null }
  | { id: number; type: 'frame'; bytes: Uint8Array | null }
  | { id: number; type: 'error'; message: string };

/** The buffers of a table, handed over rather than copied. */
export function tableTransfer(table: FrameTable | null): ArrayBuffer[] {
  if (table === null) return [];
  const buffers = [table.dir, table.opcode, table.flags, table.headerLength, table.payloadLength, table.offset, table.time, table.previewStart, table.preview].map((a) => a.buffer);
  return [...new Set(buffers)].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
}
