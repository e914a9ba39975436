/** The grader on a terminal: the progress line while a run plays, and the table at its end. */
import type { Behavior, CaseReport, ConformanceReport } from '../src/wire/conformance.ts';
import { BEHAVIORS, groupOf, SECTIONS } from '../src/wire/conformance.ts';

export interface Style {
  color: boolean;
  width: number;
}

const COLORS: Record<Behavior, string> = {
  OK: '\x1b[32m',
  'NON-STRICT': '\x1b[33m',
  INFORMATIONAL: '\x1b[36m',
  UNIMPLEMENTED: '\x1b[90m',
  FAILED: '\x1b[31;1m',
  'NOT PLAYED': '\x1b[35m',
};
const RESET = '\x1b[0m';

function paint(style: Style, behavior: Behavior, text: string): string {
  return style.color ? `${COLORS[behavior]}${text}${RESET}` : text;
}

/** Control characters a server put in its strings are shown as escapes, never sent to the terminal. */
export function printable(text: string): string {
  return text.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function clip(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(indent + line);
  return lines;
}

export function summaryLine(report: Pick<ConformanceReport, 'summary'>, style: Style): string {
  // NOT PLAYED only when some case was not played: it is no verdict on the server.
  return BEHAVIORS.filter((b) => b !== 'NOT PLAYED' || report.summary[b] > 0).map((b) => paint(style, b, `${b} ${report.summary[b]}`)).join(', ');
}

/** One line, rewritten in place on a terminal: "[ 37/329] 2.10 OK". */
export function progressLine(done: number, total: number, last: CaseReport, failed: number, style: Style): string {
  const counter = `[${String(done).padStart(String(total).length)}/${total}]`;
  const failures = failed > 0 ? `  ${paint(style, 'FAILED', `${failed} failed`)}` : '';
  return clip(`${counter} ${last.id} ${last.behavior}${failures}`, style.width - 1);
}

/** The whole run as a table, by section; every case that is not OK gets its result below it. */
export function formatTable(report: ConformanceReport, style: Style): string {
  const out: string[] = [];
  const seconds = (report.durationMs / 1000).toFixed(1);
  out.push(`Framescope conformance: ${printable(report.target)}, ${report.cases.length} case${report.cases.length === 1 ? '' : 's'} in ${seconds} s`);
  let group: string | null = null;
  for (const c of report.cases) {
    const g = groupOf(c.id);
    const key = g?.prefix ?? c.id;
    if (key !== group) {
      group = key;
      const section = SECTIONS.find((s) => s.prefix === key);
      out.push('', `${key} ${section?.name ?? ''}`.trimEnd());
    }
    const verdict = paint(style, c.behavior, c.behavior.padEnd(13));
    const ms = `${c.durationMs} ms`.padStart(9);
    const head = `  ${c.id.padEnd(8)} ${c.behavior.padEnd(13)} ${ms}  `;
    out.push(`  ${c.id.padEnd(8)} ${verdict} ${ms}  ${clip(printable(c.description), style.width - head.length)}`);
    if (c.behavior !== 'OK') out.push(...wrap(printable(c.result), style.width, ' '.repeat(12)));
  }
  out.push('', `summary: ${summaryLine(report, style)}`);
  return `${out.join('\n')}\n`;
}
