/**
 * The sequence diagram's rows, in time order: each connection's opening handshake (the browser's
 * request, the server's 101), every frame both ways (control frames included), and the end of TCP.
 * A view over the capture: frames are not copied, handshakes and ends are spliced in at their time,
 * so 100,000 frames cost what the few connections do. And the TCP reads that bracket the browser's
 * frames on the server's lane. Plain TypeScript.
 */
import type { CapturedFrame, ConnectionRecord } from '../../inspector/capture';
import type { FrameSource } from '../../inspector/capture.svelte';
import type { ReadMessage } from '../../inspector/messages';

export type SequenceItem =
  | { kind: 'request'; key: string; connection: number; t: number; method: string; target: string }
  | { kind: 'response'; key: string; connection: number; t: number; status: number }
  | { kind: 'frame'; key: string; frame: CapturedFrame }
  | { kind: 'closed'; key: string; connection: number; t: number; code: number; wasClean: boolean };

export interface Sequence {
  readonly length: number;
  at(index: number): SequenceItem | undefined;
  /** The row of the frame with sequence number `seq`, or -1. */
  indexOfSeq(seq: number): number;
}

interface Marker {
  /** How many frames come before it. */
  before: number;
  item: SequenceItem;
}

/** The frames, oldest first, with each connection's handshake and end spliced in at their times. */
export function buildSequence(frames: FrameSource<CapturedFrame>, records: Iterable<ConnectionRecord>): Sequence {
  const markers: Marker[] = [];
  for (const record of records) {
    const info = record.info;
    const before = framesBefore(frames, info.t, false);
    markers.push({ before, item: { kind: 'request', key: `q${record.connection}`, connection: record.connection, t: info.t, method: info.request.method, target: info.request.url } });
    markers.push({ before, item: { kind: 'response', key: `r${record.connection}`, connection: record.connection, t: info.t, status: info.response.status } });
    const closed = record.closed;
    if (closed) {
      markers.push({
        before: framesBefore(frames, closed.t, true),
        item: { kind: 'closed', key: `c${record.connection}`, connection: record.connection, t: closed.t, code: closed.code, wasClean: closed.wasClean },
      });
    }
  }
  // Stable: a connection's request before its response; by position, then time.
  markers.sort((a, b) => a.before - b.before || timeOf(a.item) - timeOf(b.item));
  const length = frames.length + markers.length;
  // Row of marker k = marker.before + k.
  const rows = markers.map((m, k) => m.before + k);
  return {
    length,
    at(index) {
      if (index < 0 || index >= length) return undefined;
      // Markers at or before this row: a binary search over their rows.
      let lo = 0;
      let hi = rows.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (rows[mid]! < index) lo = mid + 1;
        else hi = mid;
      }
      if (lo < rows.length && rows[lo] === index) return markers[lo]!.item;
      const frame = frames.at(index - lo);
      return frame ? { kind: 'frame', key: `f${frame.seq}`, frame } : undefined;
    },
    indexOfSeq(seq) {
      const first = frames.at(0);
      if (!first) return -1;
      let fi = seq - first.seq;
      if (fi < 0 || fi >= frames.length || frames.at(fi)?.seq !== seq) {
        // Not consecutive (a filtered view): search.
        fi = -1;
        for (let i = 0; i < frames.length; i++) {
          if (frames.at(i)?.seq === seq) {
            fi = i;
            break;
          }
        }
        if (fi < 0) return -1;
      }
      // Markers that come before frame fi: those with before <= fi.
      let lo = 0;
      let hi = markers.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (markers[mid]!.before <= fi) lo = mid + 1;
        else hi = mid;
      }
      return fi + lo;
    },
  };
}

function timeOf(item: SequenceItem): number {
  return item.kind === 'frame' ? item.frame.t : item.t;
}

/** How many frames have `t` before `time` (or at it, with `inclusive`): frames arrive in time order. */
function framesBefore(frames: FrameSource<CapturedFrame>, time: number, inclusive: boolean): number {
  let lo = 0;
  let hi = frames.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const t = frames.at(mid)?.t ?? Infinity;
    if (t < time || (inclusive && t === time)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** One TCP read's bracket on one row: which column, and whether it starts or ends there. */
export interface BracketPart {
  /** 0 or 1: consecutive reads alternate columns, so a frame cut across two reads shows both. */
  column: 0 | 1;
  top: boolean;
  bottom: boolean;
  /** The read's number in its connection (for the tooltip). */
  read: number;
  size: number;
}

/**
 * The brackets of the server's TCP reads over the rows `start..end` of `sequence`: each read spans
 * the rows of the browser's frames whose bytes it held (from the first to the last, across the
 * server's frames between them). `records` gives each connection's reads.
 */
export function readBrackets(sequence: Sequence, start: number, end: number, records: ReadonlyMap<number, ConnectionRecord>): Map<number, BracketPart[]> {
  const spans = new Map<string, { first: number; last: number; column: 0 | 1; read: number; size: number; openAbove: boolean; openBelow: boolean }>();
  const lookFrom = Math.max(0, start - 1);
  const lookTo = Math.min(sequence.length, end + 1);
  for (let row = lookFrom; row < lookTo; row++) {
    const item = sequence.at(row);
    if (item?.kind !== 'frame' || item.frame.direction !== 'client-to-server' || item.frame.fault) continue;
    const record = records.get(item.frame.connection);
    if (!record || record.info.proxy) continue;
    for (const { read, index } of readsOf(record.reads, item.frame.offset, item.frame.size)) {
      const key = `${record.connection}:${read.offset}`;
      const span = spans.get(key);
      if (span) span.last = row;
      else {
        spans.set(key, {
          first: row,
          last: row,
          column: (index % 2) as 0 | 1,
          read: index + 1,
          size: read.size,
          openAbove: item.frame.offset > read.offset,
          openBelow: false,
        });
      }
      const spanNow = spans.get(key)!;
      spanNow.openBelow = item.frame.offset + item.frame.size < read.offset + read.size;
    }
  }
  const out = new Map<number, BracketPart[]>();
  for (const span of spans.values()) {
    for (let row = Math.max(start, span.first); row <= Math.min(end - 1, span.last); row++) {
      const parts = out.get(row) ?? [];
      parts.push({
        column: span.column,
        top: row === span.first && !span.openAbove,
        bottom: row === span.last && !span.openBelow,
        read: span.read,
        size: span.size,
      });
      out.set(row, parts);
    }
  }
  return out;
}

/** The reads (with their index in the ring) that hold any of the bytes `offset..offset+size`. */
function readsOf(reads: FrameSource<ReadMessage>, offset: number, size: number): { read: ReadMessage; index: number }[] {
  // Reads are in stream order: find the first that ends after `offset`.
  let lo = 0;
  let hi = reads.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const r = reads.at(mid)!;
    if (r.offset + r.size <= offset) lo = mid + 1;
    else hi = mid;
  }
  const out: { read: ReadMessage; index: number }[] = [];
  for (let i = lo; i < reads.length; i++) {
    const read = reads.at(i)!;
    if (read.offset >= offset + Math.max(1, size)) break;
    out.push({ read, index: i });
  }
  return out;
}
