import { afterEach, describe, expect, it } from 'vitest';
import { overwriteGetLocale } from '../../paraglide/runtime.js';
import { formatBytes, formatCount } from './format';

let locale: 'en' | 'zh-CN' = 'en';
overwriteGetLocale(() => locale);
afterEach(() => {
  locale = 'en';
});

describe('formatBytes', () => {
  it('says sizes in whole KiB and MiB, and bytes otherwise, in English', () => {
    expect(formatBytes(65_536)).toBe('64 KiB');
    expect(formatBytes(16 * 1024 * 1024)).toBe('16 MiB');
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(0)).toBe('0 bytes');
    expect(formatBytes(65_537)).toBe('65,537 bytes');
  });

  it('in Chinese: 字节, no plural', () => {
    locale = 'zh-CN';
    expect(formatBytes(1)).toBe('1 字节');
    expect(formatBytes(125)).toBe('125 字节');
    expect(formatBytes(1024)).toBe('1 KiB');
    expect(formatCount(1_234_567)).toBe('1,234,567');
  });
});
