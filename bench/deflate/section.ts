/**
 * permessage-deflate: echo round trips per second with every message compressed both ways, our
 * server (`--deflate`, node:zlib asynchronous) against ws with perMessageDeflate, the same ws
 * clients driving both, in alternating rounds. Both use node:zlib, so this measures what each does
 * around it: queueing, copies, and how the jobs reach the threadpool.
 */
import { Child } from '../lib/child';
import { si } from '../lib/format';
import { compare, judge, type Row } from '../lib/report';
import type { Scripts } from '../lib/scripts';
import { startFlags } from '../lib/start-flags';
import { summarize } from '../lib/stats';
import type { DeflateResult } from './client';

export interface DeflateOptions {
  rounds: number;
  durationMs: number;
  log: (line: string) => void;
}

const SCENARIOS = [
  { clients: 16, size: 1024, window: 8 },
  { clients: 1, size: 64 * 1024, window: 4 },
];

export async function runDeflate(scripts: Scripts, options: DeflateOptions): Promise<Row[]> {
  const client = new Child(scripts.deflateClient, { name: 'deflate client', tsx: false });
  const clientReady = client.notice('ready');
  const servers: { label: string; child: Child; port: number }[] = [];
  for (const kind of ['ours', 'ws'] as const) {
    // Ours with the node flags `npm start` gives it (bench/lib/start-flags.ts).
    const child = new Child(scripts.deflateServer, { name: `${kind} deflate server`, args: [kind], tsx: false, execArgv: kind === 'ours' ? startFlags() : [] });
    servers.push({ label: kind, child, port: (await child.notice('ready')).port as number });
  }
  await clientReady;
  const rows: Row[] = [];
  try {
    for (const s of SCENARIOS) {
      const rates = new Map<string, number[]>(servers.map((x) => [x.label, []]));
      for (let round = 0; round < options.rounds; round++) {
        for (let k = 0; k < servers.length; k++) {
          const server = servers[(round + k) % servers.length]!;
          const r = await client.request<DeflateResult>({ op: 'run', port: server.port, ...s, durationMs: options.durationMs });
          if (r.mismatches > 0) throw new Error(`${server.label}: ${r.mismatches} echoes did not match`);
          rates.get(server.label)!.push(r.messages / r.seconds);
        }
      }
      const ours = summarize(rates.get('ours')!);
      const name = `${s.clients} client${s.clients > 1 ? 's' : ''} × ${s.size >= 1024 ? `${s.size / 1024} KiB` : `${s.size} B`} text, compressed both ways`;
      const row = judge({
        section: 'deflate',
        name,
        format: (v) => si(v, 'rt/s'),
        unit: 'round trips/s',
        higherIsBetter: true,
        ours,
        against: [compare('ws', ours, summarize(rates.get('ws')!), true, { value: 1.0, kind: 'ratio-min', text: '≥1.0× ws' })],
        target: { value: 1.0, kind: 'ratio-min', text: '≥1.0× ws' },
      });
      options.log(`deflate ${name}: ours ${si(ours.median, 'rt/s')}, ws ${si(summarize(rates.get('ws')!).median, 'rt/s')}`);
      rows.push(row);
    }
  } finally {
    await Promise.all([client.stop(), ...servers.map((s) => s.child.stop())]);
  }
  return rows;
}
