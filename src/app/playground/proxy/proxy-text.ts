/**
 * What the proxy and the handshake check say, told in the reader's language. The producers (the
 * codec's `upgradeResponseSteps`, the server's proxy findings and refusal reasons) give a sentence
 * id and its values beside their English; the page tells the sentence from the catalogue
 * (messages/<locale>/playground.json). An id this page does not know (a newer server), or values
 * that do not fit, fall back to the producer's English, never to nothing.
 *
 * The English catalogue says word for word what the producers' English says (tests/i18n/proxy-text.test.ts).
 */
import * as m from '../../../paraglide/messages.js';
import type { Locale } from '../../../paraglide/runtime.js';
import type { FindingMessage, ProxyHandshakeStep, RefusedMessage } from '../../inspector/messages';

export interface TextOptions {
  locale?: Locale;
}

type Values = Record<string, string>;
type Sentence = (values: Values, options: TextOptions) => string;

/** `(v, o) => m.key(pick(v, names), o)`: a catalogue message fed with the named values (all strings). */
function said(message: (inputs: never, options?: TextOptions) => string, ...names: string[]): Sentence {
  return (values, options) => {
    for (const name of names) if (typeof values[name] !== 'string') throw new TypeError(`missing value ${name}`);
    return (message as (inputs: Values, options?: TextOptions) => string)(values, options);
  };
}

const STEPS: Readonly<Record<string, Sentence>> = {
  'head-ok': said(m.playground_step_head_ok),
  'head-invalid': said(m.playground_step_head_invalid, 'error'),
  'no-status-line': said(m.playground_step_no_status_line),
  'status-not-101': said(m.playground_step_status_not_101, 'status'),
  'status-old-http': said(m.playground_step_status_old_http, 'version'),
  'status-ok': said(m.playground_step_status_ok),
  'upgrade-ok': said(m.playground_step_upgrade_ok),
  'upgrade-missing': said(m.playground_step_upgrade_missing),
  'upgrade-wrong': said(m.playground_step_upgrade_wrong, 'got'),
  'connection-ok': said(m.playground_step_connection_ok),
  'connection-missing': said(m.playground_step_connection_missing),
  'connection-wrong': said(m.playground_step_connection_wrong, 'got'),
  'accept-missing': said(m.playground_step_accept_missing, 'expected'),
  'accept-many': said(m.playground_step_accept_many),
  'accept-ok': said(m.playground_step_accept_ok, 'expected'),
  'accept-mismatch': said(m.playground_step_accept_mismatch, 'got', 'key', 'expected', 'guid'),
  'accept-hex': said(m.playground_step_accept_hex, 'got', 'hex', 'expected'),
  'extension-stray': said(m.playground_step_extension_stray, 'name'),
  'extensions-none': said(m.playground_step_extensions_none),
  'extensions-chosen': said(m.playground_step_extensions_chosen, 'got'),
  'protocol-none': said(m.playground_step_protocol_none),
  'protocol-many': said(m.playground_step_protocol_many, 'got'),
  'protocol-stray': said(m.playground_step_protocol_stray, 'name'),
  'protocol-ok': said(m.playground_step_protocol_ok, 'name'),
  'not-checked': said(m.playground_step_not_checked),
};

/** Tell `sentence` from `table`, or give `english` when the id or its values are not what this page knows. */
function tell(table: Readonly<Record<string, Sentence>>, id: string | undefined, values: unknown, english: string, options: TextOptions): string {
  const sentence = id === undefined || !Object.hasOwn(table, id) ? undefined : table[id];
  if (sentence === undefined || typeof values !== 'object' || values === null) return english;
  try {
    return sentence(values as Values, options);
  } catch {
    return english;
  }
}

/** One step of a server's 101, checked as RFC 6455 §4.1 lists them. */
export function stepSentence(step: ProxyHandshakeStep, options: TextOptions = {}): string {
  return tell(STEPS, step.id, step.values ?? {}, step.message, options);
}

const REASONS: Readonly<Record<string, Sentence>> = {
  'connect-refused': said(m.playground_refusal_connect_refused, 'shown'),
  'connect-reset': said(m.playground_refusal_connect_reset, 'shown'),
  'connect-unreachable': said(m.playground_refusal_connect_unreachable, 'shown', 'code'),
  'connect-not-available': said(m.playground_refusal_connect_not_available, 'shown'),
  'tls-failed': (v, o) => said(m.playground_refusal_tls_failed, 'shown', 'error')({ ...v, code: codeSuffix(v, o) }, o),
  'connect-failed': (v, o) => said(m.playground_refusal_connect_failed, 'shown', 'error')({ ...v, code: codeSuffix(v, o) }, o),
  'tcp-timeout': said(m.playground_refusal_tcp_timeout, 'shown', 'timeout'),
  silent: said(m.playground_refusal_silent, 'shown', 'timeout'),
  'head-incomplete': said(m.playground_refusal_head_incomplete, 'shown', 'size', 'timeout', 'preview'),
  'not-http': said(m.playground_refusal_not_http, 'shown', 'preview'),
  'head-too-long': said(m.playground_refusal_head_too_long, 'shown', 'max'),
  'closed-silent': said(m.playground_refusal_closed_silent, 'shown'),
  'closed-mid-head': said(m.playground_refusal_closed_mid_head, 'shown', 'size', 'preview'),
  'browser-left': said(m.playground_refusal_browser_left),
  'answered-not-101': said(m.playground_refusal_answered_not_101, 'line'),
};

