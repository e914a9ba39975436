/** Lookups over a decode: which frame holds a byte, which message a frame belongs to. */
import { listLength, type DecodeAnalysis } from './analyze';

/**
 * The frame-list row that holds stream byte `offset`: a decoded frame, or the broken or unfinished
 * last one for bytes after the decoded frames.
 */
export function frameIndexAt(analysis: DecodeAnalysis, offset: number): number {
  const { offsets, count } = analysis.frames;
  if (count === 0 || offset < offsets[0]!) return 0;
  let lo = 0;
  let hi = count - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  const end = offsets[lo]! + analysis.frames.headerLengths[lo]! + analysis.frames.payloadLengths[lo]!;
  if (offset >= end && listLength(analysis) > count) return count;
  return lo;
}

/** For each frame-list row, the index of the message it belongs to (-1: none, such as a fault). */
export function frameToMessage(analysis: DecodeAnalysis): Int32Array {
  const map = new Int32Array(listLength(analysis)).fill(-1);
  analysis.messages.forEach((message, index) => {
    for (const frame of message.frames) map[frame] = index;
  });
  return map;
}
