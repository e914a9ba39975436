/**
 * View logic of a report on the page: a case's wire log as the playground's frame list shows
 * frames (CapturedFrame rows, for FrameList and FrameView), which frame holds the first wrong
 * byte, and the cases grouped by section with a filter.
 */
import * as m from '../../paraglide/messages.js';
import { opcodeInfo } from '../../protocol';
import { formatCount } from '../components/format';
import { groupOf, type Behavior, type CaseReport, type Section, type WireEntry, type WireFrame } from '../../wire/conformance';
import type { CapturedFrame } from '../inspector/capture';

export function bytesFromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Header length of the frame at the start of `bytes` (as far as its bytes say). */
function headerLength(bytes: Uint8Array): number {
  if (bytes.length < 2) return bytes.length;
  const len7 = bytes[1]! & 0x7f;
  return 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + ((bytes[1]! & 0x80) !== 0 ? 4 : 0);
}

export interface WireFrames {
  /** The frames, in wire order, as the frame list draws them. */
  frames: CapturedFrame[];
  /** The log entry of each (same index as `frames` and as `seq`). */
  entries: WireFrame[];
  /** Index of the frame to show first: the first wrong one from the server, else the first one the grader broke on purpose, else 0. */
  first: number;
}

/** A case's frames, both ways, as the playground's list and grid show them. */
export function wireFrames(wire: readonly WireEntry[]): WireFrames {
  const entries = wire.filter((e): e is WireFrame => e.kind === 'frame');
  const frames = entries.map((e, seq): CapturedFrame => {
    const bytes = bytesFromHex(e.bytes);
    const grader = e.direction === 'client-to-server';
    return {
      seq,
      connection: 1,
      label: null,
      direction: e.direction,
      t: e.t,
      since: e.t,
      offset: e.offset,
      size: e.size,
      opcode: e.opcode,
      fin: e.fin,
      masked: bytes.length > 1 && (bytes[1]! & 0x80) !== 0,
      payloadLength: e.payloadLength,
      headerLength: headerLength(bytes),
      bytes,
      truncated: e.truncated,
      // The grader's own frames that break a rule on purpose are "broken on purpose", as the
      // playground's demonstrations; a server's frame carries its fault.
      misbehave: grader && e.fault ? e.fault.rule : null,
      fault: grader ? null : e.fault,
    };
  });
  let first = entries.findIndex((e) => e.direction === 'server-to-client' && (e.fault !== null || e.mark !== null));
  if (first === -1) first = entries.findIndex((e) => e.fault !== null);
  return { frames, entries, first: Math.max(0, first) };
}

/** One line for a frame entry: "text frame, FIN=1, 13 bytes". */
export function frameTitle(e: WireFrame): string {
  return m.conformance_frame_title({ name: opcodeInfo(e.opcode).name, fin: e.fin ? '1' : '0', length: formatCount(e.payloadLength) });
}

export type CaseFilter = 'all' | 'problems' | 'failed';

export function keep(behavior: Behavior, filter: CaseFilter): boolean {
  if (filter === 'all') return true;
  if (filter === 'failed') return behavior === 'FAILED';
  return behavior === 'FAILED' || behavior === 'NON-STRICT';
}

export interface SectionCases {
  section: Section | null;
  key: string;
  cases: CaseReport[];
  /** Cases of the section before the filter. */
  total: number;
  failed: number;
}

/** The cases by top-level section, in report order, after the filter (empty sections left out). */
export function bySection(cases: readonly CaseReport[], filter: CaseFilter): SectionCases[] {
  const out: SectionCases[] = [];
  const at = new Map<string, SectionCases>();
  for (const c of cases) {
    const section = groupOf(c.id);
    const key = section?.prefix ?? c.id;
    let group = at.get(key);
    if (!group) {
      group = { section, key, cases: [], total: 0, failed: 0 };
      at.set(key, group);
      out.push(group);
    }
    group.total++;
    if (c.behavior === 'FAILED') group.failed++;
    if (keep(c.behavior, filter)) group.cases.push(c);
  }
  return out.filter((g) => g.cases.length > 0);
}
