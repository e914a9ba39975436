/**
 * The close codes the playground offers. Expectations are the registry's and the specs' own
 * values, written out: the IANA "WebSocket Close Code Number Registry" (RFC 6455 §11.7), RFC 6455
 * §7.4.1, and the WHATWG WebSockets close() method (a script may pass 1000 or 3000-4999).
 */
import { describe, expect, it } from 'vitest';
import { browserMaySend, checkCloseRequest, CLOSE_CODE_OPTIONS, MAX_REASON_BYTES } from './close-codes';

const option = (code: number) => CLOSE_CODE_OPTIONS.find((o) => o.code === code);

describe('close codes a script may send', () => {
  it('allows 1000 and 3000-4999 only (WHATWG WebSockets, close() step 1)', () => {
    for (const code of [1000, 3000, 3999, 4000, 4999]) expect(browserMaySend(code), String(code)).toBe(true);
    for (const code of [0, 999, 1001, 1002, 1005, 1006, 1011, 1015, 2999, 5000, 3000.5, Number.NaN]) {
      expect(browserMaySend(code), String(code)).toBe(false);
    }
  });

  it('lists the registry’s codes 1000-1015, then one private-use code of each range, 3000 and 4000', () => {
    expect(CLOSE_CODE_OPTIONS.map((o) => o.code)).toEqual([
      1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 1015, 3000, 4000,
    ]);
  });

  it('enables 1000, 3000 and 4000 only', () => {
    expect(CLOSE_CODE_OPTIONS.filter((o) => o.enabled).map((o) => o.code)).toEqual([1000, 3000, 4000]);
  });

  it('marks 1004, 1005, 1006 and 1015 as never in a Close frame, the rest of 1001-1014 as the browser’s own', () => {
    // RFC 6455 §7.4.1: 1005, 1006 and 1015 "MUST NOT be set as a status code in a Close control
    // frame by an endpoint"; 1004 is "Reserved".
    expect(CLOSE_CODE_OPTIONS.filter((o) => o.tag === 'never-sent').map((o) => o.code)).toEqual([1004, 1005, 1006, 1015]);
    expect(CLOSE_CODE_OPTIONS.filter((o) => o.tag === 'browser-only').map((o) => o.code)).toEqual([
      1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014,
    ]);
    expect(option(1006)?.why).toBe('1006 never appears in a Close frame (RFC 6455 §7.4.1); the browser reports it locally.');
    expect(option(1001)?.why).toBe('Only the browser itself may send 1001; a script may use 1000 or 3000-4999.');
    expect(option(1000)).toMatchObject({ enabled: true, why: '', tag: '' });
  });
});

describe('checkCloseRequest', () => {
  it('refuses a code the browser would throw on', () => {
    expect(checkCloseRequest(1000, 'bye')).toEqual({ ok: true, code: 1000, reason: 'bye' });
    expect(checkCloseRequest(1002, '')).toEqual({
      ok: false,
      message: 'The browser refuses code 1002 (Protocol Error): a script may only send 1000 or 3000-4999.',
    });
  });

  it('takes a reason of up to 123 bytes of UTF-8: a control frame carries 125, two are the code (RFC 6455 §5.5)', () => {
    expect(MAX_REASON_BYTES).toBe(123);
    expect(checkCloseRequest(1000, 'a'.repeat(123)).ok).toBe(true);
    expect(checkCloseRequest(1000, 'a'.repeat(124)).ok).toBe(false);
    // "é" is 2 bytes in UTF-8: 61 of them and an "a" are 123 bytes; 62 are 124.
    expect(checkCloseRequest(4000, `${'\u00e9'.repeat(61)}a`).ok).toBe(true);
    const long = checkCloseRequest(1000, '\u00e9'.repeat(62));
    expect(long).toEqual({
      ok: false,
      message:
        'The reason is 124 bytes of UTF-8; a Close frame has room for 123 (RFC 6455 §5.5: control frames carry at most 125 bytes).',
    });
  });
});
