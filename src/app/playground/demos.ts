/**
 * The server demonstrations: one click each, each with the sentence that explains it, and the
 * words for what happened afterwards. The page sends them over `/inspect` as `command` messages
 * (docs/inspector.md); the server does them on this tab's echo connection.
 */
import { isValidCloseCode, type FaultRule } from '../../protocol';
import * as m from '../../paraglide/messages.js';
import { formatCount } from '../components/format';
import { closeCodeExplanation, closeCodeName } from '../i18n/protocol-text';
import { refusal as refused } from './said';
import type { CommandAction, MisbehaveKind } from '../inspector/messages';
import type { CloseSummary } from '../socket/socket';

export interface Violation {
  kind: MisbehaveKind;
  label: string;
  /** What the server will send, and the rule it breaks. */
  explanation: string;
  rfc: string;
  /** The codec's fault rule for it (its close code is the one the RFC asks of the client). */
  rule: FaultRule;
}

/** A violation whose label and explanation are read in the page's language each time. */
function violationOf(kind: MisbehaveKind, label: () => string, explanation: () => string, rfc: string, rule: FaultRule): Violation {
  return {
    kind,
    get label() {
      return label();
    },
    get explanation() {
      return explanation();
    },
    rfc,
    rule,
  };
}

export const VIOLATIONS: readonly Violation[] = [
  violationOf('masked-frame', m.playground_demo_masked_label, m.playground_demo_masked_explain, '5.1', 'mask-forbidden'),
  violationOf('rsv1', m.playground_demo_rsv1_label, m.playground_demo_rsv1_explain, '5.2', 'rsv-without-extension'),
  violationOf('reserved-opcode', m.playground_demo_opcode_label, m.playground_demo_opcode_explain, '5.2', 'reserved-opcode'),
  violationOf('invalid-utf8', m.playground_demo_utf8_label, m.playground_demo_utf8_explain, '8.1', 'invalid-utf8'),
  violationOf('long-control', m.playground_demo_long_control_label, m.playground_demo_long_control_explain, '5.5', 'control-frame-too-long'),
  violationOf('fragmented-ping', m.playground_demo_fragmented_ping_label, m.playground_demo_fragmented_ping_explain, '5.5', 'fragmented-control-frame'),
];

export function violation(kind: string): Violation | undefined {
  return VIOLATIONS.find((v) => v.kind === kind);
}

/** The demonstrations' explanations, as message functions: call them where they are shown. */
export const PING_EXPLANATION = m.playground_demo_ping_explain;

export const FRAGMENT_EXPLANATION = m.playground_demo_fragment_explain;

export const CLOSE_EXPLANATION = m.playground_demo_close_explain;

export const VIOLATION_EXPLANATION = m.playground_demo_violation_explain;

/** Codes the server may put in a Close frame (RFC 6455 §7.4): the demo's choices. */
export const SERVER_CLOSE_CODES: readonly { code: number; name: string }[] = [
  1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4000,
].map((code) => ({
  code,
  get name() {
    return closeCodeName(code);
  },
}));

export const FLOOD_EXPLANATION = m.playground_demo_flood_explain;

/** Flood sizes offered as buttons. */
export const FLOOD_PRESETS: readonly number[] = [1_000, 10_000, 50_000];
export const MAX_FLOOD = 100_000;
/** Bytes per message: the bare text ("flood 12 of 10000"), or padded (big ones show the backpressure). */
export const FLOOD_SIZES: readonly { size: number; label: string }[] = [
  {
    size: 0,
    get label() {
      return m.playground_demo_flood_size_small();
    },
  },
  { size: 1024, label: '1 KiB' },
  { size: 16 * 1024, label: '16 KiB' },
];

export const MIN_FRAGMENTS = 2;
export const MAX_FRAGMENTS = 16;

export type DemoRequest =
  | { demo: 'ping'; payload: string }
  | { demo: 'fragment-next'; count: number; ping?: boolean }
  | { demo: 'close'; code: number; reason: string }
  | { demo: 'misbehave'; kind: MisbehaveKind }
  | { demo: 'flood'; count: number; size?: number };

export type DemoCheck = { ok: true; action: CommandAction } | { ok: false; message: string };

