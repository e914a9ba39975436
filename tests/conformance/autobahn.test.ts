/**
 * Our own server through the grader (conformance/): every case, Autobahn|Testsuite's 1-7, 9, 10
 * and ours (x.0 opening handshake, x.1 TCP reads, x.6 long UTF-8), judged STRICT: each case must
 * come out OK (not NON-STRICT), except the ones Autobahn itself scores INFORMATIONAL (7.1.6,
 * 7.13.x). OK includes the closing handshake: the right close code, clean, and the server closing
 * TCP first; 9.x also compares every echoed byte.
 *
 * The report is written to test-results/conformance/ (autobahn.json and autobahn.html), the
 * same files `npm run conformance -- --json --report` makes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASES } from '../../conformance/index.ts';
import { renderHtmlReport } from '../../conformance/report-html.ts';
import { createFramescopeServer, type FramescopeServer } from '../../server/index';
import type { ConformanceReport } from '../../src/wire/conformance.ts';
import { groupOf } from '../../src/wire/conformance.ts';
import { grade } from './helpers';

const INFORMATIONAL = new Set(['7.1.6', '7.13.1', '7.13.2']);

let server: FramescopeServer;
let report: ConformanceReport;
let stopped: string | null;

beforeAll(async () => {
  server = createFramescopeServer({ quiet: true });
  const { port } = await server.listen(0, '127.0.0.1');
  ({ report, stopped } = await grade(`ws://127.0.0.1:${port}/echo`));
  const dir = path.resolve('test-results/conformance');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'autobahn.json'), JSON.stringify(report));
  writeFileSync(path.join(dir, 'autobahn.html'), renderHtmlReport(report));
  console.log(`conformance of our /echo: ${report.cases.length} cases in ${report.durationMs} ms, ${JSON.stringify(report.summary)}`);
}, 180_000);

afterAll(async () => {
  await server?.close({ timeout: 500 });
});

it('plays every case, to the end, with no case FAILED or NON-STRICT', () => {
  expect(stopped).toBeNull();
  expect(report.cases.map((c) => c.id)).toEqual(CASES.map((c) => c.id));
  expect(report.cases.length).toBeGreaterThanOrEqual(300);
  expect(report.summary).toEqual({ OK: CASES.length - INFORMATIONAL.size, 'NON-STRICT': 0, INFORMATIONAL: INFORMATIONAL.size, UNIMPLEMENTED: 0, FAILED: 0, 'NOT PLAYED': 0 });
});

const groups = new Map<string, string[]>();
for (const def of CASES) {
  const key = groupOf(def.id)?.prefix ?? def.id;
  groups.set(key, [...(groups.get(key) ?? []), def.id]);
}

for (const [group, caseIds] of groups) {
  describe(`section ${group}`, () => {
    it.each(caseIds)('%s', (id) => {
      const c = report.cases.find((x) => x.id === id)!;
      const why = `${c.id} ${c.behavior}/${c.behaviorClose}: ${c.result}\n${JSON.stringify(c.wire, null, 1).slice(0, 4000)}`;
      expect(c.behavior, why).toBe(INFORMATIONAL.has(id) ? 'INFORMATIONAL' : 'OK');
      if (!INFORMATIONAL.has(id) && !id.startsWith('x.0.')) expect(c.behaviorClose, why).toBe('OK');
    });
  });
}
