/**
 * View logic of the proxy report: words for a finding's level and a step's verdict, and the
 * target's TCP reads as rows (where frames ended in each; raw bytes once decoding stopped).
 */
import { responseStepLabel } from '../../../protocol';
import * as m from '../../../paraglide/messages.js';
import { formatCount } from '../../components/format';
import type { FindingMessage, ProxyHandshakeStep, ReadMessage } from '../../inspector/messages';

export function levelWord(level: FindingMessage['level']): string {
  return level === 'fault' ? m.playground_proxy_level_fault() : level === 'warning' ? m.playground_proxy_level_warning() : m.playground_proxy_level_note();
}

export function stepVerdict(step: ProxyHandshakeStep): { mark: string; word: string } {
  if (step.ok === true) return { mark: '✓', word: m.playground_proxy_step_passed() };
  if (step.ok === false) return { mark: '✗', word: m.playground_proxy_step_failed() };
  return { mark: '–', word: m.playground_proxy_step_unchecked() };
}

export function stepLabel(step: ProxyHandshakeStep): string {
  return responseStepLabel(step.step);
}

export function directionWords(direction: 'in' | 'out'): string {
  return direction === 'out' ? m.playground_proxy_dir_out() : m.playground_proxy_dir_in();
}

export interface ReadRow {
  offset: number;
  size: number;
  /** "2 frames end here", "inside one frame", "not decoded". */
  note: string;
  /** Hex of the read's bytes (spaced, at most 32 shown), for reads after decoding stopped. */
  raw: string | null;
}

function spacedHex(hex: string, maxBytes = 32): string {
  const pairs = hex.slice(0, maxBytes * 2).match(/../g) ?? [];
  return `${pairs.join(' ')}${hex.length > maxBytes * 2 ? ' …' : ''}`;
}

/**
 * The newest `limit` reads, newest last. `faults`: stream offsets of faults in these bytes, said
 * in the read that holds them (a read with a fault has no boundary after it: decoding stopped).
 */
export function readRows(reads: readonly ReadMessage[], limit = 12, faults: readonly number[] = []): ReadRow[] {
  return reads.slice(Math.max(0, reads.length - limit)).map((read) => {
    if (read.bytes !== undefined) {
      return { offset: read.offset, size: read.size, note: m.playground_proxy_read_undecoded(), raw: spacedHex(read.bytes) };
    }
    const ends = read.boundaries.length;
    const last = ends === 0 ? 0 : read.boundaries[ends - 1]!;
    const fault = faults.find((at) => at >= read.offset && at < read.offset + read.size);
    const parts: string[] = [];
    if (ends > 0) parts.push(m.playground_proxy_read_ends({ count: ends, shown: formatCount(ends) }));
    if (fault !== undefined) parts.push(m.playground_proxy_read_fault({ offset: formatCount(fault) }));
    else if (ends === 0) parts.push(m.playground_proxy_read_inside());
    else if (last < read.size) parts.push(m.playground_proxy_read_next());
    return { offset: read.offset, size: read.size, note: parts.join(m.playground_tcp_part_separator()), raw: null };
  });
}
