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
import { closeCodeInfo, FAULTS } from '../../protocol';
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
const WHAT: Readonly<Record<string, string>> = {
  'masked-frame': 'a masked frame',
  rsv1: 'a frame with RSV1 set and no extension negotiated',
  'reserved-opcode': 'a frame with the reserved opcode 0x3',
  'invalid-utf8': 'a text message that is not UTF-8',
  'long-control': 'a ping with 126 bytes of payload',
  'fragmented-ping': 'a fragmented ping',
};

const cap = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
const named = (code: number): string => `${code} (${closeCodeInfo(code).name})`;
const events = (n: number): string => `${n} message event${n === 1 ? '' : 's'}`;

/** The sentences about the Close frame the browser sent (or did not), with any departure from the code the RFC gives. */
function wireSentences(violation: Violation, reaction: Reaction, browser: BrowserName): { text: string; departs: string | null } {
  const sent = reaction.sentClose;
  const fault = FAULTS[violation.rule];
  if (!sent) {
    if (!reaction.settled) return { text: '', departs: null };
    return {
      text: ` The tap saw no Close frame from ${browser.label}: it dropped TCP without one (RFC 6455 §7.1.7: it "SHOULD send a Close frame with an appropriate status code" first).`,
      departs: null,
    };
  }
  const text = ` On the wire ${browser.label} told the server why: a Close frame with ${
    sent.code === null ? 'no code' : `code ${sent.code}`
  }${sent.reason ? ` and reason ${JSON.stringify(sent.reason)}` : ''}, before it dropped TCP.`;
  if (sent.code === null || sent.code === fault.closeCode) return { text, departs: null };
  const why =
    fault.closeCode === 1007
      ? '§7.4.1: 1007 is for "data within a message that was not consistent with the type of the message (e.g., non-UTF-8 [RFC3629] data within a text message)"'
      : `§${fault.rfc}`;
  return {
    text,
    departs: `Note the code: ${browser.label} sent ${named(sent.code)}, where RFC 6455 gives ${named(fault.closeCode)} for this fault (${why}); this page's decoder and Framescope's server use ${fault.closeCode}.`,
  };
}

/** The page's words for the reaction, or null while it is too early to say (`waiting`). */
export function explainReaction(violation: Violation, reaction: Reaction, browser: BrowserName): (Explanation & { verdict: Verdict }) | null {
  const verdict = verdictOf(reaction);
  if (verdict === 'waiting') return null;
  const fault = FAULTS[violation.rule];
  const what = WHAT[violation.kind] ?? `a broken frame (${violation.label})`;
  const rule = `${violation.label} (RFC 6455 §${violation.rfc}): ${violation.explanation} The RFC: "${fault.quote}"`;
  const delivered = reaction.messages > 0 ? ` It first fired ${events(reaction.messages)}.` : '';

  if (verdict === 'failed') {
    const close = reaction.close!;
    const wire = wireSentences(violation, reaction, browser);
    return {
      verdict,
      title: `${cap(browser.label)} failed the connection, as the RFC requires`,
      text:
        `${rule} As RFC 6455 §7.1.7 requires, ${browser.label} failed the connection:${delivered} ` +
        `${reaction.error ? 'an error event, then ' : 'no error event, only '}a close event with code ${close.code} and wasClean false. ` +
        `1006 (Abnormal Closure) is never sent: it is how the API says "no clean closing handshake".${wire.text}` +
        (wire.departs ? ` ${wire.departs}` : ''),
      expected: wire.departs === null,
    };
  }

  const departs = `${cap(browser.label)} accepted ${what} from the server, which RFC 6455 §${violation.rfc} says a client must refuse.`;
  if (verdict === 'accepted') {
    return {
      verdict,
      title: `${cap(browser.label)} did not fail the connection`,
      text:
        `${rule} ${departs} It fired ${events(reaction.messages)} and no error; the connection is still ${reaction.readyState}. ` +
        `RFC 6455 §7.1.7 expected an error event, then a close event with code 1006. The departure is the browser's: the frame on the wire is the same in every browser.`,
      expected: false,
    };
  }
  if (verdict === 'ignored') {
    return {
      verdict,
      title: `${cap(browser.label)} did not fail the connection`,
      text:
        `${rule} ${cap(browser.label)} fired no event for it (no error, no message, no close); the connection is still ${reaction.readyState}. ` +
        `RFC 6455 §7.1.7 expected an error event, then a close event with code 1006.`,
      expected: false,
    };
  }
  const close = reaction.close!;
  const wire = wireSentences(violation, reaction, browser);
  return {
    verdict,
    title: `${cap(browser.label)} closed with ${named(close.code)}`,
    text:
      `${rule}${delivered} ${cap(browser.label)} ended the connection with code ${named(close.code)} and wasClean ${close.wasClean}` +
      `${close.wasClean ? ' after a closing handshake' : ''}; RFC 6455 §7.1.7 asks it to fail the connection, which the API reports as 1006 with wasClean false.${wire.text}` +
      (wire.departs ? ` ${wire.departs}` : ''),
    expected: false,
  };
}
