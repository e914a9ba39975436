/**
 * Decode and encode: our codec against ws's Receiver and Sender.frame, each in its own child
 * process, rounds alternating (ours, ws, ws without bufferutil, then the next round starting with
 * the next one), the figure of a row being the median of the rounds.
 */
import { Child } from '../lib/child';
import { si } from '../lib/format';
import { compare, judge, type Row, type Target } from '../lib/report';
import type { Scripts } from '../lib/scripts';
import { summarize } from '../lib/stats';
import type { DecodeCase } from './fixtures';
import type { RoundResult } from './worker';

export interface CodecOptions {
  rounds: number;
  /** Aimed duration of one timed round, ms. */
  roundMs: number;
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
    : { value: 1.0, kind: 'ratio-min', text: '≥1.0× ws' };
}

const ENCODE_TARGET: Target = { value: 1.0, kind: 'ratio-min', text: '≥1.0× ws' };

interface Impl {
  label: string;
  child: Child;
}

/** Small payloads are counted in messages per second, large ones in payload bytes per second. */
function figure(size: number, r: RoundResult): number {
  return size <= 125 ? (r.messages / r.ms) * 1000 : (r.payloadBytes / r.ms) * 1000;
}

function formatter(size: number): (v: number) => string {
  return size <= 125 ? (v) => si(v, 'msg/s') : (v) => si(v, 'B/s');
}

export interface CodecEnvironment {
  bufferutil: 'used' | 'not installed';
  comparisons: string[];
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
  const zeroed: Impl = { label: 'ours, codec defaults (as in the browser)', child: new Child(script, { name: 'codec ours-zeroed', args: ['ours-zeroed'], tsx: false }) };
  const impls = [ours, ...others];
  const rows: Row[] = [];
  try {
    for (const c of DECODE_CASES) {
      rows.push(await measure('decode', c.name, c.size, impls, [zeroed], options, (reps) => ({ op: 'decode', case: c, reps })));
    }
    for (const e of ENCODE_SIZES) {
      rows.push(await measure('encode', e.name, e.size, impls, [zeroed], options, (count) => ({ op: 'encode', size: e.size, count })));
    }
  } finally {
    await Promise.all([...impls, zeroed].map((i) => i.child.stop()));
  }
  return {
    rows,
    env: { bufferutil: info ? 'used' : 'not installed', comparisons: others.map((o) => o.label) },
  };
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
): Promise<Row> {
  const all = [...impls, ...variants];
  // Calibrate on ours: how much work makes a round of about roundMs.
  let amount = section === 'decode' ? 1 : Math.max(1, Math.round((4 * MiB) / Math.max(size, 64)));
  for (let i = 0; i < 8; i++) {
    const r = await impls[0]!.child.request<RoundResult>(request(amount));
    if (r.ms >= options.roundMs / 4 || (section === 'decode' && size >= MiB && amount >= 8)) {
      amount = Math.max(1, Math.round((amount * options.roundMs) / Math.max(r.ms, 0.01)));
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
  const detail = variants
    .map((v) => {
      const s = summarize(figures.get(v.label)!);
      return `${v.label}: ${format(s.median)} (${against.map((a) => `${(s.median / a.summary.median).toFixed(2)}× ${a.label}`).join(', ')})`;
    })
    .join('; ');
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
  return row;
}
