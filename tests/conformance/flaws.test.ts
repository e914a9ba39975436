/**
 * The grader against servers written as students write them (conformance/fixtures/: Python with
 * its standard library only, and PHP's socket_select loop), each started with exactly one of the
 * classic bugs from issue 14. Each flaw makes exactly the cases it should FAIL, and no other: the
 * same cases against the same server without a flaw all pass. The case lists are chosen so that
 * every verdict is decided by the bug, not by how TCP happened to cut the bytes (the x.1 cases
 * pause between pieces; Autobahn's un-paused chops are left out where a read might merge them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWith, explain, grade, ids, startFixture, type Fixture } from './helpers';

interface Flaw {
  flaw: string;
  /** The cases played. */
  cases: string;
  failed: string[];
  /** NON-STRICT cases (the rest are OK). */
  lenient?: string[];
}

const PING_AS_TEXT: Flaw = {
  flaw: 'ping-as-text',
  cases: '1.1.1,2.*,5.6,5.7,5.8,5.19,5.20',
  failed: ['2.1', '2.2', '2.3', '2.4', '2.6', '2.9', '2.10', '2.11', '5.6', '5.7', '5.8', '5.19', '5.20'],
};
const CLOSE_AS_TEXT: Flaw = {
  flaw: 'close-as-text',
  cases: '1.1.1,1.1.2,2.1,2.5,3.1,4.1.1,5.1,7.1.1,7.3.1,7.3.3,7.9.1',
  // The cases where the server fails the connection itself never send it a close to echo.
  failed: ['1.1.1', '1.1.2', '2.1', '7.1.1', '7.3.1', '7.3.3', '7.9.1'],
};
const NO_CLOSE_HANDSHAKE: Flaw = {
  flaw: 'no-close-handshake',
  cases: '1.1.1,2.5,3.1,7.1.1,7.3.1,7.3.2,7.9.1,x.1.6',
  failed: ['1.1.1', '7.1.1', '7.3.1', 'x.1.6'],
  // Failing the connection by dropping TCP: allowed, but "SHOULD send a Close frame" (RFC 6455 §7.1.7).
  lenient: ['2.5', '3.1'],
};

const PYTHON: Flaw[] = [
  {
    flaw: 'recv-is-frame',
    cases: 'x.0.1,x.0.5,1.1.1,1.1.2,1.1.6,2.1,x.1.*',
    failed: ['x.0.5', '1.1.6', 'x.1.1', 'x.1.2', 'x.1.3', 'x.1.4', 'x.1.5', 'x.1.6'],
  },
  CLOSE_AS_TEXT,
  {
    flaw: 'broken-64bit-length',
    cases: '1.1.*,1.2.*,10.1.1,x.1.3,x.1.4',
    failed: ['1.1.7', '1.1.8', '1.2.7', '1.2.8', '10.1.1', 'x.1.4'],
  },
  {
    flaw: 'non-minimal-length',
    cases: '1.1.*,1.2.*,2.*',
    failed: ['1.1.2', '1.1.6', '1.2.2', '1.2.6', '2.4', '2.6'],
  },
  PING_AS_TEXT,
  NO_CLOSE_HANDSHAKE,
  {
    flaw: 'short-read-drop',
    cases: '1.1.1,6.4.3,6.4.4,x.1.*',
    failed: ['x.1.1', 'x.1.2', 'x.1.3'],
    // The 1 s pauses of 6.4.3/6.4.4 leave a 4-byte and a 1-byte read: dropped without a close frame.
    lenient: ['6.4.3', '6.4.4'],
  },
];

const PHP: Flaw[] = [PING_AS_TEXT, CLOSE_AS_TEXT, NO_CLOSE_HANDSHAKE];

function flawSuite(program: string, file: string, flaws: Flaw[]): void {
  describeWith(program, `the grader against ${file}`, () => {
    const fixtures: Fixture[] = [];
    afterAll(() => fixtures.forEach((f) => f.stop()));

    it.concurrent.each(flaws)('$flaw: exactly the right cases fail', { timeout: 60_000 }, async ({ flaw, cases, failed, lenient = [] }) => {
      const fixture = await startFixture(program, file, flaw);
      fixtures.push(fixture);
      const { report, stopped } = await grade(fixture.url, cases);
      fixture.stop();
      expect(stopped).toBeNull();
      expect(ids(report, 'FAILED'), explain(report)).toEqual(failed);
      expect(ids(report, 'NON-STRICT'), explain(report)).toEqual(lenient);
      expect(report.summary.OK + report.summary.INFORMATIONAL).toBe(report.cases.length - failed.length - lenient.length);
    });

    // The control: every case above, against the same server without its flaw.
    describe('without a flaw', () => {
      let fixture: Fixture;
      beforeAll(async () => {
        fixture = await startFixture(program, file, 'none');
      });
      afterAll(() => fixture?.stop());
      it('passes every one of those cases', { timeout: 60_000 }, async () => {
        const all = [...new Set(flaws.flatMap((f) => f.cases.split(',')))].join(',');
        const { report } = await grade(fixture.url, all);
        expect(report.summary.FAILED + report.summary['NON-STRICT'], explain(report)).toBe(0);
      });
    });
  });
}

flawSuite('python3', 'flawed_server.py', PYTHON);
flawSuite('php', 'flawed-server.php', PHP);
