/**
 * The handshake panel's negotiation reasons told from the catalogue (src/app/playground/negotiation-text.ts):
 * English word for word the server's and the codec's (chooseDeflate, selectSubprotocol), Chinese
 * with no English sentence left; reports without a known id keep their English.
 */
import { describe, expect, it } from 'vitest';
import { selectSubprotocol } from '../../src/protocol';
import { deflateOfferReason, deflateWhy, subprotocolWhy } from '../../src/app/playground/negotiation-text';
import { chooseDeflate } from '../../server/deflate/negotiation';
import { isSentence } from './literals';

const en = { locale: 'en' } as const;
const zh = { locale: 'zh-CN' } as const;
const HAN = /[\u3400-\u9fff]/;

function englishLeft(text: string, values: readonly string[]): string[] {
  let rest = text;
  for (const value of values) rest = rest.split(value).join(' ');
  return rest.split(/[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]+/).filter((piece) => isSentence(piece));
}

describe('permessage-deflate: why, told from the catalogue', () => {
  const offer = { 'sec-websocket-extensions': ['permessage-deflate; client_max_window_bits'] };
  const cases = [
    chooseDeflate(offer, new URL('ws://h/echo'), { enabled: false, threshold: 0, config: {} }),
    chooseDeflate(offer, new URL('ws://h/echo'), { enabled: true, threshold: 0, config: {} }),
    chooseDeflate(offer, new URL('ws://h/echo?deflate'), { enabled: false, threshold: 0, config: {} }),
    chooseDeflate(offer, new URL('ws://h/echo?deflate=0'), { enabled: true, threshold: 0, config: {} }),
    chooseDeflate({}, new URL('ws://h/echo'), { enabled: true, threshold: 0, config: {} }),
  ].map((c) => c.report);

  it('says every sentence the server has', () => {
    expect(new Set(cases.map((r) => r.whyId))).toEqual(new Set(['flag-off', 'flag-on', 'url-on', 'url-off']));
    expect(cases.some((r) => r.whyNoOffer)).toBe(true);
  });

  it('in English, word for word the server\'s; in Chinese, no English left', () => {
    for (const report of cases) {
      expect(deflateWhy(report, en)).toBe(report.why);
      for (const o of report.offers) for (const reason of o.reasons) expect(deflateOfferReason(report, reason, en)).toBe(reason);
      const text = deflateWhy(report, zh);
      expect(text).toMatch(HAN);
      expect(englishLeft(text, []), text).toEqual([]);
      for (const o of report.offers) {
        if (o.accepted) continue;
        for (const reason of o.reasons) {
          const told = deflateOfferReason(report, reason, zh);
          // The codec's own reasons for an offer it declined (a bad parameter) stay as it says them.
          if (!report.wanted) expect(told).toBe('已拒绝：这个连接的压缩已关闭。');
        }
      }
    }
  });

  it('a report without an id keeps its English', () => {
    const report = { ...cases[0]!, whyId: undefined };
    expect(deflateWhy(report, zh)).toBe(report.why);
    expect(deflateOfferReason(report, 'Declined: compression is off for this connection.', zh)).toBe('Declined: compression is off for this connection.');
  });
});

describe('subprotocol: why, told from the catalogue', () => {
  const cases = [
    selectSubprotocol([], ['echo.v1']),
    selectSubprotocol(['chat'], []),
    selectSubprotocol(['chat', 'superchat'], ['echo.v2', 'echo.v1']),
    selectSubprotocol(['echo.v1', 'echo.v2'], ['echo.v1', 'echo.v2']),
    selectSubprotocol(['echo.v1', 'echo.v2'], ['echo.v2', 'echo.v1']),
  ];

  it('says every sentence the codec has', () => {
    expect(new Set(cases.map((c) => c.whyId))).toEqual(new Set(['none-offered', 'none-supported', 'none-matching', 'chosen', 'chosen-not-first']));
  });

  it('in English, word for word the codec\'s; in Chinese, no English left', () => {
    for (const choice of cases) {
      expect(subprotocolWhy(choice, en)).toBe(choice.why);
      const text = subprotocolWhy(choice, zh);
      expect(text).toMatch(HAN);
      expect(englishLeft(text, Object.values(choice.whyValues ?? {})), text).toEqual([]);
    }
  });

  it('a demonstration\'s own words, or values that do not fit, keep the English', () => {
    const choice = cases[3]!;
    expect(subprotocolWhy({ ...choice, whyId: undefined }, zh)).toBe(choice.why);
    expect(subprotocolWhy({ ...choice, whyValues: {} }, zh)).toBe(choice.why);
  });
});
