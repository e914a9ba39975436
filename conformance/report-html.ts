/**
 * `--report FILE.html`: one self-contained HTML file (no script, no font, no link out of the file),
 * like Autobahn|Testsuite's reports but written for a student: what failed first, then each section
 * with what its cases check, and each case with its expectation, what the server did, the verdict,
 * the RFC 6455 sections that decide it, and its wire log with the first wrong byte marked.
 */
import type { Behavior, CaseReport, ConformanceReport } from '../src/wire/conformance.ts';
import { BEHAVIORS, groupOf, rfcOf, SECTIONS } from '../src/wire/conformance.ts';
import { escapeHtml, renderWire } from './html-wire.ts';

const CLASS: Record<Behavior, string> = { OK: 'ok', 'NON-STRICT': 'lenient', INFORMATIONAL: 'info', UNIMPLEMENTED: 'unimpl', FAILED: 'failed', 'NOT PLAYED': 'notplayed' };

const MEANING: Record<Behavior, string> = {
  OK: 'what the RFC asks, exactly',
  'NON-STRICT': 'allowed, but not what a strict server does (a SHOULD, or a lenient order)',
  INFORMATIONAL: 'not graded: shown to compare servers',
  UNIMPLEMENTED: 'not graded: the server refused a message over its size limit with 1009',
  FAILED: 'breaks a MUST of RFC 6455: fix these first',
  'NOT PLAYED': 'not played: the grader never ran this case (its result says why); says nothing about the server',
};

const CSS = `
:root { color-scheme: light dark; --fg: #1b1f24; --bg: #fff; --muted: #57606a; --border: #d0d7de; --surface: #f6f8fa;
  --ok: #1a7f37; --lenient: #9a6700; --info: #0969da; --unimpl: #6e7781; --notplayed: #6e7781; --failed: #cf222e; --mark: #ffd8d3; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1; --border: #30363d; --surface: #161b22;
  --ok: #3fb950; --lenient: #d29922; --info: #58a6ff; --unimpl: #9198a1; --notplayed: #9198a1; --failed: #ff7b72; --mark: #5c1c1c; } }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 72rem; padding: 1rem 1.5rem 4rem; font: 16px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); overflow-wrap: anywhere; }
h1 { font-size: 1.6rem; margin: 0.5rem 0; } h2 { margin-top: 2.5rem; border-bottom: 1px solid var(--border); }
code, pre, .id { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.summary { display: flex; flex-wrap: wrap; gap: 0.5rem; padding: 0; list-style: none; }
.summary li { padding: 0.4rem 0.8rem; border: 2px solid currentColor; border-radius: 6px; font-weight: 600; }
.ok { color: var(--ok); } .lenient { color: var(--lenient); } .info { color: var(--info); } .unimpl { color: var(--unimpl); } .failed { color: var(--failed); } .notplayed { color: var(--notplayed); font-style: italic; }
.grid { display: flex; flex-wrap: wrap; gap: 3px; margin: 0.5rem 0 1rem; }
.grid a { min-width: 4.2rem; padding: 0.1rem 0.3rem; border-radius: 4px; color: #fff; font-size: 0.8rem; text-align: center; text-decoration: none; }
.grid a.ok { background: var(--ok); } .grid a.lenient { background: var(--lenient); } .grid a.info { background: var(--info); }
.grid a.unimpl { background: var(--unimpl); } .grid a.failed { background: var(--failed); } .grid a.notplayed { background: transparent; color: var(--notplayed); border: 2px dashed var(--notplayed); }
.summary li.notplayed { border-style: dashed; }
details.case { margin: 0.4rem 0; border: 1px solid var(--border); border-radius: 6px; background: var(--surface); }
details.case > summary { cursor: pointer; padding: 0.4rem 0.7rem; }
details.case > div { padding: 0 0.9rem 0.8rem; }
.verdict { font-weight: 700; } dl { display: grid; grid-template-columns: 11rem 1fr; gap: 0.3rem 1rem; }
dt { font-weight: 600; color: var(--muted); } dd { margin: 0; overflow-wrap: anywhere; }
ol.wire { list-style: none; padding: 0; margin: 0; } ol.wire > li { padding: 0.35rem 0; border-top: 1px dashed var(--border); }
.t { color: var(--muted); font-size: 0.85rem; display: inline-block; min-width: 5.5rem; } .dir { font-weight: 600; font-size: 0.85rem; }
.head { display: inline; margin-left: 0.5rem; } .note { color: var(--muted); }
pre { margin: 0.3rem 0 0; padding: 0.4rem 0.6rem; overflow-x: auto; background: var(--bg); border: 1px solid var(--border); border-radius: 4px; font-size: 0.85rem; }
.off { color: var(--muted); } mark { background: var(--mark); color: inherit; outline: 2px solid var(--failed); border-radius: 2px; }
.fault { margin: 0.3rem 0; color: var(--failed); } li.wrong { background: color-mix(in srgb, var(--mark) 35%, transparent); }
/* A phone: the labels above their values. */
@media (max-width: 40rem) { body { padding: 0.75rem 0.75rem 3rem; } dl { grid-template-columns: 1fr; } }
`;

