/**
 * The "browsers compared" data (browsers-compared.json, written by the e2e run in Chromium and
 * Firefox: tests/e2e/browsers-compared.test.ts, `npm run browsers-compared`; never by hand), and
 * the summary the lesson's violation step shows: per browser, how it reacted to the server's
 * broken frames and what Close frame it sent first. Plain data in, plain data out: the component
 * (BrowsersCompared.svelte) words it in the page's language.
 */
import { FAULTS } from '../../protocol';
import { VIOLATIONS } from '../playground/demos';
import { browserFromUserAgent, type BrowserName } from '../playground/browser-name';

/** What the test saw a browser do after one broken frame (its own listeners, and the server's tap). */
export interface ReactionFacts {
  error: boolean;
  messages: number;
  readyState: string;
  close: { code: number; wasClean: boolean } | null;
  /** The Close frame the browser sent after the broken frame: its code, null (no code), or 'none' (no frame). */
  sentClose: number | null | 'none';
}

/** One demonstration (or measurement) in one browser. */
export interface DemoRecord {
  /** Stable id: a violation's kind ('masked-frame', 'rsv1', …), or 'ping', 'fragments', … */
  id: string;
  /** The table's row heading (English, for docs/browsers-compared.md). */
  demo: string;
  /** What RFC 6455 (or RFC 7692) requires of the client, in a few words. */
  rfc: string;
  /** What this browser did, in a few words, from the events and the wire. */
  did: string;
  /** The browser departed from what the RFC requires. */
  departs: boolean;
  /** For the server's broken frames: the facts `did` was written from. */
  reaction?: ReactionFacts;
}

export interface BrowserRecord {
  /** "Firefox 153", from the user agent. */
  browser: string;
  userAgent: string;
  demos: DemoRecord[];
}

/** The file: which run, and one record per browser. */
export interface ComparedData {
  /** "run of 2026-12-05". */
  when: string;
  records: BrowserRecord[];
}

/** One row of the lesson's table: one browser. */
export interface BrowserSummary {
  browser: BrowserName;
  /** Violation kinds it failed the connection on (error or not, then close 1006, wasClean false). */
  failed: string[];
  /** Violation kinds it delivered as a message and stayed open. */
  accepted: string[];
  /** Violation kinds it reacted to some other way (another close code, no event). */
  other: string[];
  /** Close frames it sent before dropping TCP, grouped by code ('none': it sent none). */
  sent: { code: number | null | 'none'; kinds: string[] }[];
  /** Where its Close frame's code is not the one the RFC gives for the fault. */
  wrongCode: { kind: string; sent: number; rfc: number }[];
  /** How many of the server's broken frames were measured. */
  total: number;
}

const RULE_OF = new Map(VIOLATIONS.map((v) => [v.kind, v.rule] as const));

/** Did the browser fail the connection as RFC 6455 §7.1.7 asks (close 1006, wasClean false)? */
function failedConnection(r: ReactionFacts): boolean {
  return r.close !== null && r.close.code === 1006 && !r.close.wasClean;
}

/** One browser's reactions to the server's broken frames, in the order of the demonstrations. */
export function summarize(record: BrowserRecord): BrowserSummary {
  const summary: BrowserSummary = { browser: browserFromUserAgent(record.userAgent), failed: [], accepted: [], other: [], sent: [], wrongCode: [], total: 0 };
  for (const v of VIOLATIONS) {
    const reaction = record.demos.find((d) => d.id === v.kind)?.reaction;
    if (!reaction) continue;
    summary.total++;
    if (failedConnection(reaction)) summary.failed.push(v.kind);
    else if (reaction.close === null && reaction.messages > 0) summary.accepted.push(v.kind);
    else summary.other.push(v.kind);
    if (reaction.close === null) continue; // still open: nothing was sent, nothing to compare
    const group = summary.sent.find((g) => g.code === reaction.sentClose);
    if (group) group.kinds.push(v.kind);
    else summary.sent.push({ code: reaction.sentClose, kinds: [v.kind] });
    const rule = RULE_OF.get(v.kind);
    const rfc = rule ? FAULTS[rule].closeCode : null;
    if (typeof reaction.sentClose === 'number' && rfc !== null && reaction.sentClose !== rfc) summary.wrongCode.push({ kind: v.kind, sent: reaction.sentClose, rfc });
  }
  return summary;
}

/**
 * How a row relates to the browser the page runs in: 'this' (same browser, any version), 'engine'
 * (another browser on the same engine: Chrome and Edge run Chromium's WebSocket), or null.
 */
export function relation(row: BrowserName, current: BrowserName): 'this' | 'engine' | null {
  if (row.name === current.name) return 'this';
  if (row.engine !== 'unknown' && row.engine === current.engine) return 'engine';
  return null;
}
