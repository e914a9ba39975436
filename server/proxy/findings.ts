/**
 * What the proxy notices in a proxied connection beyond one frame's fault (the codec's `FAULTS`
 * judge frames): one row per rule, the only place its level, section and the RFC's words are
 * written. The tap builds `finding` messages (docs/inspector.md) from these rows.
 */
import type { FindingMessage, ProxyFindingRule } from '../inspector/messages.ts';

export interface FindingRuleInfo {
  level: FindingMessage['level'];
  rfc: string;
  /** The RFC's words the rule stands on. */
  quote: string;
}

export const FINDINGS: { readonly [R in ProxyFindingRule]: FindingRuleInfo } = {
  'bytes-after-close': {
    level: 'fault',
    rfc: '5.5.1',
    quote: 'The application MUST NOT send any more data frames after sending a Close frame.',
  },
  'close-not-answered': {
    level: 'fault',
    rfc: '5.5.1',
    quote: 'If an endpoint receives a Close frame and did not previously send a Close frame, the endpoint MUST send a Close frame in response.',
  },
  'no-close-frame': {
    level: 'warning',
    rfc: '7.1.5',
    quote: 'If _The WebSocket Connection is Closed_ and no Close control frame was received by the endpoint (such as could occur if the underlying transport connection is lost), _The WebSocket Connection Close Code_ is considered to be 1006.',
  },
  'ended-mid-frame': {
    level: 'warning',
    rfc: '7.1.5',
    quote: 'If _The WebSocket Connection is Closed_ and no Close control frame was received by the endpoint (such as could occur if the underlying transport connection is lost), _The WebSocket Connection Close Code_ is considered to be 1006.',
  },
  'frame-split': {
    level: 'info',
    rfc: '1.5',
    quote: 'layers a framing mechanism on top of TCP to get back to the IP packet mechanism that TCP is built on, but without length limits',
  },
  'frames-merged': {
    level: 'info',
    rfc: '1.5',
    quote: 'layers a framing mechanism on top of TCP to get back to the IP packet mechanism that TCP is built on, but without length limits',
  },
  'decoding-stopped': {
    level: 'info',
    rfc: '7.1.7',
    quote: 'An endpoint MUST NOT continue to attempt to process data (including a responding Close frame) from the remote endpoint after being instructed to _Fail the WebSocket Connection_.',
  },
};

/** Who sent the bytes of a direction, in a student's words. */
export function sender(direction: 'in' | 'out'): string {
  return direction === 'in' ? 'the browser' : 'your server';
}

/**
 * Which sentence a finding says, and its numbers: the page tells it in its reader's language from
 * these (`sentence`, `values` on the finding message); the English below is the logs' and the CLI's.
 */
export interface FindingSentences {
  'bytes-after-close': { count: number; end: number };
  'bytes-right-after-close': { count: number };
  'ended-mid-frame': { offset: number; have: number; needed: number };
  'decoding-stopped-after-close': { at: number };
  'decoding-stopped-limit': { at: number; frame: number; limit: number };
  'decoding-stopped-fault': { at: number };
  'frames-merged': { size: number; start: number };
  'frame-split': { start: number };
  'close-not-answered': Record<string, never>;
  'close-not-answered-code': { code: number };
  'no-close-frame': Record<string, never>;
}
export type FindingSentence = keyof FindingSentences;

type Direction = 'in' | 'out';
const receiver = (direction: Direction): string => (direction === 'in' ? 'your server' : 'the browser');
const capital = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 || word.endsWith('more') ? '' : 's'}`;

/** Why decoding stopped, as `StreamWatch.stopped` keeps it. */
export const STOPPED_WHY = {
  'decoding-stopped-after-close': () => 'everything after a close frame is discarded by the receiver (RFC 6455 §1.4)',
  'decoding-stopped-limit': (v: { frame: number; limit: number }) =>
    `the frame at byte ${v.frame} declares a payload over the tap's limit of ${v.limit} bytes (the server's --max-payload); this is the tap's limit, not a fault`,
  'decoding-stopped-fault': () => 'the receiver must fail the connection at this fault and process nothing after it (RFC 6455 §7.1.7)',
} as const;

const stopped = (direction: Direction, at: number, why: string): string =>
  `Framescope stopped decoding ${sender(direction)}'s bytes at byte ${at}: ${why}. The bytes still go through unchanged, and each read is shown raw.`;

/** The English of every finding, from the direction of its bytes and its values. */
export const FINDING_ENGLISH: { readonly [I in FindingSentence]: (direction: Direction, v: FindingSentences[I]) => string } = {
  'bytes-after-close': (d, v) =>
    `${capital(sender(d))} sent ${plural(v.count, 'more byte')} after its close frame (which ended at byte ${v.end}): after a Close frame nothing more may be sent (RFC 6455 §5.5.1).`,
  'bytes-right-after-close': (d, v) =>
    `${capital(sender(d))} sent ${plural(v.count, 'more byte')} right after its close frame: after a Close frame nothing more may be sent (RFC 6455 §5.5.1).`,
  'ended-mid-frame': (d, v) =>
    `The connection ended in the middle of a frame from ${sender(d)}: the frame at byte ${v.offset} has ${plural(v.have, 'byte')} and needed at least ${plural(v.needed, 'more')} (RFC 6455 §7.1.5: no close frame, close code 1006).`,
  'decoding-stopped-after-close': (d, v) => stopped(d, v.at, STOPPED_WHY['decoding-stopped-after-close']()),
  'decoding-stopped-limit': (d, v) => stopped(d, v.at, STOPPED_WHY['decoding-stopped-limit'](v)),
  'decoding-stopped-fault': (d, v) => stopped(d, v.at, STOPPED_WHY['decoding-stopped-fault']()),
  'frames-merged': (d, v) =>
    `One TCP read of ${sender(d)}'s bytes (${plural(v.size, 'byte')} at byte ${v.start}) held the end of one frame and the start of another. TCP carries a stream of bytes: ${receiver(d)} may read several frames at once, and must find where each ends from its header, never from the read.`,
  'frame-split': (d, v) =>
    `A frame from ${sender(d)} did not fit in one TCP read: it starts at byte ${v.start} and goes on in the next read. ${capital(receiver(d))} may get a frame in pieces too, and must wait for the length its header announces.`,
  'close-not-answered': () =>
    'The browser sent a close frame, and your server never answered it with its own close frame before the connection ended: an endpoint that receives a Close frame MUST send one back (RFC 6455 §5.5.1).',
  'close-not-answered-code': (_d, v) =>
    `The browser sent a close frame (code ${v.code}), and your server never answered it with its own close frame before the connection ended: an endpoint that receives a Close frame MUST send one back (RFC 6455 §5.5.1).`,
  'no-close-frame': () =>
    'Your server closed the TCP connection without a close frame: the browser reports close code 1006 (abnormal closure) and wasClean false (RFC 6455 §7.1.5). Send a close frame first, then close TCP.',
};
