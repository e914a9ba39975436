/**
 * Decode and encode: our codec against ws's Receiver and Sender.frame, each in its own child
 * process, rounds alternating (ours, ws, ws with bufferutil, and ours configured otherwise, then the
 * next round starting with the next one), the figure of a row being the median of the rounds, each
 * round timed in the child's CPU time.
 *
 * Ours is also measured with the JavaScript kernels only (the codec before issue 20), and as the
 * browser runs it (the page's allocator, no native UTF-8 check) with either kernels: each row's
 * detail line, and the "page codec" rows, which compare the page's codec with the WebAssembly
 * kernels against the same with the JavaScript ones.
 */
import { Child } from '../lib/child';
import { si } from '../lib/format';
import { compare, judge, matches, type Row, type Target } from '../lib/report';
import type { Scripts } from '../lib/scripts';
import { summarize, type Summary } from '../lib/stats';
import type { DecodeCase } from './fixtures';
import type { RoundResult } from './worker';

export interface CodecOptions {
  rounds: number;
  /** Aimed duration of one timed round, ms. */
  roundMs: number;
  /** Only the cases whose full name ("decode 64 KiB text", "encode 16 MiB") contains one of these (empty: all). */
  match?: string[];
  log: (line: string) => void;
}

const KiB = 1024;
const MiB = 1024 * 1024;

export const DECODE_CASES: DecodeCase[] = [
  { name: '16 B text', size: 16, kind: 'text' },
  { name: '16 B binary', size: 16, kind: 'binary' },
  { name: '125 B text', size: 125, kind: 'text' },
  { name: '125 B binary', size: 125, kind: 'binary' },
  { name: '64 KiB text', size: 64 * KiB, kind: 'text' },
  { name: '64 KiB binary', size: 64 * KiB, kind: 'binary' },
  { name: '16 MiB text', size: 16 * MiB, kind: 'text' },
  { name: '16 MiB binary', size: 16 * MiB, kind: 'binary' },
];

export const ENCODE_SIZES: Array<{ name: string; size: number }> = [
  { name: '16 B', size: 16 },
  { name: '125 B', size: 125 },
  { name: '64 KiB', size: 64 * KiB },
  { name: '16 MiB', size: 16 * MiB },
];

function decodeTarget(size: number): Target {
  return size <= 125
    ? { value: 1.5, kind: 'ratio-min', text: '≥1.5× ws' }
    : { value: 1.0, kind: 'ratio-min', text: '≥1.0× ws, ws+bufferutil' };
}

const ENCODE_TARGET: Target = { value: 1.0, kind: 'ratio-min', text: '≥1.0× ws, ws+bufferutil' };
/** Issue 20: the page's codec at 64 KiB, with the WebAssembly kernels, at least twice as fast as before them. */
const PAGE_TARGET: Target = { value: 2.0, kind: 'ratio-min', text: '≥2× the JavaScript kernels' };
const PAGE_CASES = ['decode 64 KiB text', 'decode 64 KiB binary', 'encode 64 KiB'];

const OURS_JS = 'ours, JavaScript kernels';
const BROWSER = 'as the browser runs it';
const BROWSER_JS = 'as the browser runs it, JavaScript kernels';

interface Impl {
  label: string;
  child: Child;
}

/** Small payloads are counted in messages per second, large ones in payload bytes per second (of CPU time). */
function figure(size: number, r: RoundResult): number {
  return size <= 125 ? (r.messages / r.cpuMs) * 1000 : (r.payloadBytes / r.cpuMs) * 1000;
}

function formatter(size: number): (v: number) => string {
  return size <= 125 ? (v) => si(v, 'msg/s') : (v) => si(v, 'B/s');
}

export interface CodecEnvironment {
  bufferutil: 'used' | 'not installed';
  comparisons: string[];
  /** Which path each kernel takes in Node here ('webassembly' or 'javascript'). */
  kernels: { mask: string; utf8: string };
}

