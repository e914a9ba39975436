/**
 * The HTML report (`--report FILE.html`) is one self-contained file: no script, nothing loaded
 * from anywhere, and every string that came from the server escaped, however hostile.
 * tests/e2e/conformance-report.test.ts opens one in Chromium with the network cut.
 */
import { describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../conformance/report-html.ts';
import { fault } from '../../src/protocol/index.ts';
import type { ConformanceReport } from '../../src/wire/conformance.ts';

const HOSTILE = '"><img src=x onerror="globalThis.pwned=1"><script>globalThis.pwned=2</script><a href="https://evil.example/">';

/** A report as a malicious or broken server could shape it: its strings in every field it controls. */
export function hostileReport(): ConformanceReport {
  const head = `HTTP/1.1 400 ${HOSTILE}\r\nX-Evil: </pre><script>globalThis.pwned=3</script>\r\n\r\n`;
  return {
    target: `ws://127.0.0.1:9/${encodeURIComponent('<b>')}`,
    startedAt: '2026-12-01T10:00:00.000Z',
    durationMs: 1234,
    summary: { OK: 0, 'NON-STRICT': 0, INFORMATIONAL: 0, UNIMPLEMENTED: 0, FAILED: 2 },
    cases: [
      {
        id: 'x.0.1',
        description: 'A valid opening handshake',
        expectation: '101',
        behavior: 'FAILED',
        behaviorClose: 'OK',
        result: `The server answered ${HOSTILE}`,
        durationMs: 3,
        wire: [
          { kind: 'http', t: 0, direction: 'client-to-server', head: 'GET / HTTP/1.1\r\n\r\n', mark: null },
          { kind: 'http', t: 1, direction: 'server-to-client', head, mark: { offset: 9, length: 3, text: HOSTILE } },
          { kind: 'event', t: 2, text: `TCP error: ${HOSTILE}` },
        ],
      },
      {
        id: '1.1.2',
        description: `Echo ${HOSTILE}`,
        expectation: 'the same bytes',
        behavior: 'FAILED',
        behaviorClose: 'OK',
        result: `Received: a text message "${HOSTILE}"`,
        durationMs: 5,
        wire: [
          {
            kind: 'frame', t: 3, direction: 'server-to-client', offset: 0, size: 7, bytes: '8105' + Buffer.from('<scri').toString('hex'),
            truncated: false, opcode: 1, fin: true, payloadLength: 5, fault: null, mark: { offset: 4, length: 1, text: HOSTILE }, note: HOSTILE,
          },
          {
            kind: 'frame', t: 4, direction: 'server-to-client', offset: 7, size: 2, bytes: '81fd', truncated: true, opcode: 1, fin: true, payloadLength: 0,
            fault: fault('mask-forbidden', { offset: 8, frameOffset: 7 }, {}), mark: null, note: null,
          },
        ],
      },
    ],
  };
}

describe('the HTML report', () => {
  const html = renderHtmlReport(hostileReport());

  it('escapes everything that came from the server', () => {
    expect(html).not.toMatch(/<script|<img|<a href="http|<b>/i);
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=&quot;globalThis.pwned=1&quot;&gt;&lt;script&gt;');
    expect(html).toContain('X-Evil: &lt;/pre&gt;&lt;script&gt;');
    // Inside a title attribute too.
    expect(html).toContain('title="&quot;&gt;&lt;img');
  });

  it('loads nothing: no script, no stylesheet or image link, no URL out of the file', () => {
    expect(html).not.toMatch(/<(script|link|img|iframe|object|embed)\b/i);
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?(https?:|\/\/)/i);
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
    expect(hrefs.length).toBeGreaterThan(0);
    for (const href of hrefs) expect(href).toMatch(/^#/);
  });

  it('marks the first wrong byte and the fault in the hex rows', () => {
    expect(html).toMatch(/<mark title="[^"]*">63<\/mark>/); // payload byte 2 of "<scri" is 'c' (0x63), at stream offset 4
    expect(html).toMatch(/<mark title="The frame is masked[^"]*">fd<\/mark>/);
    expect(html).toContain('The server broke a rule:</strong> The frame is masked (MASK=1)');
  });

  it('says what failed first, with links to the cases', () => {
    expect(html).toContain('<h2>What failed</h2>');
    expect(html).toContain('<a href="#case-x.0.1">x.0.1</a>');
    expect(html).toContain('<details class="case" id="case-1.1.2" open>');
  });
});
