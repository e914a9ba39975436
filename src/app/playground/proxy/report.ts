/**
 * View logic of the proxy report: words for a finding's level and a step's verdict, and the
 * target's TCP reads as rows (where frames ended in each; raw bytes once decoding stopped).
 */
import { responseStepLabel } from '../../../protocol';
import { formatCount } from '../../components/format';
import type { FindingMessage, ProxyHandshakeStep, ReadMessage } from '../../inspector/messages';

export function levelWord(level: FindingMessage['level']): string {
  return level === 'fault' ? 'Fault' : level === 'warning' ? 'Warning' : 'Note';
}

export function stepVerdict(step: ProxyHandshakeStep): { mark: string; word: string } {
  if (step.ok === true) return { mark: '✓', word: 'passed' };
  if (step.ok === false) return { mark: '✗', word: 'failed' };
  return { mark: '–', word: 'not checked' };
}

export function stepLabel(step: ProxyHandshakeStep): string {
  return responseStepLabel(step.step);
}

export function directionWords(direction: 'in' | 'out'): string {
  return direction === 'out' ? 'your server → browser' : 'browser → your server';
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
      return { offset: read.offset, size: read.size, note: 'after decoding stopped, not decoded', raw: spacedHex(read.bytes) };
    }
    const ends = read.boundaries.length;
    const last = ends === 0 ? 0 : read.boundaries[ends - 1]!;
    const fault = faults.find((at) => at >= read.offset && at < read.offset + read.size);
    const parts: string[] = [];
    if (ends > 0) parts.push(`${formatCount(ends)} frame${ends === 1 ? '' : 's'} end${ends === 1 ? 's' : ''} here`);
    if (fault !== undefined) parts.push(`⚠ the fault at byte ${formatCount(fault)}`);
    else if (ends === 0) parts.push('inside one frame');
    else if (last < read.size) parts.push('the next goes on in another read');
    return { offset: read.offset, size: read.size, note: parts.join('; '), raw: null };
  });
}
