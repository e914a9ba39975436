/**
 * What the page says about a connection watched through `/proxy`: why it never opened (the proxy
 * could not reach the target, or the target's 101 failed a check), or why it closed (a fault in
 * the target's bytes, a close never answered). Plain TypeScript, tested on its own.
 */
import { citation, responseStepLabel } from '../../../protocol';
import { faultSentence } from '../../i18n/protocol-text';
import type { ConnectionRecord } from '../../inspector/capture';
import type { FindingMessage, ProxyHandshakeStep, RefusedMessage } from '../../inspector/messages';
import type { Explanation } from '../demos';

const STAGE_TITLES: Record<NonNullable<RefusedMessage['proxy']>['stage'], string> = {
  policy: 'Framescope may not watch that server',
  limit: 'Framescope is at its connection limit',
  connect: 'Framescope could not reach your server',
  timeout: 'Your server did not answer in time',
  'not-http': 'Your server did not answer with HTTP',
  closed: 'Your server closed the connection during the handshake',
  response: 'Your server refused the WebSocket handshake',
};

/** A refusal of `/proxy` (the proxy's own answer, or the target's non-101): what happened, in words. */
export function explainProxyRefusal(refusal: RefusedMessage): Explanation {
  const stage = refusal.proxy?.stage ?? 'connect';
  const who = stage === 'response' ? `Your server answered HTTP ${refusal.status}` : `Framescope answered HTTP ${refusal.status} for it`;
  return {
    title: `${STAGE_TITLES[stage]} (HTTP ${refusal.status})`,
    text: `${refusal.reason} ${who}, not 101 Switching Protocols, so the browser failed the connection (error, then close 1006) and the socket never reached OPEN.`,
    expected: false,
  };
}

/** The first step of the target's 101 that a browser refuses, if any. */
export function failedStep(steps: readonly ProxyHandshakeStep[]): ProxyHandshakeStep | null {
  return steps.find((s) => s.ok === false && s.step !== 'http-head') ?? null;
}

/** Why a proxied connection ended as it did, or null to let the page's usual explanation speak. */
export function explainProxied(record: ConnectionRecord, close: { code: number; wasClean: boolean }): Explanation | null {
  const proxy = record.info.proxy;
  if (!proxy) return null;
  const step = failedStep(proxy.steps);
  if (step) {
    return {
      title: `The browser refused your server's 101: ${responseStepLabel(step.step)}`,
      text: `${step.message} A browser fails the connection when any check of RFC 6455 §4.1 fails, so the socket never reached OPEN (close 1006). The Opening handshake panel shows every step.`,
      expected: false,
    };
  }
  const fault = record.faults.find((f) => f.direction === 'out');
  if (fault) {
    return {
      title: `Your server broke ${citation(fault.rfc)} at byte ${fault.offset}`,
      text: `${faultSentence(fault)} The browser must fail the connection on such a frame (close ${close.code}${close.wasClean ? '' : ', not clean'}). Select the frame marked ⚠ to see the bits at fault; the bytes after it went through unchanged but were not decoded.`,
      expected: false,
    };
  }
  const finding = firstFault(record.findings);
  if (finding) {
    return { title: `Your server broke RFC 6455 §${finding.rfc}`, text: finding.message, expected: false };
  }
  return null;
}

function firstFault(findings: readonly FindingMessage[]): FindingMessage | null {
  return findings.find((f) => f.level === 'fault') ?? findings.find((f) => f.level === 'warning') ?? null;
}
