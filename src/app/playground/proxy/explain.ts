/**
 * What the page says about a connection watched through `/proxy`: why it never opened (the proxy
 * could not reach the target, or the target's 101 failed a check), or why it closed (a fault in
 * the target's bytes, a close never answered). Plain TypeScript, tested on its own.
 */
import { citation, responseStepLabel, type Fault } from '../../../protocol';
import * as m from '../../../paraglide/messages.js';
import { faultSentence } from '../../i18n/protocol-text';
import { findingSentence, refusalReason, stepSentence } from './proxy-text';
import type { ConnectionRecord } from '../../inspector/capture';
import type { FaultMessage, FindingMessage, ProxyHandshakeStep, RefusedMessage } from '../../inspector/messages';
import type { Explanation } from '../demos';

const STAGE_TITLES: Record<NonNullable<RefusedMessage['proxy']>['stage'], () => string> = {
  policy: m.playground_proxy_stage_policy,
  limit: m.playground_proxy_stage_limit,
  connect: m.playground_proxy_stage_connect,
  timeout: m.playground_proxy_stage_timeout,
  'not-http': m.playground_proxy_stage_not_http,
  closed: m.playground_proxy_stage_closed,
  response: m.playground_proxy_stage_response,
};

/** The tap's fault report as the codec's fault, so the page words it like the decoder does. */
export function asFault(message: FaultMessage): Fault {
  return { ...message, kind: 'fault', frameOffset: message.offset } as unknown as Fault;
}

/** A refusal of `/proxy` (the proxy's own answer, or the target's non-101): what happened, in words. */
export function explainProxyRefusal(refusal: RefusedMessage): Explanation {
  const stage = refusal.proxy?.stage ?? 'connect';
  const status = refusal.status;
  const who = stage === 'response' ? m.playground_proxy_who_server({ status }) : m.playground_proxy_who_framescope({ status });
  return {
    title: m.playground_proxy_refusal_title({ stage: STAGE_TITLES[stage](), status }),
    text: m.playground_proxy_refusal_text({ reason: refusalReason(refusal), who }),
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
      title: m.playground_proxy_step_title({ step: responseStepLabel(step.step) }),
      text: m.playground_proxy_step_text({ message: stepSentence(step) }),
      expected: false,
    };
  }
  const fault = record.faults.find((f) => f.direction === 'out');
  if (fault) {
    return {
      title: m.playground_proxy_fault_title({ rfc: citation(fault.rfc), offset: fault.offset }),
      text: m.playground_proxy_fault_text({
        message: faultSentence(asFault(fault)),
        code: close.code,
        clean: close.wasClean ? '' : m.playground_proxy_not_clean(),
      }),
      expected: false,
    };
  }
  const finding = firstFault(record.findings);
  if (finding) {
    return { title: m.playground_proxy_finding_title({ rfc: finding.rfc }), text: findingSentence(finding), expected: false };
  }
  return null;
}

function firstFault(findings: readonly FindingMessage[]): FindingMessage | null {
  return findings.find((f) => f.level === 'fault') ?? findings.find((f) => f.level === 'warning') ?? null;
}
