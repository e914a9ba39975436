/**
 * Rows of the benchmark table and how they print: our figure, ws's figure, the ratio, the target
 * and whether it is met. Figures are medians of alternating rounds with their min–max spread.
 */
import { ratio as formatRatio } from './format';
import type { Summary } from './stats';

export interface Target {
  /** The ratio (or value) a row must reach, e.g. 1.5 for "≥1.5× ws". */
  value: number;
  /** 'ratio-min': ours/ws ≥ value; 'max': ours ≤ value; 'min': ours ≥ value. */
  kind: 'ratio-min' | 'max' | 'min';
  /** How it reads in the table, e.g. "≥1.5× ws". */
  text: string;
}

export interface Comparison {
  /** Column label, e.g. "ws" or "ws+bufferutil". */
  label: string;
  summary: Summary;
  /** ours / this, medians (for "lower is better" figures, this / ours). */
  ratio: number;
  met: boolean | null;
}

export interface Row {
  section: string;
  name: string;
  /** How a figure prints (e.g. "4.1 M msg/s"). */
  format: (value: number) => string;
  unit: string;
  /** Is a higher figure better (throughput), or lower (latency, size)? */
  higherIsBetter: boolean;
  ours: Summary | null;
  against: Comparison[];
  target: Target | null;
  /** Met against every comparison (or the absolute target); null when not judged. */
  met: boolean | null;
  /** Extra figures printed after the row (latency percentiles, notes). */
  detail?: string;
  /** Why the row was skipped. */
  skipped?: string;
}

export function compare(label: string, ours: Summary, theirs: Summary, higherIsBetter: boolean, target: Target | null): Comparison {
  const r = higherIsBetter ? ours.median / theirs.median : theirs.median / ours.median;
  const met = target && target.kind === 'ratio-min' ? r >= target.value : null;
  return { label, summary: theirs, ratio: r, met };
}

export function judge(row: Omit<Row, 'met'>): Row {
  let met: boolean | null = null;
  if (row.target && row.ours) {
    if (row.target.kind === 'ratio-min') {
      const judged = row.against.filter((c) => c.met !== null);
      met = judged.length > 0 ? judged.every((c) => c.met) : null;
    } else if (row.target.kind === 'max') {
      met = row.ours.median <= row.target.value;
    } else {
      met = row.ours.median >= row.target.value;
    }
  }
  return { ...row, met };
}

function spread(row: Row, s: Summary): string {
  return `${row.format(s.median)} (${row.format(s.min)}–${row.format(s.max)})`;
}

function mark(met: boolean | null): string {
  return met === null ? ' ' : met ? '✓' : '✗';
}

/** The table as plain text, one section after another. */
export function renderTable(rows: Row[], comparisons: string[]): string {
  const header = ['', 'ours', ...comparisons.flatMap((c) => [c, `ours/${c}`]), 'target'];
  const lines: string[][] = [];
  let section = '';
  for (const row of rows) {
    if (row.section !== section) {
      section = row.section;
      lines.push([`[${section}]`]);
    }
    if (row.skipped) {
      lines.push([`  ${row.name}`, `skipped: ${row.skipped}`]);
      continue;
    }
    const cells = [`  ${row.name}`, row.ours ? spread(row, row.ours) : '–'];
    for (const label of comparisons) {
      const c = row.against.find((x) => x.label === label);
      cells.push(c ? spread(row, c.summary) : '', c ? `${formatRatio(c.ratio)}${c.met === null ? '' : ` ${mark(c.met)}`}` : '');
    }
    cells.push(row.target ? `${row.target.text} ${mark(row.met)}` : '');
    lines.push(cells);
    // Comparisons without a column of their own (the inspector's "unwatched") go on the next line.
    const others = row.against.filter((c) => !comparisons.includes(c.label));
    const extra = others.map((c) => `${c.label} ${spread(row, c.summary)}, ratio ${formatRatio(c.ratio)}`);
    const detail = [...extra, ...(row.detail ? [row.detail] : [])].join('; ');
    if (detail) lines.push([`    ${detail}`]);
  }
  return layout(header, lines);
}

function layout(header: string[], lines: string[][]): string {
  const width = (s: string): number => [...s].length;
  const widths = header.map((h) => width(h));
  for (const cells of lines) {
    if (cells.length <= 1 || (cells.length === 2 && cells[1]!.startsWith('skipped'))) continue;
    cells.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, width(cell))));
  }
  const pad = (s: string, w: number): string => s + ' '.repeat(Math.max(0, w - width(s)));
  const out = [header.map((h, i) => pad(h, widths[i]!)).join('  ').trimEnd()];
  out.push(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const cells of lines) {
    if (cells.length === 1 || cells[1]?.startsWith('skipped')) {
      out.push(cells.join('  '));
      continue;
    }
    out.push(cells.map((c, i) => pad(c, widths[i]!)).join('  ').trimEnd());
  }
  return out.join('\n');
}

/** A row as JSON (formatters dropped). */
export function rowJson(row: Row): Record<string, unknown> {
  const { format: _format, ...rest } = row;
  return rest as unknown as Record<string, unknown>;
}

/** Does `name` contain one of `match` (or is `match` empty)? For `npm run bench -- --match`. */
export function matches(name: string, match: string[] | undefined): boolean {
  return match === undefined || match.length === 0 || match.some((m) => name.includes(m));
}
