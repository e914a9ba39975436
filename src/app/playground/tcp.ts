/**
 * The TCP view's arithmetic: TCP carries a byte stream, not messages, so one `read()` on the
 * server may hold part of a frame, exactly one, or several, and a frame may span reads. Given the
 * reads (stream offset and size) and the frames (stream offset and length) of one direction, cut
 * each read into pieces: which frame each piece belongs to, and whether the frame starts or ends
 * inside this read.
 */
import * as m from '../../paraglide/messages.js';
import { formatCount } from '../components/format';

export interface StreamRead {
  /** Stream offset of the read's first byte. */
  offset: number;
  length: number;
}

export interface StreamFrame {
  /** Something the caller can find the frame by (the capture's sequence number). */
  id: number;
  offset: number;
  length: number;
  label: string;
}

export type ReadPiece =
  | {
      kind: 'frame';
      frame: StreamFrame;
      /** Stream offsets of the piece. */
      from: number;
      to: number;
      startsHere: boolean;
      endsHere: boolean;
    }
  /** Bytes in no reported frame: the opening handshake, or a frame the capture let go. */
  | { kind: 'other'; from: number; to: number }
  /** The rest of a read that holds more frames than a bar can show: how many frames are in it. */
  | { kind: 'more'; from: number; to: number; frames: number };

export interface SegmentedRead {
  read: StreamRead;
  pieces: ReadPiece[];
  /** Frames that both start and end inside this read. */
  wholeFrames: number;
}

/**
 * Cuts each read by the frames. Both lists must be in stream order; overlapping frames are not
 * expected. A read with more than `maxPieces` pieces (a flood: hundreds of small frames in one
 * read) ends in one `more` piece that counts the rest, so a bar costs the same however full.
 */
export function segmentReads(reads: readonly StreamRead[], frames: readonly StreamFrame[], maxPieces = 16): SegmentedRead[] {
  const out: SegmentedRead[] = [];
  let f = 0;
  for (const read of reads) {
    const readEnd = read.offset + read.length;
    // Skip frames that end before this read.
    while (f < frames.length && frames[f]!.offset + frames[f]!.length <= read.offset) f++;
    const pieces: ReadPiece[] = [];
    let cursor = read.offset;
    let wholeFrames = 0;
    for (let i = f; i < frames.length; i++) {
      const frame = frames[i]!;
      if (frame.offset >= readEnd) break;
      if (pieces.length >= maxPieces) {
        let more = 0;
        for (let j = i; j < frames.length && frames[j]!.offset < readEnd; j++) {
          more++;
          if (frames[j]!.offset + frames[j]!.length <= readEnd && frames[j]!.offset >= read.offset) wholeFrames++;
        }
        pieces.push({ kind: 'more', from: cursor, to: readEnd, frames: more });
        cursor = readEnd;
        break;
      }
      const frameEnd = frame.offset + frame.length;
      const from = Math.max(frame.offset, read.offset);
      const to = Math.min(frameEnd, readEnd);
      if (to <= cursor) continue;
      if (from > cursor) pieces.push({ kind: 'other', from: cursor, to: from });
      const startsHere = frame.offset >= read.offset;
      const endsHere = frameEnd <= readEnd;
      if (startsHere && endsHere) wholeFrames++;
      pieces.push({ kind: 'frame', frame, from: Math.max(from, cursor), to, startsHere, endsHere });
      cursor = to;
    }
    if (cursor < readEnd) pieces.push({ kind: 'other', from: cursor, to: readEnd });
    out.push({ read, pieces, wholeFrames });
  }
  return out;
}

/** One sentence about a read, for the list and screen readers. */
export function describeRead(segmented: SegmentedRead): string {
  const { read, pieces } = segmented;
  const size = m.playground_tcp_read_size({ count: read.length, shown: formatCount(read.length) });
  const parts = pieces.map((piece) => {
    const n = piece.to - piece.from;
    const bytes = `${formatCount(n)} B`;
    if (piece.kind === 'other') return m.playground_tcp_part_other({ bytes });
    if (piece.kind === 'more') return m.playground_tcp_part_more({ bytes, count: piece.frames, shown: formatCount(piece.frames) });
    const where =
      piece.startsHere && piece.endsHere
        ? m.playground_tcp_part_whole()
        : piece.startsHere
          ? m.playground_tcp_part_start()
          : piece.endsHere
            ? m.playground_tcp_part_end()
            : m.playground_tcp_part_middle();
    return m.playground_tcp_part_frame({ bytes, where, label: piece.frame.label });
  });
  return m.playground_tcp_read({ size, offset: formatCount(read.offset), parts: parts.join(m.playground_tcp_part_separator()) });
}
