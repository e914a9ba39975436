/**
 * The lesson's table (src/app/lesson/browsers-compared.json) and docs/browsers-compared.md come
 * from the same e2e run (`npm run browsers-compared` writes both): they must agree, and each
 * row's words must be what the recorded facts say. Fails when one file is edited or regenerated
 * without the other.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import data from '../../src/app/lesson/browsers-compared.json';
import type { ComparedData } from '../../src/app/lesson/browsers-compared';
import { browserFromUserAgent } from '../../src/app/playground/browser-name';
import { VIOLATIONS } from '../../src/app/playground/demos';
import { FAULTS } from '../../src/protocol';
import { browsersTable, describeReaction, HAND_WRITTEN } from './browsers-table';

const compared = data as ComparedData;
const md = readFileSync(new URL('../../docs/browsers-compared.md', import.meta.url), 'utf8');

describe('browsers-compared.json and docs/browsers-compared.md', () => {
  it('the page is the table written from the JSON, then the hand-written part', () => {
    const generated = browsersTable(compared.records, compared.when);
    expect(md.slice(0, generated.length)).toBe(generated);
    expect(md.slice(generated.length).trimStart().startsWith(HAND_WRITTEN)).toBe(true);
  });

  it('holds a run of Chromium and one of Firefox, each with every broken frame of the playground', () => {
    expect(compared.records.map((r) => browserFromUserAgent(r.userAgent).name)).toEqual(['Chromium', 'Firefox']);
    for (const record of compared.records) {
      expect(record.browser).toBe(browserFromUserAgent(record.userAgent).label);
      expect(VIOLATIONS.map((v) => record.demos.find((d) => d.id === v.kind)?.reaction !== undefined)).toEqual(VIOLATIONS.map(() => true));
    }
  });

  it("each broken frame's words are what its recorded facts say", () => {
    for (const record of compared.records) {
      for (const v of VIOLATIONS) {
        const demo = record.demos.find((d) => d.id === v.kind)!;
        const words = describeReaction(demo.reaction!);
        expect(demo.did, `${record.browser}, ${v.kind}`).toBe(words.did);
        const wrongCode = typeof demo.reaction!.sentClose === 'number' && demo.reaction!.sentClose !== FAULTS[v.rule].closeCode;
        expect(demo.departs, `${record.browser}, ${v.kind}`).toBe(words.departs || wrongCode);
      }
    }
  });
});