const encoder = new TextEncoder();

/** Checks a demonstration's settings and turns it into the command's action. */
export function demoAction(request: DemoRequest): DemoCheck {
  switch (request.demo) {
    case 'ping': {
      const size = encoder.encode(request.payload).length;
      if (size > 125) return refused(() => m.playground_demo_ping_too_long({ size }));
      return { ok: true, action: { action: 'ping', payload: request.payload } };
    }
    case 'fragment-next': {
      const n = request.count;
      if (!Number.isInteger(n) || n < MIN_FRAGMENTS || n > MAX_FRAGMENTS) {
        return refused(() => m.playground_demo_fragments_range({ min: MIN_FRAGMENTS, max: MAX_FRAGMENTS }));
      }
      return { ok: true, action: { action: 'fragment-next', count: n, ...(request.ping ? { ping: true } : {}) } };
    }
    case 'close': {
      if (!isValidCloseCode(request.code)) {
        const code = request.code;
        return refused(() => m.playground_demo_code_not_allowed({ code }));
      }
      const size = encoder.encode(request.reason).length;
      if (size > 123) return refused(() => m.playground_demo_reason_too_long({ size }));
      return { ok: true, action: { action: 'close', code: request.code, reason: request.reason } };
    }
    case 'misbehave':
      return { ok: true, action: { action: 'misbehave', kind: request.kind } };
    case 'flood': {
      const n = request.count;
      if (!Number.isInteger(n) || n < 0 || n > MAX_FLOOD) return refused(() => m.playground_demo_flood_range({ max: formatCount(MAX_FLOOD) }));
      const size = request.size ?? 0;
      if (!Number.isInteger(size) || size < 0 || size > 65_536) return refused(m.playground_demo_flood_size_range);
      return { ok: true, action: size > 0 ? { action: 'flood', count: n, size } : { action: 'flood', count: n } };
    }
  }
}

export interface Explanation {
  title: string;
  text: string;
  /** The timeline ended as the demonstration meant it to. */
  expected: boolean;
}

/** A Close frame the browser sent, as the tap saw it. */
export interface SentClose {
  code: number | null;
  reason: string;
}

/** The server refused the opening handshake (the tap's `refused` report): say so, with its reason. */
export function explainRefusal(status: number, reason: string, close?: CloseSummary, failed = true): Explanation {
  const saw = close
    ? failed
      ? m.playground_refused_saw_error_close({ code: close.code })
      : m.playground_refused_saw_close({ code: close.code })
    : m.playground_refused_saw_default();
  return {
    title: m.playground_refused_title({ status }),
    text: m.playground_refused_text({ status, reason, saw }),
    expected: false,
  };
}

/**
 * What the page says when a connection closed (a demonstration that broke the protocol is
 * explained by reaction.ts instead, from what the browser did). `browserSent` is the Close frame
 * the browser put on the wire, when the tap saw one.
 */
export function explainClose(close: CloseSummary, failed: boolean, browserSent: SentClose | null = null): Explanation {
  const wire = browserSent
    ? m.playground_close_wire({
        code: browserSent.code === null ? m.playground_close_wire_no_code() : m.playground_close_wire_code({ code: browserSent.code }),
        reason: browserSent.reason ? m.playground_close_wire_reason({ reason: JSON.stringify(browserSent.reason) }) : '',
      })
    : '';
  if (close.code === 1006) {
    return {
      title: m.playground_close_1006_title(),
      text: failed ? m.playground_close_1006_failed({ wire }) : m.playground_close_1006_dropped({ wire }),
      expected: false,
    };
  }
  if (close.code === 1005) {
    return {
      title: m.playground_close_1005_title(),
      text: m.playground_close_1005_text(),
      expected: true,
    };
  }
  return {
    title: m.playground_close_title({ code: close.code, name: closeCodeName(close.code) }),
    text: m.playground_close_text({
      explanation: closeCodeExplanation(close.code),
      reason: close.reason ? m.playground_close_reason({ reason: JSON.stringify(close.reason) }) : '',
      clean: close.wasClean ? m.playground_close_clean() : m.playground_close_unclean(),
    }),
    expected: close.wasClean,
  };
}
