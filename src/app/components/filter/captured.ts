/** The playground's, the class view's and the chat's captured frames, as a filter reads them. */
import type { CapturedFrame } from '../../inspector/capture';
import type { FrameSource, FramesView } from '../../inspector/capture.svelte';
import { payloadHead } from '../frame-row';
import type { FilterableFrame } from './filter';
import type { SeqSource } from './filter-index';

export function capturedFilterable(frame: CapturedFrame): FilterableFrame {
  return {
    direction: frame.direction,
    opcode: frame.opcode,
    fin: frame.fin,
    rsv: (frame.bytes[0]! >>> 4) & 0b111,
    masked: frame.masked,
    faulty: frame.fault !== null || frame.misbehave !== null,
    // The whole payload held (the first maxFrameBytes of a larger one), unmasked.
    payload: () => payloadHead(frame, Infinity),
  };
}

/** A capture's frames by sequence number (the ring's numbering). */
export function capturedSource(frames: FramesView): SeqSource<CapturedFrame> {
  return { length: frames.length, firstSeq: frames.total - frames.length, bySeq: (seq) => frames.bySeq(seq) };
}

/**
 * Any list of captured frames by sequence number: the capture's own view (consecutive numbers),
 * the class view's frames of some students (numbers with gaps: the missing ones read as absent),
 * or an imported capture's rows (numbered from 0).
 */
export function listSource(frames: FrameSource<CapturedFrame> & { bySeq?(seq: number): CapturedFrame | undefined }): SeqSource<CapturedFrame> {
  const length = frames.length;
  const first = frames.at(0);
  const last = frames.at(length - 1);
  if (!first || !last) return { length: 0, firstSeq: first?.seq ?? 0, bySeq: () => undefined };
  const firstSeq = first.seq;
  if (frames.bySeq) {
    const bySeq = frames.bySeq.bind(frames);
    return { length: last.seq - firstSeq + 1, firstSeq, bySeq };
  }
  const indexOf = frames.indexOfSeq
    ? (seq: number): number => frames.indexOfSeq!(seq)
    : (seq: number): number => (frames.at(seq - firstSeq)?.seq === seq ? seq - firstSeq : -1);
  return {
    length: last.seq - firstSeq + 1,
    firstSeq,
    bySeq: (seq) => {
      const index = indexOf(seq);
      return index < 0 ? undefined : frames.at(index);
    },
  };
}
