/**
 * The teacher's view over the captured frames of the whole class: short session names, and the
 * frames of some connections (a student's) or all, numbered by the server. Plain TypeScript.
 */
import type { CapturedFrame } from '../inspector/capture';
import type { FrameSource } from '../inspector/capture.svelte';
import { CLASS_TEXT } from './strings';

/** Text with `code` spans, as pieces to draw (never as HTML). */
export function codeSpans(text: string): { code: boolean; text: string }[] {
  const out: { code: boolean; text: string }[] = [];
  text.split('`').forEach((part, i) => {
    if (part !== '') out.push({ code: i % 2 === 1, text: part });
  });
  return out;
}

/** A session token cut to its first characters: "k3Jq9x…"; "no session" for none. */
export function shortSession(session: string | null, keep = 6): string {
  if (session === null || session === '') return CLASS_TEXT.noSession();
  return session.length <= keep + 2 ? session : `${session.slice(0, keep)}\u2026`;
}

export interface FilteredFrames extends FrameSource<CapturedFrame> {
  /** Index of the frame with sequence number `seq`, or -1. */
  indexOfSeq(seq: number): number;
}

/**
 * The frames as the class view lists them: some connections' (or all), each labelled with the
 * server's connection id (students' pages all number their own connections from 1, so their
 * `conn=` labels would collide in a list of the whole class).
 */
export function filterFrames(frames: FrameSource<CapturedFrame>, connections: ReadonlySet<number> | null): FilteredFrames {
  if (connections === null) {
    return {
      get length() {
        return frames.length;
      },
      at: (index) => serverNumbered(frames.at(index)),
      indexOfSeq: (seq) => {
        const first = frames.at(0);
        if (!first) return -1;
        const index = seq - first.seq;
        return index >= 0 && index < frames.length && frames.at(index)?.seq === seq ? index : -1;
      },
    };
  }
  const kept: CapturedFrame[] = [];
  for (let i = 0; i < frames.length; i++) {
    const frame = frames.at(i);
    if (frame && connections.has(frame.connection)) kept.push(frame);
  }
  return {
    length: kept.length,
    at: (index) => serverNumbered(kept[index]),
    indexOfSeq: (seq) => {
      // Sequence numbers grow with the index: a binary search.
      let lo = 0;
      let hi = kept.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const at = kept[mid]!.seq;
        if (at === seq) return mid;
        if (at < seq) lo = mid + 1;
        else hi = mid - 1;
      }
      return -1;
    },
  };
}

const relabelled = new WeakMap<CapturedFrame, CapturedFrame>();

function serverNumbered(frame: CapturedFrame | undefined): CapturedFrame | undefined {
  if (!frame || frame.label === null) return frame;
  let copy = relabelled.get(frame);
  if (!copy) {
    copy = { ...frame, label: null };
    relabelled.set(frame, copy);
  }
  return copy;
}