function verdictBadge(b: Behavior): string {
  return `<span class="verdict ${CLASS[b]}">${b}</span>`;
}

function renderCase(c: CaseReport): string {
  const rfc = rfcOf(c.id).map((s) => `RFC 6455 §${s}`).join(', ');
  const open = c.behavior === 'FAILED' || c.behavior === 'NON-STRICT' ? ' open' : '';
  const close = c.behaviorClose !== c.behavior ? ` (close: ${escapeHtml(c.behaviorClose)})` : '';
  return `<details class="case" id="case-${escapeHtml(c.id)}"${open}>
<summary><span class="id">${escapeHtml(c.id)}</span> ${verdictBadge(c.behavior)} ${escapeHtml(c.description)}</summary>
<div><dl>
<dt>Expectation</dt><dd>${escapeHtml(c.expectation)}</dd>
<dt>What the server did</dt><dd>${escapeHtml(c.result)}</dd>
<dt>Verdict</dt><dd>${verdictBadge(c.behavior)}${close}: ${MEANING[c.behavior]}</dd>
<dt>Decided by</dt><dd>${rfc || '—'}</dd>
<dt>Time</dt><dd>${c.durationMs} ms</dd>
</dl>
<h4>Wire log</h4>
${renderWire(c.wire)}</div></details>`;
}

/** The report as one HTML document. */
export function renderHtmlReport(report: ConformanceReport): string {
  const groups = new Map<string, CaseReport[]>();
  for (const c of report.cases) {
    const key = groupOf(c.id)?.prefix ?? c.id;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const failed = report.cases.filter((c) => c.behavior === 'FAILED');
  const first = failed.length === 0
    ? '<p>No case failed. Cases marked NON-STRICT are allowed by the RFC but not what a strict server does.</p>'
    : `<h2>What failed</h2><p>Start with the first: a bug early in the protocol often makes many later cases fail.</p><ul>${failed
      .slice(0, 50)
      .map((c) => `<li><a href="#case-${escapeHtml(c.id)}">${escapeHtml(c.id)}</a> ${escapeHtml(c.description)}<br><span class="note">${escapeHtml(c.result.slice(0, 300))}</span></li>`)
      .join('')}${failed.length > 50 ? `<li>… and ${failed.length - 50} more below.</li>` : ''}</ul>`;
  const sections = [...groups].map(([prefix, cases]) => {
    const s = SECTIONS.find((x) => x.prefix === prefix);
    const grid = cases.map((c) => `<a class="${CLASS[c.behavior]}" href="#case-${escapeHtml(c.id)}" title="${escapeHtml(`${c.behavior}: ${c.description}`)}">${escapeHtml(c.id)}</a>`).join('');
    const counts = BEHAVIORS.filter((b) => cases.some((c) => c.behavior === b)).map((b) => `${cases.filter((c) => c.behavior === b).length} ${b}`).join(', ');
    return `<section aria-labelledby="s-${escapeHtml(prefix)}"><h2 id="s-${escapeHtml(prefix)}">${escapeHtml(prefix)} ${escapeHtml(s?.name ?? '')}</h2>
<p>${escapeHtml(s?.checks ?? '')} <span class="note">(${(s?.rfc ?? []).map((r) => `RFC 6455 §${r}`).join(', ')}; ${counts})</span></p>
<div class="grid">${grid}</div>${cases.map(renderCase).join('\n')}</section>`;
  });
  const summary = BEHAVIORS.map((b) => `<li class="${CLASS[b]}" title="${MEANING[b]}">${b} ${report.summary[b]}</li>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Conformance report: ${escapeHtml(report.target)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>Conformance report: <code>${escapeHtml(report.target)}</code></h1>
<p class="note">Framescope's grader: Autobahn|Testsuite's cases 1-7, 9, 10 and Framescope's own (ids starting with x.), played from raw TCP.
Started ${escapeHtml(report.startedAt)}, ${report.cases.length} cases in ${(report.durationMs / 1000).toFixed(1)} s.</p>
<ul class="summary" aria-label="Summary">${summary}</ul>
</header>
<main>
${first}
${sections.join('\n')}
</main>
</body>
</html>
`;
}
