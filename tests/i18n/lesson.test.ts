/**
 * The guided lesson in both languages: every step has its title, what to look at, explanation,
 * question, answer and button labels in English and in Simplified Chinese, and the lesson panel
 * rendered in Chinese (server-side, every step in turn) holds no English sentence, only the names
 * that stay as the RFC spells them and the RFC's own words.
 */
import { render } from 'svelte/server';
import { afterAll, describe, expect, it } from 'vitest';
import LessonPanel from '../../src/app/lesson/LessonPanel.svelte';
import { LessonState } from '../../src/app/lesson/lesson.svelte';
import { LESSON_STEPS, LESSON_TEXT } from '../../src/app/lesson/steps';
import { overwriteGetLocale, type Locale } from '../../src/paraglide/runtime.js';
import { isSentence } from './literals';

let locale: Locale = 'en';
overwriteGetLocale(() => locale);
afterAll(() => {
  locale = 'en';
});

const CJK = /[\u3400-\u9fff]/;

function texts(step: (typeof LESSON_STEPS)[number]): Record<string, string> {
  return {
    title: step.title(),
    look: step.lookText(),
    explain: step.explain(),
    question: step.question(),
    answer: step.answer(),
    ...Object.fromEntries(step.buttons.map((button, i) => [`button ${i + 1}`, button.label()])),
  };
}

function inLocale<T>(l: Locale, fn: () => T): T {
  locale = l;
  try {
    return fn();
  } finally {
    locale = 'en';
  }
}

/** A playground that is never touched: rendering the panel runs nothing. */
const idle = {
  connection: { current: null },
  tapped: false,
  compression: false,
  setCompression: () => Promise.resolve(),
  inspector: null,
  connect: () => Promise.resolve({ ok: false }),
  disconnect: () => ({ ok: false }),
  send: () => ({ ok: false }),
  demo: () => Promise.resolve({ ok: false, message: '' }),
  select: () => {},
};

/** Phrases quoted from the RFCs and HTTP, and API names, kept in English beside their Chinese explanation. */
const QUOTED = ['Switching Protocols', 'Upgrade: websocket', 'Per-Message Compressed', 'HTTP GET', 'WebSocket API'];

/** Runs of Latin words (with the symbols between them) in `text`, the quoted phrases taken out. */
function englishRuns(text: string): string[] {
  let rest = text;
  for (const quote of QUOTED) rest = rest.split(quote).join(' ');
  return rest.match(/[A-Za-z][A-Za-z0-9'’\-_.(),:+=/$ ]*[A-Za-z0-9)]/g) ?? [];
}

describe('the lesson in both languages', () => {
  for (const step of LESSON_STEPS) {
    it(`${step.id}: every sentence in English and in Chinese`, () => {
      const en = inLocale('en', () => texts(step));
      const zh = inLocale('zh-CN', () => texts(step));
      expect(Object.keys(zh)).toEqual(Object.keys(en));
      for (const [part, text] of Object.entries(en)) {
        expect(text.trim(), `${step.id} ${part} (en)`).not.toBe('');
        expect(text, `${step.id} ${part} (en)`).not.toMatch(CJK);
        expect(zh[part], `${step.id} ${part} (zh-CN)`).toMatch(CJK);
        expect(zh[part], `${step.id} ${part} (zh-CN)`).not.toBe(text);
      }
    });
  }

  it('the panel words follow the language', () => {
    expect(inLocale('en', () => LESSON_TEXT.stepOf(3, 12))).toBe('Step 3 of 12');
    expect(inLocale('zh-CN', () => LESSON_TEXT.stepOf(3, 12))).toBe('第 3 步，共 12 步');
    expect(inLocale('en', () => LESSON_TEXT.jump(4, LESSON_STEPS[3]!.title(), true))).toBe('Step 4: Three length forms (done)');
    expect(inLocale('zh-CN', () => LESSON_TEXT.jump(4, LESSON_STEPS[3]!.title(), true))).toBe('第 4 步：三种长度形式（已完成）');
  });

  it('renders every step in Chinese with no English sentence', () => {
    const lesson = new LessonState(idle, { storage: null });
    for (const [i, step] of LESSON_STEPS.entries()) {
      lesson.go(i);
      if (i === 0) lesson.toggleAnswer();
      const html = inLocale('zh-CN', () => render(LessonPanel, { props: { lesson } }).body);
      const text = html.replace(/<style[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, ' ').replace(/&[a-z]+;|&#\d+;/g, ' ');
      // The step itself is there, in Chinese.
      expect(text, step.id).toContain(inLocale('zh-CN', () => step.title()));
      expect(text, step.id).toContain(inLocale('zh-CN', () => step.answer()));
      const attributes = [...html.matchAll(/aria-label="([^"]*)"/g)].map((match) => match[1]!);
      const english = [text, ...attributes].flatMap(englishRuns).filter((run) => isSentence(run));
      expect(english, step.id).toEqual([]);
    }
  });

  it('would see an English sentence (the check can fail)', () => {
    const lesson = new LessonState(idle, { storage: null });
    const html = render(LessonPanel, { props: { lesson } }).body;
    const found = englishRuns(html.replace(/<[^>]+>/g, ' ')).filter((run) => isSentence(run));
    expect(found.some((run) => run.includes('Twelve steps through RFC 6455'))).toBe(true);
  });
});