export async function runCodec(scripts: Scripts, options: CodecOptions): Promise<{ rows: Row[]; env: CodecEnvironment }> {
  const script = scripts.codecWorker;
  const ours: Impl = { label: 'ours', child: new Child(script, { name: 'codec ours', args: ['ours'], tsx: false }) };
  const ws: Impl = { label: 'ws', child: new Child(script, { name: 'codec ws', args: ['ws'], env: { WS_NO_BUFFER_UTIL: '1' }, tsx: false }) };
  const wsb: Impl = { label: 'ws+bufferutil', child: new Child(script, { name: 'codec ws+bufferutil', args: ['ws'], tsx: false }) };
  const info = (await wsb.child.request<{ bufferutil: boolean }>({ op: 'info' })).bufferutil;
  const others = info ? [ws, wsb] : [ws];
  if (!info) {
    options.log('codec: bufferutil not installed; ws is measured without it only');
    await wsb.child.stop();
  }
  const variants: Impl[] = [
    { label: OURS_JS, child: new Child(script, { name: 'codec ours js', args: ['ours', 'js'], tsx: false }) },
    { label: BROWSER, child: new Child(script, { name: 'codec ours-zeroed', args: ['ours-zeroed'], tsx: false }) },
    { label: BROWSER_JS, child: new Child(script, { name: 'codec ours-zeroed js', args: ['ours-zeroed', 'js'], tsx: false }) },
  ];
  const kernels = (await variants[1]!.child.request<{ kernels: { mask: string; utf8: string } }>({ op: 'info' })).kernels;
  options.log(`codec: kernels in Node: masking ${kernels.mask}, UTF-8 ${kernels.utf8}`);
  const impls = [ours, ...others];
  const rows: Row[] = [];
  const pageRows: Row[] = [];
  try {
    const run = async (section: 'decode' | 'encode', name: string, size: number, request: (amount: number) => Record<string, unknown>): Promise<void> => {
      if (!matches(`${section} ${name}`, options.match)) return;
      const { row, figures } = await measure(section, name, size, impls, variants, options, request);
      rows.push(row);
      if (PAGE_CASES.includes(`${section} ${name}`)) pageRows.push(pageRow(section, name, size, figures));
    };
    for (const c of DECODE_CASES) await run('decode', c.name, c.size, (reps) => ({ op: 'decode', case: c, reps }));
    for (const e of ENCODE_SIZES) await run('encode', e.name, e.size, (count) => ({ op: 'encode', size: e.size, count }));
  } finally {
    await Promise.all([...impls, ...variants].map((i) => i.child.stop()));
  }
  return {
    rows: [...rows, ...pageRows],
    env: { bufferutil: info ? 'used' : 'not installed', comparisons: others.map((o) => o.label), kernels },
  };
}

/** The page's codec with the WebAssembly kernels against the same with the JavaScript ones (issue 20's target). */
function pageRow(section: 'decode' | 'encode', name: string, size: number, figures: Map<string, number[]>): Row {
  const ours = summarize(figures.get(BROWSER)!);
  return judge({
    section: 'page codec',
    name: `${section} ${name}, as the browser runs it`,
    format: formatter(size),
    unit: 'B/s',
    higherIsBetter: true,
    ours,
    against: [compare('JavaScript kernels', ours, summarize(figures.get(BROWSER_JS)!), true, PAGE_TARGET)],
    target: PAGE_TARGET,
  });
}

async function measure(
  section: 'decode' | 'encode',
  name: string,
  size: number,
  impls: Impl[],
  /** Measured in the same rounds, shown on the row's detail line (ours configured otherwise). */
  variants: Impl[],
  options: CodecOptions,
  request: (amount: number) => Record<string, unknown>,
): Promise<{ row: Row; figures: Map<string, number[]> }> {
  const all = [...impls, ...variants];
  // Calibrate on ours: how much work makes a round of about roundMs.
  let amount = section === 'decode' ? 1 : Math.max(1, Math.round((4 * MiB) / Math.max(size, 64)));
  for (let i = 0; i < 8; i++) {
    const r = await impls[0]!.child.request<RoundResult>(request(amount));
    if (r.cpuMs >= options.roundMs / 4 || (section === 'decode' && size >= MiB && amount >= 8)) {
      amount = Math.max(1, Math.round((amount * options.roundMs) / Math.max(r.cpuMs, 0.01)));
      break;
    }
    amount *= 4;
  }
  // Warm every implementation up with one untimed round.
  for (const impl of all) await impl.child.request<RoundResult>(request(amount));
  const figures = new Map<string, number[]>(all.map((i) => [i.label, []]));
  for (let round = 0; round < options.rounds; round++) {
    for (let k = 0; k < all.length; k++) {
      const impl = all[(round + k) % all.length]!;
      const r = await impl.child.request<RoundResult>(request(amount));
      figures.get(impl.label)!.push(figure(size, r));
    }
  }
  const target = section === 'decode' ? decodeTarget(size) : ENCODE_TARGET;
  const oursSummary = summarize(figures.get('ours')!);
  const against = impls.slice(1).map((i) => compare(i.label, oursSummary, summarize(figures.get(i.label)!), true, target));
  const format = formatter(size);
  const of = (label: string): Summary => summarize(figures.get(label)!);
  const versus = (s: Summary): string => against.map((a) => `${(s.median / a.summary.median).toFixed(2)}× ${a.label}`).join(', ');
  const detail = [
    `${OURS_JS}: ${format(of(OURS_JS).median)} (ours ${(oursSummary.median / of(OURS_JS).median).toFixed(2)}× that)`,
    `${BROWSER}: ${format(of(BROWSER).median)} (${versus(of(BROWSER))}; ${(of(BROWSER).median / of(BROWSER_JS).median).toFixed(2)}× its JavaScript kernels, ${format(of(BROWSER_JS).median)})`,
  ].join('; ');
  const row = judge({
    section,
    name,
    format: formatter(size),
    unit: size <= 125 ? 'msg/s' : 'B/s',
    higherIsBetter: true,
    ours: oursSummary,
    against,
    target,
    ...(detail ? { detail } : {}),
  });
  options.log(`${section} ${name}: ours ${row.format(oursSummary.median)}, ${against.map((a) => `${a.label} ${row.format(a.summary.median)} (${a.ratio.toFixed(2)}×)`).join(', ')}`);
  return { row, figures };
}
