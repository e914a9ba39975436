/**
 * The message catalogues: one JSON file per area and locale (messages/<locale>/<area>.json, listed
 * in project.inlang/settings.json). Both languages hold the same keys with the same placeholders,
 * every key starts with its area's name (so two areas never collide), and a Chinese message is not
 * an English sentence copied over.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isSentence } from './literals';

interface Settings {
  baseLocale: string;
  locales: string[];
  'plugin.inlang.messageFormat': { pathPattern: string[] };
}

const settings = JSON.parse(readFileSync('project.inlang/settings.json', 'utf8')) as Settings;
const areas = settings['plugin.inlang.messageFormat'].pathPattern.map((pattern) => /\/([\w-]+)\.json$/.exec(pattern)?.[1] ?? pattern);

type Message = string | { declarations?: string[]; selectors?: string[]; match: Record<string, string> }[];

function catalogue(locale: string, area: string): Record<string, Message> {
  const { $schema: _schema, ...messages } = JSON.parse(readFileSync(`messages/${locale}/${area}.json`, 'utf8')) as Record<string, Message>;
  return messages;
}

/** The texts of a message: itself, or every variant of a plural/select message. */
function texts(message: Message): string[] {
  return typeof message === 'string' ? [message] : message.flatMap((variant) => Object.values(variant.match));
}

/**
 * The placeholders a message's texts show ({shown}, {name}). An input used only to choose a plural
 * variant ({count} in English) is not shown, so Chinese, which has no plural forms, need not take it.
 */
function placeholders(message: Message): string[] {
  const names = new Set<string>();
  for (const text of texts(message)) for (const match of text.matchAll(/(?<!\\)\{(\w+)\}/g)) names.add(match[1] ?? '');
  return [...names].sort();
}

describe('message catalogues', () => {
  it('are English and Simplified Chinese, English the base', () => {
    expect(settings.baseLocale).toBe('en');
    expect(settings.locales).toEqual(['en', 'zh-CN']);
  });

  for (const area of areas) {
    describe(area, () => {
      const en = catalogue('en', area);
      const zh = catalogue('zh-CN', area);

      it('has the same keys in both languages', () => {
        expect(Object.keys(zh).sort(), `keys in en/${area}.json and not in zh-CN/${area}.json, or the reverse`).toEqual(Object.keys(en).sort());
      });

      it(`names every key ${area}_…`, () => {
        expect(Object.keys(en).filter((key) => !key.startsWith(`${area}_`))).toEqual([]);
      });

      it('uses the same placeholders in both languages', () => {
        const differ = Object.keys(en).filter((key) => key in zh && placeholders(en[key]!).join() !== placeholders(zh[key]!).join());
        expect(differ).toEqual([]);
      });

      it('has no empty message and no English sentence left in the Chinese one', () => {
        const empty = Object.entries({ ...en, ...zh }).filter(([, message]) => texts(message).some((text) => text.trim() === ''));
        expect(empty.map(([key]) => key)).toEqual([]);
        const copied = Object.keys(en).filter((key) => {
          const zhTexts = zh[key] === undefined ? [] : texts(zh[key]);
          return zhTexts.some((text) => isSentence(text.replace(/\{\w+\}/g, '')) && !/[\u3400-\u9fff]/.test(text));
        });
        expect(copied, 'zh-CN messages with English words and no Chinese').toEqual([]);
      });
    });
  }
});
