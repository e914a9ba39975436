/** Nicknames and colours (server/chat/names.ts), and the palette as the page shows it in both themes. */
import { describe, expect, it } from 'vitest';
import {
  characterCount,
  checkNickname,
  colourForName,
  NAME_COLOURS,
  nameKey,
  suggestFreeName,
  suggestGuestName,
} from '../../server/chat/names';
import { contrast, nameColours } from '../../src/app/chat/colour';

describe('checkNickname', () => {
  it('trims and collapses spaces', () => {
    expect(checkNickname('  Ann \t  Lee  ')).toMatchObject({ ok: false, code: 'name-invalid' }); // a tab is a control character
    expect(checkNickname('  Ann    Lee  ')).toEqual({ ok: true, name: 'Ann Lee' });
  });

  it('counts characters, not UTF-16 units', () => {
    expect(characterCount('🙂🙂')).toBe(2);
    expect(checkNickname('🙂'.repeat(24))).toMatchObject({ ok: true });
    expect(checkNickname('🙂'.repeat(25))).toMatchObject({ ok: false, code: 'name-too-long' });
  });

  it('refuses control and invisible format characters, naming them', () => {
    expect(checkNickname('a\u0000b')).toMatchObject({ ok: false, reason: expect.stringContaining('U+0000') });
    expect(checkNickname('a\u200Bb')).toMatchObject({ ok: false, reason: expect.stringContaining('U+200B') });
    expect(checkNickname('a\u0085b')).toMatchObject({ ok: false, code: 'name-invalid' });
  });

  it('accepts HTML-looking names as plain text', () => {
    expect(checkNickname('<img src=x onerror=alert(1)>')).toMatchObject({ ok: false, code: 'name-too-long' });
    expect(checkNickname('<b>bold</b>')).toEqual({ ok: true, name: '<b>bold</b>' });
  });
});

describe('nameKey', () => {
  it('is case- and width-insensitive', () => {
    expect(nameKey('ALICE')).toBe(nameKey('alice'));
    expect(nameKey('ａｌｉｃｅ')).toBe('alice');
  });
});

describe('suggestions', () => {
  it('numbers a taken name and keeps it within 24 characters', () => {
    const taken = new Set(['alice', 'alice-2']);
    expect(suggestFreeName('alice', (name) => taken.has(nameKey(name)))).toBe('alice-3');
    const long = 'x'.repeat(24);
    const suggestion = suggestFreeName(long, () => false);
    expect(suggestion).toBe(`${'x'.repeat(22)}-2`);
    expect(characterCount(suggestion)).toBe(24);
  });

  it('makes guest names from random hex and retries when taken', () => {
    const draws = ['7f3a', '7f3a', 'beef'];
    const taken = new Set(['guest-7f3a']);
    expect(suggestGuestName(() => draws.shift() ?? '0000', (name) => taken.has(name))).toBe('guest-beef');
  });
});

describe('colours', () => {
  it('gives the same name the same colour whatever its case', () => {
    expect(colourForName('Alice')).toBe(colourForName('ALICE'));
    const used = new Set(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'Alice', 'Bob', 'Carol'].map(colourForName));
    expect(used.size).toBeGreaterThan(4);
  });

  // The page's backgrounds (src/app/app.css): --bg, --surface, --surface-2 in each theme.
  const LIGHT = ['#ffffff', '#f7f8fa', '#e9ecf1'];
  const DARK = ['#0f1216', '#171b21', '#242a33'];

  it.each(NAME_COLOURS)('%s is readable (4.5:1) in the light theme as sent, and in the dark as the page lightens it', (colour) => {
    for (const background of LIGHT) expect(contrast(colour, background)).toBeGreaterThanOrEqual(4.5);
    const { light, dark } = nameColours(colour);
    expect(light).toBe(colour);
    for (const background of DARK) expect(contrast(dark, background)).toBeGreaterThanOrEqual(4.5);
  });
});
