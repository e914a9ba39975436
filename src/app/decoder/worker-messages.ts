/** Messages between the decoder page and its Web Worker (decode.worker.ts). */
import type { FrameSender } from '../../protocol';
import type { DecodeOutcome, DecodeProgress } from './analyze';

export interface WorkerRequest {
  id: number;
  text: string;
  sender: FrameSender;
  /** permessage-deflate negotiated (the decoder's switch). */
  deflate?: boolean;
}

export type WorkerReply =
  | { id: number; type: 'progress'; progress: DecodeProgress }
  | { id: number; type: 'result'; outcome: DecodeOutcome }
  | { id: number; type: 'error'; message: string };

/** The buffers of an outcome, handed over rather than copied. */
export function transferables(outcome: DecodeOutcome): ArrayBuffer[] {
  if (outcome.kind !== 'decoded') return [];
  const { analysis } = outcome;
  const buffers = [
    analysis.bytes.buffer,
    analysis.plain.buffer,
    analysis.frames.offsets.buffer,
    analysis.frames.headerLengths.buffer,
    analysis.frames.payloadLengths.buffer,
  ];
  // Each buffer once; only whole ArrayBuffers can be transferred.
  return [...new Set(buffers)].filter((buffer): buffer is ArrayBuffer => buffer instanceof ArrayBuffer);
}
