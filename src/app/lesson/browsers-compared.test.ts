import { describe, expect, it } from 'vitest';
import { browserFromUserAgent } from '../playground/browser-name';
import { relation, summarize, type BrowserRecord, type ReactionFacts } from './browsers-compared';

const FAILED = (sentClose: ReactionFacts['sentClose']): ReactionFacts => ({ error: true, messages: 0, readyState: 'CLOSED', close: { code: 1006, wasClean: false }, sentClose });
const KINDS = ['masked-frame', 'rsv1', 'reserved-opcode', 'invalid-utf8', 'long-control', 'fragmented-ping'];

function record(userAgent: string, reactions: Record<string, ReactionFacts>): BrowserRecord {
  return {
    browser: browserFromUserAgent(userAgent).label,
    userAgent,
    demos: Object.entries(reactions).map(([id, reaction]) => ({ id, reaction, demo: id, rfc: '', did: '', departs: false })),
  };
}

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0';
const CHROMIUM = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36';

describe('summarize', () => {
  it('a browser that accepts the masked frame and drops TCP without a Close frame on the rest', () => {
    const reactions: Record<string, ReactionFacts> = Object.fromEntries(KINDS.map((k) => [k, FAILED('none')]));
    reactions['masked-frame'] = { error: false, messages: 1, readyState: 'OPEN', close: null, sentClose: 'none' };
    const row = summarize(record(FIREFOX, reactions));
    expect(row.browser.label).toBe('Firefox 153');
    expect(row.total).toBe(6);
    expect(row.accepted).toEqual(['masked-frame']);
    expect(row.failed).toEqual(KINDS.slice(1));
    expect(row.other).toEqual([]);
    // The connection it kept open sent nothing: only the five it failed count for the Close frame.
    expect(row.sent).toEqual([{ code: 'none', kinds: KINDS.slice(1) }]);
    expect(row.wrongCode).toEqual([]);
  });

  it('a browser that fails every time and sends 1002, also where RFC 6455 gives 1007', () => {
    const row = summarize(record(CHROMIUM, Object.fromEntries(KINDS.map((k) => [k, FAILED(1002)]))));
    expect(row.failed).toEqual(KINDS);
    expect(row.sent).toEqual([{ code: 1002, kinds: KINDS }]);
    expect(row.wrongCode).toEqual([{ kind: 'invalid-utf8', sent: 1002, rfc: 1007 }]);
  });

  it('a clean close, or no event at all, is "other"; demonstrations not measured are not counted', () => {
    const row = summarize(
      record(CHROMIUM, {
        rsv1: { error: false, messages: 0, readyState: 'CLOSED', close: { code: 1002, wasClean: true }, sentClose: 1002 },
        'long-control': { error: false, messages: 0, readyState: 'OPEN', close: null, sentClose: 'none' },
      }),
    );
    expect(row.total).toBe(2);
    expect(row.other).toEqual(['rsv1', 'long-control']);
    expect(row.sent).toEqual([{ code: 1002, kinds: ['rsv1'] }]);
  });
});

describe('relation', () => {
  it('marks the same browser, any version; the same engine; or nothing', () => {
    const firefox = browserFromUserAgent(FIREFOX);
    const chromium = browserFromUserAgent(CHROMIUM);
    const chrome = browserFromUserAgent(CHROMIUM, [{ brand: 'Google Chrome', version: '150' }]);
    const safari = browserFromUserAgent('Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15');
    expect(relation(firefox, browserFromUserAgent(FIREFOX.replace(/153/g, '140')))).toBe('this');
    expect(relation(chromium, chrome)).toBe('engine');
    expect(relation(firefox, chromium)).toBe(null);
    expect(relation(chromium, safari)).toBe(null);
  });
});
