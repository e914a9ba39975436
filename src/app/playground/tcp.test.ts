import { describe, expect, it } from 'vitest';
import { describeRead, segmentReads, type StreamFrame } from './tcp';

const frame = (id: number, offset: number, length: number): StreamFrame => ({ id, offset, length, label: `#${id}` });

describe('segmentReads', () => {
  it('one read, one frame', () => {
    const [read] = segmentReads([{ offset: 0, length: 11 }], [frame(1, 0, 11)]);
    expect(read?.pieces).toEqual([
      { kind: 'frame', frame: frame(1, 0, 11), from: 0, to: 11, startsHere: true, endsHere: true },
    ]);
    expect(read?.wholeFrames).toBe(1);
  });

  it('one read holding several frames', () => {
    const [read] = segmentReads([{ offset: 0, length: 30 }], [frame(1, 0, 10), frame(2, 10, 10), frame(3, 20, 10)]);
    expect(read?.pieces.map((p) => p.kind === 'frame' && [p.frame.id, p.from, p.to])).toEqual([
      [1, 0, 10],
      [2, 10, 20],
      [3, 20, 30],
    ]);
    expect(read?.wholeFrames).toBe(3);
  });

  it('a frame cut across three reads', () => {
    const reads = segmentReads(
      [
        { offset: 0, length: 4 },
        { offset: 4, length: 4 },
        { offset: 8, length: 6 },
      ],
      [frame(1, 0, 10), frame(2, 10, 4)],
    );
    const flags = reads.map((r) => r.pieces.map((p) => (p.kind === 'frame' ? [p.frame.id, p.startsHere, p.endsHere] : 'other')));
    expect(flags).toEqual([
      [[1, true, false]],
      [[1, false, false]],
      [
        [1, false, true],
        [2, true, true],
      ],
    ]);
    expect(describeRead(reads[1]!)).toBe('read of 4 bytes at stream offset 4: 4 B: the middle of a frame (#1)');
  });

  it('marks bytes outside any frame (handshake, frames the capture let go)', () => {
    const [read] = segmentReads([{ offset: 0, length: 20 }], [frame(1, 5, 10)]);
    expect(read?.pieces).toEqual([
      { kind: 'other', from: 0, to: 5 },
      { kind: 'frame', frame: frame(1, 5, 10), from: 5, to: 15, startsHere: true, endsHere: true },
      { kind: 'other', from: 15, to: 20 },
    ]);
    expect(describeRead(read!)).toMatch(/^read of 20 bytes at stream offset 0: 5 B outside any captured frame; 10 B: a whole frame/);
  });

  it('handles reads with no frames and frames before the reads', () => {
    const reads = segmentReads([{ offset: 100, length: 5 }], [frame(1, 0, 50)]);
    expect(reads[0]?.pieces).toEqual([{ kind: 'other', from: 100, to: 105 }]);
    expect(segmentReads([], [frame(1, 0, 1)])).toEqual([]);
  });
});

describe('segmentReads in a flood', () => {
  it('ends a read of many frames in one piece that counts the rest', () => {
    const frames: StreamFrame[] = Array.from({ length: 100 }, (_, i) => ({ id: i, offset: i * 8, length: 8, label: `#${i + 1}` }));
    const [read] = segmentReads([{ offset: 0, length: 800 }], frames, 16);
    expect(read!.pieces).toHaveLength(17);
    expect(read!.pieces.at(-1)).toEqual({ kind: 'more', from: 128, to: 800, frames: 84 });
    expect(read!.wholeFrames).toBe(100);
    expect(describeRead(read!)).toMatch(/; 672 B: 84 more frames$/);
  });
});
