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
