import { afterEach, describe, expect, it } from 'vitest';
import { parseHex } from '../../protocol';
import { overwriteGetLocale } from '../../paraglide/runtime.js';
import { hexErrorText, hexProblemText } from './hex-text';

type Locale = 'en' | 'zh-CN';
function speak(locale: Locale): void {
  overwriteGetLocale(() => locale);
}
afterEach(() => speak('en'));

/** One input for each thing the hex reader can refuse, and the values its sentence must carry. */
const BROKEN: readonly { input: string; problem: string; values: string[] }[] = [
  { input: '81 zz', problem: 'unexpected-character', values: ["'z'"] },
  { input: '81 8', problem: 'unpaired-digit', values: ["'8'", '08'] },
  { input: '818', problem: 'odd-digit-count', values: ["'818'", '3'] },
  { input: '0x', problem: 'prefix-without-digits', values: ["'0x'"] },
  { input: '\\x8', problem: 'incomplete-escape', values: ["'\\x8'"] },
  { input: '"\\q"', problem: 'unknown-escape', values: ["'\\q'"] },
  { input: '"\\777"', problem: 'octal-escape-too-large', values: ["'\\777'", '0-377'] },
  { input: '81 /* x', problem: 'unclosed-comment', values: ['/*', '*/'] },
  { input: '"81', problem: 'unclosed-string', values: ['"'] },
  { input: '00000000  81 85 37 fa 21 3d 7f 9f  4d 51 58 00 00 00 00 00  |................|\n*', problem: 'repeat-without-offset', values: ["'*'"] },
  { input: '0000000 8581 fa37', problem: 'odd-digit-count', values: ["'0000000'", 'hexdump -C', 'xxd'] },
  { input: '81\t\u200b', problem: 'unexpected-character', values: ['U+200B'] },
  { input: '"\u00e9\\x81"', problem: 'unexpected-character', values: ["'é'", '\\xHH'] },
  { input: '00000000: 8185 37fa zz', problem: 'unexpected-character', values: ["'z'", 'xxd'] },
];

describe('hex reader errors, said from the problem id and the input', () => {
  for (const { input, problem, values } of BROKEN) {
    it(`${problem}: ${JSON.stringify(input)}`, () => {
      const parsed = parseHex(input);
      if (parsed.ok) throw new Error('expected the reader to refuse it');
      expect(parsed.error.problem).toBe(problem);
      // English: word for word what the codec says (the CLI's wording and the page's are one).
      speak('en');
      expect(hexProblemText(parsed.error, input)).toBe(parsed.error.message);
      // Chinese: Chinese, with the same values in it.
      speak('zh-CN');
      const zh = hexProblemText(parsed.error, input);
      expect(zh).toMatch(/[\u4e00-\u9fff]/);
      for (const value of values) expect(zh).toContain(value);
      expect(zh).not.toContain(parsed.error.message);
    });
  }

  it('puts the line and column in front, in either language', () => {
    const input = '81 85\n37 zz 21';
    const parsed = parseHex(input);
    if (parsed.ok) throw new Error('expected an error');
    expect(hexErrorText(parsed.error, input)).toBe("line 2, column 4: unexpected character 'z': hex bytes are written with the digits 0-9 and a-f");
    speak('zh-CN');
    expect(hexErrorText(parsed.error, input)).toBe("第 2 行第 4 列：意外的字符 'z'：十六进制字节只用数字 0-9 和字母 a-f 书写");
  });

  it('formats the numbers of a repeat that is too long per language', () => {
    const input = '00000000  81 85 37 fa 21 3d 7f 9f  4d 51 58 00 00 00 00 00  |................|\n*\n10000000  00';
    const parsed = parseHex(input);
    if (parsed.ok) throw new Error('expected an error');
    expect(parsed.error.problem).toBe('repeat-too-long');
    expect(hexProblemText(parsed.error, input).replace(/(\d),(?=\d)/g, '$1')).toBe(parsed.error.message);
    speak('zh-CN');
    expect(hexProblemText(parsed.error, input)).toContain('268,435,440 字节');
  });
});
