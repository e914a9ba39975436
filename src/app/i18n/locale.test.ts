import { describe, expect, it } from 'vitest';
import { detectLocale, hrefWithLocale, matchLocale } from './locale';

describe('matchLocale', () => {
  it('takes Simplified Chinese in its spellings and English in any region', () => {
    for (const tag of ['zh-CN', 'zh-cn', 'zh', 'zh-Hans', 'zh-Hans-CN', 'zh-SG']) expect(matchLocale(tag), tag).toBe('zh-CN');
    for (const tag of ['en', 'en-GB', 'EN-us']) expect(matchLocale(tag), tag).toBe('en');
  });

  it('does not take Traditional Chinese, other languages or junk for one of ours', () => {
    for (const tag of ['zh-TW', 'zh-HK', 'zh-Hant', 'fr', 'de-DE', '', '<script>', null, undefined]) expect(matchLocale(tag), String(tag)).toBeUndefined();
  });
});

describe('detectLocale', () => {
  it('prefers the URL, then the stored choice, then the browser, then English', () => {
    expect(detectLocale({ search: '?lang=zh-CN', stored: 'en', languages: ['en'] })).toEqual({ locale: 'zh-CN', from: 'url' });
    expect(detectLocale({ search: '', stored: 'zh-CN', languages: ['en-US'] })).toEqual({ locale: 'zh-CN', from: 'storage' });
    expect(detectLocale({ search: '', stored: null, languages: ['fr-FR', 'zh-CN', 'en'] })).toEqual({ locale: 'zh-CN', from: 'browser' });
    expect(detectLocale({ search: '?lang=xx', stored: 'xx', languages: ['fr'] })).toEqual({ locale: 'en', from: 'default' });
  });
});

describe('hrefWithLocale', () => {
  it('sets ?lang= and keeps the hash route and other parameters', () => {
    expect(hrefWithLocale('http://10.0.0.5:5173/?demo=x#/lesson?step=3', 'zh-CN')).toBe('http://10.0.0.5:5173/?demo=x&lang=zh-CN#/lesson?step=3');
    expect(hrefWithLocale('http://h/?lang=zh-CN#/', 'en')).toBe('http://h/?lang=en#/');
  });
});
