/** The playground's, the class view's and the chat's captured frames, as a filter reads them. */
import type { CapturedFrame } from '../../inspector/capture';
import type { FramesView } from '../../inspector/capture.svelte';
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
