/**
 * The grader against the classic tutorial servers students copy (conformance/fixtures/
 * tutorial-server.php, the socket_select chat turned echo; tutorial_server.py, a thread per
 * client and recv(1024)), bugs and all. Nothing here is a deliberate single flaw: these servers
 * break many rules at once, hang a connection when a thread dies, and cut every message at 1024
 * bytes. What must hold: the run ends by itself with every case reported, each case's verdict
 * says what the server did (the right rule, the right byte), and the report stays readable (a
 * flood of echoes is told by its count, not one by one).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CaseReport, ConformanceReport } from '../../src/wire/conformance.ts';
import { describeWith, explain, grade, startFixture, type Fixture } from './helpers';

/** One case of each group, and those where the tutorial's bugs show. */
const CASES = 'x.0.1,x.0.3,x.0.6,1.1.1,1.1.6,2.2,3.1,4.1.1,5.1,6.3.1,7.1.1,9.1.1,x.1.1';

function byId(report: ConformanceReport): Map<string, CaseReport> {
  return new Map(report.cases.map((c) => [c.id, c]));
}

function tutorialSuite(program: string, file: string, check: (cases: Map<string, CaseReport>, report: ConformanceReport) => void): void {
  describeWith(program, `the grader against the classic tutorial server ${file}`, () => {
    let fixture: Fixture;
    beforeAll(async () => {
      fixture = await startFixture(program, file, null);
    });
    afterAll(() => fixture?.stop());

    it('ends by itself with every case reported, each verdict saying what the server did', { timeout: 90_000 }, async () => {
      const { report, stopped } = await grade(fixture.url, CASES);
      expect(stopped, explain(report)).toBeNull();
      expect(report.cases.map((c) => c.id).sort()).toEqual(CASES.split(',').sort());
      for (const c of report.cases) {
        // A readable report: no case's sentence runs on for pages.
        expect(c.result.length, `${c.id}: ${c.result.slice(0, 200)}…`).toBeLessThan(1500);
      }
      check(byId(report), report);
    });
  });
}

tutorialSuite('python3', 'tutorial_server.py', (cases) => {
  // Only "Sec-WebSocket-Key:" as the tutorial spells it is read: in lower case the key is missed.
  expect(cases.get('x.0.1')!.behavior).toBe('OK');
  expect(cases.get('x.0.3')).toMatchObject({ behavior: 'FAILED', result: expect.stringMatching(/Sec-WebSocket-Accept is '.*', but the key '.*' gives/) });
  expect(cases.get('x.0.6')).toMatchObject({ behavior: 'FAILED', result: expect.stringMatching(/accepted a request for version 12 with 101/) });
  // The echo comes back, but the close is never answered.
  expect(cases.get('1.1.1')).toMatchObject({ behavior: 'FAILED', behaviorClose: 'UNCLEAN', result: expect.stringMatching(/^Received: a text message of 0 bytes\. The grader closed the connection; the server never sent a close frame back/) });
  // recv(1024) taken as one frame: the first piece back, then the rest read as frames, told by count.
  expect(cases.get('1.1.6')).toMatchObject({ behavior: 'FAILED', result: expect.stringMatching(/Received: \d+ in all: a text message of \d+ bytes "\*+"…, then .* more, then /) });
  expect(cases.get('9.1.1')).toMatchObject({ behavior: 'FAILED', result: expect.stringMatching(/^Expected message with payload of length 65536, but got \d+\. After it the server sent \d+ more messages/) });
  // A ping answered with text.
  expect(cases.get('2.2')).toMatchObject({ behavior: 'FAILED', result: expect.stringMatching(/^Expected: a pong of 13 bytes "Hello, world!"\. Received: a text message of 13 bytes "Hello, world!"/) });
  // No RSV or opcode check: the frame is echoed where the connection had to fail.
  expect(cases.get('3.1')).toMatchObject({ behavior: 'FAILED', result: expect.stringMatching(/^Expected: nothing\. Received: a text message of 13 bytes "Hello, world!"/) });
  // Invalid UTF-8 kills the client's thread: the socket closes without a close frame.
  expect(cases.get('6.3.1')).toMatchObject({ behavior: 'NON-STRICT', result: expect.stringMatching(/The server closed TCP without a close frame/) });
  // A frame whose header came alone: the server reads garbage and answers nothing that makes sense.
  expect(cases.get('x.1.1')!.behavior).toBe('FAILED');
});

tutorialSuite('php', 'tutorial-server.php', (cases, report) => {
  expect(cases.get('x.0.1')!.behavior).toBe('OK');
  expect(cases.get('x.0.3')).toMatchObject({ behavior: 'FAILED', result: expect.stringMatching(/^HTTP\/1\.1 101 Web Socket Protocol Handshake: Sec-WebSocket-Accept is/) });
  // The grader's close (03 e8 = 1000) unmasked and echoed as a text frame: invalid UTF-8, pinned.
  const closeAsText = cases.get('1.1.1')!;
  expect(closeAsText).toMatchObject({ behavior: 'FAILED', result: expect.stringMatching(/^The server broke a rule in what it sent: The text message ends in the middle of a UTF-8 sequence/) });
  const pinned = closeAsText.wire.find((e) => e.kind === 'frame' && e.direction === 'server-to-client' && e.fault !== null);
  expect(pinned).toMatchObject({ kind: 'frame', bytes: expect.stringMatching(/^810203e8/), fault: { rule: 'invalid-utf8', closeCode: 1007 } });
  // A ping comes back as text (its payload, unmasked).
  expect(cases.get('2.2')).toMatchObject({ behavior: 'FAILED', result: expect.stringMatching(/Received: a text message of 13 bytes "Hello, world!"/) });
  expect(cases.get('1.1.6')!.behavior).toBe('FAILED');
  expect(cases.get('9.1.1')!.behavior).toBe('FAILED');
  expect(report.summary.FAILED).toBeGreaterThanOrEqual(8);
});
