/**
 * The HTML report (`--report FILE.html`) is one self-contained file: no script, nothing loaded
 * from anywhere, and every string that came from the server escaped, however hostile.
 * tests/e2e/conformance-report.test.ts opens one in Chromium with the network cut.
 */
import { describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../conformance/report-html.ts';
import { formatTable } from '../../conformance/terminal.ts';
import { summarize } from '../../src/wire/conformance.ts';
import { hostileReport } from './hostile-report';

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

describe('a case never played', () => {
  const played = hostileReport();
  const never = { ...played.cases[0]!, id: '9.3.4', description: 'Send fragmented text message…', behavior: 'NOT PLAYED' as const, behaviorClose: 'NOT PLAYED' as const, result: 'Not played: the server sent nothing.', durationMs: 0, wire: [] };
  const report = { ...played, cases: [...played.cases, never], summary: summarize([...played.cases, never]) };

  it('is its own verdict, counted apart from FAILED', () => {
    expect(report.summary).toMatchObject({ FAILED: 2, 'NOT PLAYED': 1 });
  });

  it('is shown as NOT PLAYED in the HTML report, in its own style, and is not listed under "What failed"', () => {
    const html = renderHtmlReport(report);
    expect(html).toContain('<a class="notplayed" href="#case-9.3.4"');
    expect(html).toMatch(/<li class="notplayed" title="not played[^"]*">NOT PLAYED 1<\/li>/);
    const failedList = html.slice(html.indexOf('<h2>What failed</h2>'), html.indexOf('</ul>', html.indexOf('<h2>What failed</h2>')));
    expect(failedList).not.toContain('9.3.4');
  });

  it('is shown as NOT PLAYED in the terminal table, with why, and in the summary line only when there is one', () => {
    const table = formatTable(report, { color: false, width: 100 });
    expect(table).toMatch(/\n {2}9\.3\.4 +NOT PLAYED +0 ms {2}Send fragmented text message…\n {12}Not played: the server sent nothing\.\n/);
    expect(table).toMatch(/summary: OK 0, NON-STRICT 0, INFORMATIONAL 0, UNIMPLEMENTED 0, FAILED 2, NOT PLAYED 1\n$/);
    expect(formatTable(played, { color: false, width: 100 })).toMatch(/FAILED 2\n$/);
    expect(formatTable(report, { color: true, width: 100 })).toContain('\x1b[35mNOT PLAYED   \x1b[0m');
  });
});
