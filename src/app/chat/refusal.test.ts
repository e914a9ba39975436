/** The room's refusals said by the page, from the server's code and values, in both languages. */
import { afterEach, describe, expect, it } from 'vitest';
import { baseLocale, overwriteGetLocale, type Locale } from '../../paraglide/runtime.js';
import { ERROR_CODES } from '../../wire/chat';
import type { ErrorMessage } from './protocol';
import { refusalSentence, type RefusalContext } from './refusal';

let locale: Locale = baseLocale;
overwriteGetLocale(() => locale);
afterEach(() => {
  locale = baseLocale;
});

const limits = { nameMaxLength: 24, messageMaxLength: 2000, messagesPerSecond: 2, burst: 5, maxUsers: 100, history: 100, maxErrors: 20, errorWindowMs: 60000 };
const error = (code: string, extra: Partial<ErrorMessage> = {}): ErrorMessage => ({ type: 'error', code, reason: 'as the server says it', suggestion: null, retryAfterMs: null, ...extra });
const context: RefusalContext = { name: 'Wei', text: '@kim hello', limits };

describe('refusalSentence', () => {
  it('says every error code the server sends in English and in Chinese, never the server\'s own reason', () => {
    for (const code of ERROR_CODES) {
      locale = 'en';
      const en = refusalSentence(error(code, { suggestion: 'Wei-2', retryAfterMs: 400 }), context);
      locale = 'zh-CN';
      const zh = refusalSentence(error(code, { suggestion: 'Wei-2', retryAfterMs: 400 }), context);
      expect(en, code).toMatch(/[A-Za-z]{3}/);
      expect(en, code).not.toContain('as the server says it');
      expect(zh, code).toMatch(/[\u4e00-\u9fff]/);
      expect(zh, code).not.toContain('as the server says it');
    }
  });

  it('fills in the values the page knows: the name asked for, the suggestion, the recipient, the limits', () => {
    expect(refusalSentence(error('name-taken', { suggestion: 'Wei-2' }), context)).toBe('Someone in the room is already called Wei. Try Wei-2?');
    expect(refusalSentence(error('unknown-recipient'), context)).toBe('No one called kim is in the room. A private message is “@name text” with a name from the user list.');
    expect(refusalSentence(error('rate-limited', { retryAfterMs: 400 }), context)).toBe('Too fast: at most 2 messages a second (5 at once). Wait 0.4 s.');
    expect(refusalSentence(error('message-too-long'), { ...context, text: 'x'.repeat(2001) })).toBe('A message has at most 2,000 characters; this one has 2,001.');
    locale = 'zh-CN';
    expect(refusalSentence(error('name-taken', { suggestion: 'Wei-2' }), context)).toBe('聊天室里已经有人叫 Wei 了。试试 Wei-2？');
    expect(refusalSentence(error('room-full'), context)).toBe('聊天室已满（100 人）。请稍后再试。');
  });

  it('still says something for a code it does not know, or without the values', () => {
    expect(refusalSentence(error('brand-new-code'), context)).toBe('The server refused a message this page sent (brand-new-code).');
    expect(refusalSentence(error('rate-limited'), { limits: null })).toBe('Too fast: wait a moment before the next message.');
  });
});
