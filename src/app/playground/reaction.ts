/**
 * What this browser did after the server broke the protocol on purpose, compared with what
 * RFC 6455 requires of it, in words for the class. Pure: the page observes (events, readyState,
 * the close event, the Close frame the tap saw the browser send) and this module says it, so a
 * sentence on the page never claims a reaction that did not happen.
 *
 * Browsers differ here. Measured (docs/browsers-compared.md): Firefox ESR delivers a masked server
 * frame as an ordinary message and stays OPEN; Chromium fails the connection. Chromium's Close
 * frame says 1002 on invalid UTF-8 where RFC 6455 §7.4.1 gives 1007.
 */
import * as m from '../../paraglide/messages.js';
import { getLocale } from '../../paraglide/runtime.js';
import { FAULTS } from '../../protocol';
import { formatCount } from '../components/format';
import { closeCodeInlineName } from '../i18n/protocol-text';
import type { CloseSummary, ReadyState } from '../socket/socket';
import type { BrowserName } from './browser-name';
import type { Explanation, SentClose, Violation } from './demos';

/** What the page saw after the server's broken frame. */
export interface Reaction {
  /** An error event fired after the demonstration began. */
  error: boolean;
  /** Message events after the demonstration began. */
  messages: number;
  readyState: ReadyState;
  /** The close event, once it fired. */
  close: CloseSummary | null;
  /** The Close frame the tap saw this browser send after the broken frame, or null (none seen). */
  sentClose: SentClose | null;
  /**
   * The page has waited long enough after the broken frame (and after the close, if any) that what
   * has not happened yet is taken as not happening: no failure, no Close frame.
   */
  settled: boolean;
}

/**
 * - `failed`: error (or not), then close 1006 with wasClean false: what RFC 6455 §7.1.7 asks.
 * - `accepted`: the broken frame was delivered as a message; the connection stayed open.
 * - `ignored`: no event at all, still open, and the page has waited.
 * - `closed`: closed some other way (another code, or a clean closing handshake).
 * - `waiting`: nothing yet; too early to say.
 */
export type Verdict = 'failed' | 'accepted' | 'ignored' | 'closed' | 'waiting';

export function verdictOf(reaction: Reaction): Verdict {
  const { close } = reaction;
  if (close) return close.code === 1006 && !close.wasClean ? 'failed' : 'closed';
  if (reaction.messages > 0) return 'accepted';
  return reaction.settled ? 'ignored' : 'waiting';
}

/** What the server's frame carried, as the object of "accepted …" / "refuse …". */
const WHAT: Readonly<Record<string, () => string>> = {
  'masked-frame': m.frame_reaction_what_masked_frame,
  rsv1: m.frame_reaction_what_rsv1,
  'reserved-opcode': m.frame_reaction_what_reserved_opcode,
  'invalid-utf8': m.frame_reaction_what_invalid_utf8,
  'long-control': m.frame_reaction_what_long_control,
  'fragmented-ping': m.frame_reaction_what_fragmented_ping,
};

/** A violation's words: a string, or a catalogue message (called when shown). */
type Words = string | (() => string);
const say = (words: Words): string => (typeof words === 'function' ? words() : words);

const cap = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
const named = (code: number): string => m.frame_reaction_named({ code, name: closeCodeInlineName(code) });
const events = (n: number): string => m.frame_reaction_events({ count: n, n: formatCount(n) });
/** Sentences in a row: a space between them in English, none in Chinese; empty ones left out. */
const sentences = (...parts: (string | null)[]): string => parts.filter((part) => part).join(getLocale() === 'en' ? ' ' : '');

/** The sentences about the Close frame the browser sent (or did not), with any departure from the code the RFC gives. */
function wireSentences(violation: Violation, reaction: Reaction, browser: BrowserName): { text: string | null; departs: string | null } {
  const sent = reaction.sentClose;
  const fault = FAULTS[violation.rule];
  if (!sent) {
    if (!reaction.settled) return { text: null, departs: null };
    return { text: m.frame_reaction_no_close_frame({ browser: browser.label }), departs: null };
  }
  const code = sent.code === null ? m.frame_reaction_no_code() : m.frame_reaction_code({ code: sent.code });
  const text = sent.reason
    ? m.frame_reaction_close_frame_reason({ browser: browser.label, code, reason: JSON.stringify(sent.reason) })
    : m.frame_reaction_close_frame({ browser: browser.label, code });
  if (sent.code === null || sent.code === fault.closeCode) return { text, departs: null };
  const why = fault.closeCode === 1007 ? m.frame_reaction_why_1007() : `§${fault.rfc}`;
  return {
    text,
    departs: m.frame_reaction_departs_code({ browser: browser.label, sent: named(sent.code), expected: named(fault.closeCode), why, code: fault.closeCode }),
  };
}

/** The page's words for the reaction, or null while it is too early to say (`waiting`). */
export function explainReaction(violation: Violation, reaction: Reaction, browser: BrowserName): (Explanation & { verdict: Verdict }) | null {
  const verdict = verdictOf(reaction);
  if (verdict === 'waiting') return null;
  const fault = FAULTS[violation.rule];
  const label = say(violation.label as Words);
  const what = WHAT[violation.kind]?.() ?? m.frame_reaction_what_other({ label });
  const rule = m.frame_reaction_rule({ label, rfc: violation.rfc, explanation: say(violation.explanation as Words), quote: fault.quote });
  const delivered = reaction.messages > 0 ? m.frame_reaction_first_fired({ events: events(reaction.messages) }) : null;
  const Browser = cap(browser.label);

  if (verdict === 'failed') {
    const close = reaction.close!;
    const wire = wireSentences(violation, reaction, browser);
    return {
      verdict,
      title: m.frame_reaction_failed_title({ browser: Browser }),
      text: sentences(
        rule,
        m.frame_reaction_failed_intro({ browser: browser.label }),
        delivered,
        reaction.error ? m.frame_reaction_failed_error({ code: close.code }) : m.frame_reaction_failed_no_error({ code: close.code }),
        m.frame_reaction_1006(),
        wire.text,
        wire.departs,
      ),
      expected: wire.departs === null,
    };
  }

  const departs = m.frame_reaction_accepted({ browser: Browser, what, rfc: violation.rfc });
  if (verdict === 'accepted') {
    return {
      verdict,
      title: m.frame_reaction_not_failed_title({ browser: Browser }),
      text: sentences(
        rule,
        departs,
        m.frame_reaction_accepted_fired({ events: events(reaction.messages), state: reaction.readyState }),
        m.frame_reaction_expected(),
        m.frame_reaction_browser_departure(),
      ),
      expected: false,
    };
  }
  if (verdict === 'ignored') {
    return {
      verdict,
      title: m.frame_reaction_not_failed_title({ browser: Browser }),
      text: sentences(rule, m.frame_reaction_ignored({ browser: Browser, state: reaction.readyState }), m.frame_reaction_expected()),
      expected: false,
    };
  }
  const close = reaction.close!;
  const wire = wireSentences(violation, reaction, browser);
  const ended = { browser: Browser, named: named(close.code), clean: String(close.wasClean) };
  return {
    verdict,
    title: m.frame_reaction_closed_title({ browser: Browser, named: named(close.code) }),
    text: sentences(
      rule,
      delivered,
      close.wasClean ? m.frame_reaction_closed_clean(ended) : m.frame_reaction_closed(ended),
      wire.text,
      wire.departs,
    ),
    expected: false,
  };
}
