import { describe, expect, it } from 'vitest';
import { SECTIONS } from '../../wire/conformance';
import { SECTION_TEXT, sectionChecks, sectionName } from './sections';

describe('the groups of cases in the reader\'s language', () => {
  const groups = SECTIONS.filter((s) => s.group);

  it('has every group; its English is the grader\'s word for word', () => {
    expect(Object.keys(SECTION_TEXT).sort()).toEqual(groups.map((s) => s.prefix).sort());
    for (const s of groups) {
      expect(SECTION_TEXT[s.prefix]!.name({}, { locale: 'en' })).toBe(s.name);
      expect(SECTION_TEXT[s.prefix]!.checks({}, { locale: 'en' })).toBe(s.checks);
    }
  });

  it('says them in Chinese', () => {
    const framing = groups.find((s) => s.prefix === '1')!;
    expect(SECTION_TEXT['1']!.name({}, { locale: 'zh-CN' })).toBe('帧格式');
    expect(SECTION_TEXT['9']!.checks({}, { locale: 'zh-CN' })).toMatch(/^最大 16 MiB 的消息/);
    expect(sectionName(framing)).toBe('Framing');
    expect(sectionChecks({ ...framing, prefix: '99' })).toBe(framing.checks);
  });
});
