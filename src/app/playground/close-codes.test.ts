import { describe, expect, it } from 'vitest';
import { browserMaySend, checkCloseRequest, CLOSE_CODE_OPTIONS } from './close-codes';

describe('close codes a script may send', () => {
  it('allows 1000 and 3000-4999 only', () => {
    expect(browserMaySend(1000)).toBe(true);
    expect(browserMaySend(3000)).toBe(true);
    expect(browserMaySend(4999)).toBe(true);
    for (const code of [999, 1001, 1002, 1005, 1006, 1011, 2999, 5000, 3000.5]) {
      expect(browserMaySend(code), String(code)).toBe(false);
    }
  });

  it('lists every RFC code, with the disabled ones saying why', () => {
    const codes = CLOSE_CODE_OPTIONS.map((option) => option.code);
    expect(codes).toContain(1000);
    expect(codes).toContain(1006);
    expect(codes).toContain(1015);
    expect(codes).toContain(3000);
    expect(codes).toContain(4000);
    for (const option of CLOSE_CODE_OPTIONS) {
      expect(option.enabled).toBe(browserMaySend(option.code));
      if (!option.enabled) expect(option.why).not.toBe('');
    }
    expect(CLOSE_CODE_OPTIONS.find((o) => o.code === 1006)?.why).toMatch(/never appears/);
    expect(CLOSE_CODE_OPTIONS.find((o) => o.code === 1001)?.why).toMatch(/Only the browser/);
    expect(CLOSE_CODE_OPTIONS.find((o) => o.code === 1001)?.tag).toBe('browser only');
    expect(CLOSE_CODE_OPTIONS.find((o) => o.code === 1006)?.tag).toBe('never sent');
    expect(CLOSE_CODE_OPTIONS.find((o) => o.code === 1000)?.tag).toBe('');
  });

  it('checks the code and the reason length in UTF-8 bytes', () => {
    expect(checkCloseRequest(1000, 'bye')).toEqual({ ok: true, code: 1000, reason: 'bye' });
    const refused = checkCloseRequest(1002, '');
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.message).toMatch(/1002/);
    expect(checkCloseRequest(1000, 'a'.repeat(123)).ok).toBe(true);
    const long = checkCloseRequest(1000, '\u00e9'.repeat(62));
    expect(long.ok).toBe(false);
    expect(!long.ok && long.message).toMatch(/124 bytes/);
  });
});
