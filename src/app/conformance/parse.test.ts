import { describe, expect, it } from 'vitest';
import { report } from './fixtures';
import { parseReport } from './parse';

describe('parseReport', () => {
  it('reads a report as the grader writes it, faults and marks included', () => {
    const r = report();
    const parsed = parseReport(JSON.stringify(r));
    expect(parsed).toEqual({ ok: true, skipped: 0, report: r });
  });

  it('says when the file is not JSON, and when it is the HTML report instead', () => {
    expect(parseReport('{"target":')).toMatchObject({ ok: false, error: expect.stringMatching(/^This file is not JSON \(/) });
    expect(parseReport('<!doctype html><html>')).toMatchObject({ ok: false, error: expect.stringMatching(/It looks like HTML: open the JSON report/) });
  });

  it('says what is missing, and where', () => {
    expect(parseReport('[1, 2]')).toEqual({ ok: false, error: 'This JSON is not a conformance report: The file should be a JSON object with target, startedAt, durationMs, cases and summary, not [1,2].' });
    expect(parseReport('{"target":"ws://x/"}')).toEqual({ ok: false, error: 'This JSON is not a conformance report: cases should be an array, not missing.' });
    const bad = { ...report(), cases: [{ ...report().cases[0], behavior: 'GREAT' }] };
    expect(parseReport(JSON.stringify(bad))).toEqual({
      ok: false,
      error: 'This JSON is not a conformance report: cases[0].behavior should be one of OK, NON-STRICT, INFORMATIONAL, UNIMPLEMENTED, FAILED, NOT PLAYED, not "GREAT".',
    });
  });

  it('leaves out wire entries it cannot show, counts them, and drops a fault that is not one', () => {
    const r = report();
    const wire = [...r.cases[1]!.wire, { kind: 'frame', t: 1, direction: 'sideways' }, { kind: 'frame', t: 2, direction: 'server-to-client', offset: 0, size: 2, bytes: 'zz', opcode: 1, fin: true, payloadLength: 0 }, 'junk'];
    const odd = { ...r.cases[2]!.wire[0], fault: { kind: 'fault', rule: 'made-up' } };
    const input = { ...r, cases: [r.cases[0], { ...r.cases[1], wire }, { ...r.cases[2], wire: [odd] }] };
    const parsed = parseReport(JSON.stringify(input));
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.skipped).toBe(3);
    expect(parsed.report.cases[1]!.wire).toEqual(r.cases[1]!.wire);
    expect(parsed.report.cases[2]!.wire[0]).toMatchObject({ kind: 'frame', fault: null });
  });

  it('counts the summary from the cases, whatever the file says', () => {
    const r = { ...report(), summary: { OK: 99, 'NON-STRICT': 0, INFORMATIONAL: 0, UNIMPLEMENTED: 0, FAILED: 0 } };
    const parsed = parseReport(JSON.stringify(r));
    expect(parsed.ok && parsed.report.summary).toEqual({ OK: 1, 'NON-STRICT': 0, INFORMATIONAL: 0, UNIMPLEMENTED: 0, FAILED: 2, 'NOT PLAYED': 0 });
  });

  it('reads a case never played as NOT PLAYED, also from a report written when such cases were called FAILED', () => {
    const r = report();
    const never = { ...r.cases[0]!, id: '9.3.4', behavior: 'FAILED', behaviorClose: 'FAILED', result: 'Not played: the server sent nothing.', durationMs: 0, wire: [] };
    const now = { ...never, id: '9.3.5', behavior: 'NOT PLAYED', behaviorClose: 'NOT PLAYED' };
    const parsed = parseReport(JSON.stringify({ ...r, cases: [...r.cases, never, now] }));
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.report.cases.slice(-2).map((c) => [c.behavior, c.behaviorClose])).toEqual([['NOT PLAYED', 'NOT PLAYED'], ['NOT PLAYED', 'NOT PLAYED']]);
    expect(parsed.report.summary).toMatchObject({ FAILED: 2, 'NOT PLAYED': 2 });
  });
});