/** " (ECONNABORTED)" after an error, or nothing without a code. */
function codeSuffix(values: Values, options: TextOptions): string {
  if (typeof values.code !== 'string') throw new TypeError('missing value code');
  return values.code === '' ? '' : m.playground_refusal_code({ code: values.code }, options);
}

/** Why `/proxy` refused, or why the student's server failed the handshake (the refusal's `reason`). */
export function refusalReason(refusal: RefusedMessage, options: TextOptions = {}): string {
  return tell(REASONS, refusal.proxy?.reasonId, refusal.proxy?.reasonValues ?? {}, refusal.reason, options);
}

type Direction = FindingMessage['direction'];

function sender(direction: Direction, options: TextOptions): string {
  return direction === 'in' ? m.playground_finding_sender_in({}, options) : m.playground_finding_sender_out({}, options);
}

function senderStart(direction: Direction, options: TextOptions): string {
  return direction === 'in' ? m.playground_finding_sender_in_start({}, options) : m.playground_finding_sender_out_start({}, options);
}

const other = (direction: Direction): Direction => (direction === 'in' ? 'out' : 'in');

/** A number from the server, checked: a finding's values are byte offsets and counts. */
function count(values: Readonly<Record<string, unknown>>, name: string): number {
  const n = values[name];
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new TypeError(`missing value ${name}`);
  return n;
}

type FindingSentence = (direction: Direction, values: Readonly<Record<string, unknown>>, options: TextOptions) => string;

// Offsets and counts are written as the server writes them (plain digits), so the English is the logs'.
const FINDINGS: Readonly<Record<string, FindingSentence>> = {
  'bytes-after-close': (d, v, o) =>
    m.playground_finding_bytes_after_close({ whoStart: senderStart(d, o), more: moreBytes(count(v, 'count'), o), end: String(count(v, 'end')) }, o),
  'bytes-right-after-close': (d, v, o) => m.playground_finding_bytes_right_after_close({ whoStart: senderStart(d, o), more: moreBytes(count(v, 'count'), o) }, o),
  'ended-mid-frame': (d, v, o) =>
    m.playground_finding_ended_mid_frame(
      { who: sender(d, o), offset: String(count(v, 'offset')), have: bytes(count(v, 'have'), o), needed: String(count(v, 'needed')) },
      o,
    ),
  'decoding-stopped-after-close': (d, v, o) => m.playground_finding_decoding_stopped_after_close({ who: sender(d, o), at: String(count(v, 'at')) }, o),
  'decoding-stopped-limit': (d, v, o) =>
    m.playground_finding_decoding_stopped_limit(
      { who: sender(d, o), at: String(count(v, 'at')), frame: String(count(v, 'frame')), limit: String(count(v, 'limit')) },
      o,
    ),
  'decoding-stopped-fault': (d, v, o) => m.playground_finding_decoding_stopped_fault({ who: sender(d, o), at: String(count(v, 'at')) }, o),
  'frames-merged': (d, v, o) =>
    m.playground_finding_frames_merged({ who: sender(d, o), size: bytes(count(v, 'size'), o), start: String(count(v, 'start')), to: sender(other(d), o) }, o),
  'frame-split': (d, v, o) => m.playground_finding_frame_split({ who: sender(d, o), start: String(count(v, 'start')), toStart: senderStart(other(d), o) }, o),
  'close-not-answered': (_d, _v, o) => m.playground_finding_close_not_answered({}, o),
  'close-not-answered-code': (_d, v, o) => m.playground_finding_close_not_answered_code({ code: String(count(v, 'code')) }, o),
  'no-close-frame': (_d, _v, o) => m.playground_finding_no_close_frame({}, o),
};

function bytes(n: number, options: TextOptions): string {
  return m.app_bytes({ count: n, shown: String(n) }, options);
}

function moreBytes(n: number, options: TextOptions): string {
  return m.playground_finding_more_bytes({ count: n, shown: String(n) }, options);
}

/** What the proxy noticed in a student's server's bytes (a finding's `message`). */
export function findingSentence(finding: FindingMessage, options: TextOptions = {}): string {
  const id = finding.sentence;
  const sentence = id === undefined || !Object.hasOwn(FINDINGS, id) ? undefined : FINDINGS[id];
  const values: unknown = finding.values;
  if (sentence === undefined || typeof values !== 'object' || values === null) return finding.message;
  try {
    return sentence(finding.direction, values as Record<string, unknown>, options);
  } catch {
    return finding.message;
  }
}
