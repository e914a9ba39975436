/**
 * An independent RFC 6455 conformance run against `/echo`: Autobahn|Testsuite's fuzzingclient
 * cases 1-7, 9 and 10 (tests/conformance/cases.ts), played by a client that shares no code with
 * src/protocol (tests/conformance/fuzzer.ts), judged STRICT: every case must come out `OK` (not
 * `NON-STRICT`) for its events and `OK` for its close (the right endpoint started the closing
 * handshake, clean where required, the expected close code, the server closed TCP), except the
 * cases Autobahn itself scores INFORMATIONAL (7.1.6, 7.13.x). 9.x also checks every echoed byte.
 *
 * The report (one line per case, and the wire log of any failure) is written to
 * test-results/conformance/autobahn.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFramescopeServer, type FramescopeServer } from '../../server/index';
import { CASES } from './cases';
import { FAILED, INFORMATIONAL, OK, runCase, summary, type CaseResult } from './fuzzer';

let server: FramescopeServer;
let port = 0;
const results: CaseResult[] = [];

beforeAll(async () => {
  server = createFramescopeServer({ quiet: true });
  ({ port } = await server.listen(0, '127.0.0.1'));
});

afterAll(async () => {
  await server.close({ timeout: 500 });
  const counts: Record<string, number> = {};
  for (const r of results) counts[`${r.behavior}/${r.behaviorClose}`] = (counts[`${r.behavior}/${r.behaviorClose}`] ?? 0) + 1;
  const dir = path.resolve('test-results/conformance');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'autobahn.json'),
    JSON.stringify({ counts, cases: results.map((r) => ({ ...r, log: r.behavior === OK || r.behavior === INFORMATIONAL ? undefined : r.log })) }, null, 1),
  );
  console.log(`autobahn-like conformance: ${results.length} cases, ${JSON.stringify(counts)}`);
  for (const r of results) if (!passed(r)) console.log(summary(r));
});

function passed(r: CaseResult): boolean {
  const strict = (b: string): boolean => b === OK || b === INFORMATIONAL;
  return strict(r.behavior) && strict(r.behaviorClose) && r.violation === null && r.contentOk !== false;
}

function explain(r: CaseResult): string {
  return [
    summary(r),
    `  behavior ${r.behavior}: ${r.result}`,
    `  close ${r.behaviorClose}: ${r.resultClose}`,
    `  expected ${JSON.stringify(r.expected)}`,
    `  received ${JSON.stringify(r.received)}`,
    `  closedByMe=${r.closedByMe} droppedByMe=${r.droppedByMe} wasClean=${r.wasClean} code=${r.remoteCloseCode} reason=${JSON.stringify(r.remoteCloseReason)} violation=${r.violation}`,
    ...r.notes.map((n) => `  note: ${n}`),
    ...r.log.map((l) => `  | ${l}`),
  ].join('\n');
}

const sections = new Map<string, typeof CASES[number][]>();
for (const def of CASES) {
  const section = def.id.split('.')[0]!;
  sections.set(section, [...(sections.get(section) ?? []), def]);
}

const NAMES: Record<string, string> = {
  '1': 'Framing',
  '2': 'Pings/Pongs',
  '3': 'Reserved Bits',
  '4': 'Opcodes',
  '5': 'Fragmentation',
  '6': 'UTF-8 Handling',
  '7': 'Close Handling',
  '9': 'Limits/Performance',
  '10': 'Misc',
  x: 'Beyond Autobahn: UTF-8 in long payloads',
};

for (const [section, defs] of sections) {
  describe(`${section} ${NAMES[section]}`, () => {
    for (const def of defs) {
      it(`${def.id} ${def.description.length > 90 ? `${def.description.slice(0, 90)}…` : def.description}`, { timeout: (def.budget ?? 8000) + 5000 }, async () => {
        const r = await runCase(def, { port });
        results.push(r);
        expect(passed(r), explain(r)).toBe(true);
        // Who closed what: the server closes TCP (RFC 6455 §7.1.1), the client never has to drop it.
        expect(r.droppedByMe, explain(r)).toBe(false);
        expect(r.serverClosedTcp, explain(r)).toBe(true);
        if (r.behavior !== INFORMATIONAL) expect(r.behavior).not.toBe(FAILED);
      });
    }
  });
}
