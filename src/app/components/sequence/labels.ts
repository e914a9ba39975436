/**
 * What each row of the sequence diagram says: a short label over its arrow, its accessible
 * sentence, its colour class. Shared by the live diagram and the SVG export.
 */
import { opcodeInfo } from '../../../protocol';
import { frameRowLabel, framePreview, formatLength } from '../frame-row';
import type { SequenceItem } from './sequence';
import { SEQUENCE_TEXT } from './strings';

export type Tone = 'handshake' | 'client' | 'server' | 'control' | 'fault' | 'end';

/** Which way its arrow points: right (browser to server), left, or across both lanes (an end). */
export function arrowOf(item: SequenceItem): 'right' | 'left' | 'across' {
  switch (item.kind) {
    case 'request':
      return 'right';
    case 'response':
      return 'left';
    case 'closed':
      return 'across';
    case 'frame':
      return item.frame.direction === 'client-to-server' ? 'right' : 'left';
  }
}

export function toneOf(item: SequenceItem): Tone {
  switch (item.kind) {
    case 'request':
      return 'handshake';
    case 'response':
      return item.status === 101 ? 'handshake' : 'fault';
    case 'closed':
      return item.wasClean ? 'end' : 'fault';
    case 'frame': {
      const f = item.frame;
      if (f.fault || f.misbehave) return 'fault';
      if (opcodeInfo(f.opcode).kind === 'control') return 'control';
      return f.direction === 'client-to-server' ? 'client' : 'server';
    }
  }
}

/** The short text over the arrow: `text 5 B “Hello”`, `ping`, `close 8 B code 1000`. */
export function shortLabel(item: SequenceItem): string {
  switch (item.kind) {
    case 'request':
      return SEQUENCE_TEXT.request(item.method, withoutSession(item.target));
    case 'response':
      return SEQUENCE_TEXT.response(item.status);
    case 'closed':
      return SEQUENCE_TEXT.closed(item.code, item.wasClean);
    case 'frame': {
      const f = item.frame;
      const fin = f.fin ? '' : ' FIN=0';
      const fault = f.fault ? ` ⚠ ${SEQUENCE_TEXT.fault()} ${f.fault.closeCode}` : f.misbehave ? ` ⚠ ${f.misbehave}` : '';
      return `${opcodeInfo(f.opcode).name}${fin} ${formatLength(f.payloadLength)} B ${framePreview(f)}${fault}`;
    }
  }
}

/** A request target without its `session=` token (long, and the same on every row). */
export function withoutSession(target: string): string {
  const query = target.indexOf('?');
  if (query < 0) return target;
  const params = new URLSearchParams(target.slice(query + 1));
  params.delete('session');
  const rest = params.toString();
  return `${target.slice(0, query)}${rest ? `?${rest}` : ''}`;
}

/** The row's accessible sentence. */
export function rowSentence(item: SequenceItem): string {
  switch (item.kind) {
    case 'request':
      return SEQUENCE_TEXT.requestLabel(item.connection, item.method, item.target);
    case 'response':
      return SEQUENCE_TEXT.responseLabel(item.connection, item.status);
    case 'closed':
      return SEQUENCE_TEXT.closedLabel(item.connection, item.code, item.wasClean);
    case 'frame':
      return frameRowLabel(item.frame);
  }
}
