/**
 * Echo: round trips per second and latency, our server against a ws echo server, from one load
 * generator, in alternating rounds (each server in its own process, the generator in a third).
 * And the inspector: our echo with a page-like /inspect subscriber attached against none.
 */
import { Child } from '../lib/child';
import { ms as formatMs, si } from '../lib/format';
import { compare, judge, matches, type Row, type Target } from '../lib/report';
import type { Scripts } from '../lib/scripts';
import { startFlags } from '../lib/start-flags';
import { summarize } from '../lib/stats';
import type { RunRequest, RunResult } from './loadgen';

export interface EchoOptions {
  rounds: number;
  warmupMs: number;
  durationMs: number;
  /** Also run a ws server without bufferutil (when bufferutil is installed). */
  wsWithoutBufferutil: boolean;
  /** Write a CPU profile of each server process here (node --cpu-prof). */
  profileDir?: string;
  /** Only the scenarios whose name contains this (e.g. "64 KiB"). */
  only?: string;
  /**
   * Only the scenarios and inspector rows whose name contains one of these (`npm run bench --
   * --match`; names as printed: "16 clients × 64 KiB pipelined", "1 client × 32 B ping-pong, watched").
   */
  match?: string[];
  /** Skip the inspector rows. */
  skipInspector?: boolean;
  /** Only the inspector scenarios whose name contains this. */
  inspectorOnly?: string;
  log: (line: string) => void;
}

interface Scenario {
  clients: number;
  size: number;
  mode: 'pipelined' | 'pingpong';
}

const KiB = 1024;

export const SCENARIOS: Scenario[] = [1, 16, 64].flatMap((clients) =>
  [32, 64 * KiB].flatMap((size) => (['pipelined', 'pingpong'] as const).map((mode) => ({ clients, size, mode }))),
);

/** Messages each client keeps in flight when pipelining. */
function windowFor(size: number): number {
  return size <= 1024 ? 64 : 4;
}

function scenarioName(s: Scenario): string {
  return `${s.clients} client${s.clients > 1 ? 's' : ''} × ${s.size >= KiB ? `${s.size / KiB} KiB` : `${s.size} B`} ${s.mode === 'pipelined' ? 'pipelined' : 'ping-pong'}`;
}

function echoTarget(s: Scenario): Target {
  return s.clients === 16 && s.size === 32 && s.mode === 'pipelined'
    ? { value: 1.2, kind: 'ratio-min', text: '≥1.2× ws' }
    : { value: 1.0, kind: 'ratio-min', text: s.size > 1024 ? '≥1.0× ws, ws+bufferutil' : '≥1.0× ws' };
}

interface Server {
  label: string;
  child: Child;
  port: number;
  bufferutil: boolean;
}

async function startServer(scripts: Scripts, label: string, kind: 'ours' | 'ws', options: EchoOptions, env: Record<string, string> = {}): Promise<Server> {
  // Ours with the node flags `npm start` gives it (bench/lib/start-flags.ts); ws with plain node.
  const execArgv = [...(kind === 'ours' ? startFlags() : []), ...(options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}/${label}`] : [])];
  const child = new Child(scripts.echoServer, { name: `${label} server`, args: [kind], env, execArgv, tsx: false });
  const ready = await child.notice('ready');
  return { label, child, port: ready.port as number, bufferutil: ready.bufferutil as boolean };
}

export interface EchoResult {
  rows: Row[];
  /** Labels of the ws columns. */
  comparisons: string[];
}

export async function runEcho(scripts: Scripts, options: EchoOptions): Promise<EchoResult> {
  const loadgen = new Child(scripts.loadgen, { name: 'load generator', tsx: false });
  const ours = await startServer(scripts, 'ours', 'ours', options);
  const wsDefault = await startServer(scripts, 'ws', 'ws', options);
  const servers: Server[] = [ours];
  if (wsDefault.bufferutil) {
    wsDefault.label = 'ws+bufferutil';
    if (options.wsWithoutBufferutil) servers.push(await startServer(scripts, 'ws', 'ws', options, { WS_NO_BUFFER_UTIL: '1' }));
  }
  servers.push(wsDefault);
  const rows: Row[] = [];
  try {
    for (const s of SCENARIOS) {
      if (options.only && !scenarioName(s).includes(options.only)) continue;
      if (!matches(scenarioName(s), options.match)) continue;
      rows.push(...(await measureScenario(s, servers, loadgen, options)));
    }
    if (!options.skipInspector) rows.push(...(await measureInspector(scripts, ours, loadgen, options)));
  } finally {
    await Promise.all([loadgen.stop(), ...servers.map((s) => s.child.stop())]);
  }
  return { rows, comparisons: servers.slice(1).map((s) => s.label) };
}

function request(s: Scenario, port: number, options: EchoOptions, path = '/echo'): RunRequest {
  return {
    port,
    path,
    clients: s.clients,
    size: s.size,
    mode: s.mode,
    window: windowFor(s.size),
    warmupMs: options.warmupMs,
    durationMs: options.durationMs,
    settleMs: Math.min(50, options.warmupMs),
  };
}

async function measureScenario(s: Scenario, servers: Server[], loadgen: Child, options: EchoOptions): Promise<Row[]> {
  const results = new Map<string, RunResult[]>(servers.map((x) => [x.label, []]));
  /** Server CPU time per round trip, µs (user + system, warm-up and connecting included). */
  const cpu = new Map<string, number[]>(servers.map((x) => [x.label, []]));
  for (let round = 0; round < options.rounds; round++) {
    for (let k = 0; k < servers.length; k++) {
      const server = servers[(round + k) % servers.length]!;
      const before = await server.child.request<{ cpuMicros: number }>({ op: 'cpu' });
      const r = await loadgen.request<RunResult>({ op: 'run', ...request(s, server.port, options) });
      const after = await server.child.request<{ cpuMicros: number }>({ op: 'cpu' });
      if (r.mismatches > 0) throw new Error(`${server.label}: ${r.mismatches} echoes did not match what was sent`);
      results.get(server.label)!.push(r);
      cpu.get(server.label)!.push((after.cpuMicros - before.cpuMicros) / Math.max(1, r.allRoundTrips));
    }
  }
  const rate = (label: string): number[] => results.get(label)!.map((r) => r.roundTrips / r.seconds);
  const p = (label: string, key: 'p50' | 'p99'): number[] => results.get(label)!.map((r) => r[key]);
  const target = echoTarget(s);
  const oursRate = summarize(rate('ours'));
  const others = servers.slice(1);
  const latency = (label: string): string =>
    `${label} p50 ${formatMs(summarize(p(label, 'p50')).median)} p99 ${formatMs(summarize(p(label, 'p99')).median)}`;
  const row = judge({
    section: 'echo',
    name: scenarioName(s),
    format: (v) => si(v, 'rt/s'),
    unit: 'round trips/s',
    higherIsBetter: true,
    ours: oursRate,
    against: others.map((o) => compare(o.label, oursRate, summarize(rate(o.label)), true, target)),
    target,
    detail: `latency (median of rounds): ${servers.map((x) => latency(x.label)).join('; ')}`,
  });
  options.log(`echo ${row.name}: ${servers.map((x) => `${x.label} ${si(summarize(rate(x.label)).median, 'rt/s')}`).join(', ')}`);
  // Latency rows: lower is better, informational.
  const latencyRows = (['p50', 'p99'] as const).map((key) => {
    const oursLatency = summarize(p('ours', key));
    return judge({
      section: 'echo',
      name: `  ${key} latency`,
      format: formatMs,
      unit: 'ms',
      higherIsBetter: false,
      ours: oursLatency,
      against: others.map((o) => compare(o.label, oursLatency, summarize(p(o.label, key)), false, null)),
      target: null,
    });
  });
  const cpuOurs = summarize(cpu.get('ours')!);
  const cpuRow = judge({
    section: 'echo',
    name: '  server CPU per round trip',
    format: (v) => `${v.toFixed(v < 10 ? 2 : 1)} µs`,
    unit: 'µs',
    higherIsBetter: false,
    ours: cpuOurs,
    against: others.map((o) => compare(o.label, cpuOurs, summarize(cpu.get(o.label)!), false, null)),
    target: null,
  });
  return [{ ...row, detail: undefined }, ...latencyRows, cpuRow];
}

/** Echo with and without a page-like subscriber watching the echo connections' session. */
async function measureInspector(scripts: Scripts, ours: Server, loadgen: Child, options: EchoOptions): Promise<Row[]> {
  const rows: Row[] = [];
  const scenarios: Scenario[] = [
    { clients: 1, size: 32, mode: 'pingpong' },
    { clients: 16, size: 32, mode: 'pipelined' },
    { clients: 1, size: 64 * KiB, mode: 'pipelined' },
  ]
    .filter((s) => !options.inspectorOnly || scenarioName(s as Scenario).includes(options.inspectorOnly))
    .filter((s) => matches(`${scenarioName(s as Scenario)}, watched`, options.match)) as Scenario[];
  if (scenarios.length === 0) return rows;
  const session = 'bench';
  const subscriber = new Child(scripts.subscriber, { name: 'subscriber', args: [String(ours.port), session], tsx: false });
  await subscriber.notice('ready');
  // Issue 20: watched at least 0.8 of unwatched on every row.
  const target: Target = { value: 0.8, kind: 'ratio-min', text: 'on ≥0.8× off' };
  try {
    for (const s of scenarios) {
      const on: number[] = [];
      const off: number[] = [];
      /** Server CPU per round trip, µs, watched and not (steadier than the rates on a busy machine). */
      const cpuOn: number[] = [];
      const cpuOff: number[] = [];
      let framesSeen = 0;
      let dropped = 0;
      for (let round = 0; round < options.rounds; round++) {
        for (const watched of round % 2 === 0 ? [true, false] : [false, true]) {
          // Watched: the clients join the subscriber's session; unwatched: no session, nobody sees them.
          const path = watched ? `/echo?session=${session}` : '/echo';
          const before = await subscriber.request<{ frames: number; dropped: number }>({ op: 'counts' });
          const cpuBefore = await ours.child.request<{ cpuMicros: number }>({ op: 'cpu' });
          const r = await loadgen.request<RunResult>({ op: 'run', ...request(s, ours.port, options, path) });
          const cpuAfter = await ours.child.request<{ cpuMicros: number }>({ op: 'cpu' });
          (watched ? on : off).push(r.roundTrips / r.seconds);
          (watched ? cpuOn : cpuOff).push((cpuAfter.cpuMicros - cpuBefore.cpuMicros) / Math.max(1, r.allRoundTrips));
          if (watched) {
            await sleep(Math.min(200, 2 * options.warmupMs));
            const after = await subscriber.request<{ frames: number; dropped: number }>({ op: 'counts' });
            framesSeen += after.frames - before.frames;
            dropped += after.dropped - before.dropped;
          }
        }
      }
      const onSummary = summarize(on);
      const offSummary = summarize(off);
      const row = judge({
        section: 'inspector',
        name: `${scenarioName(s)}, watched`,
        format: (v) => si(v, 'rt/s'),
        unit: 'round trips/s',
        higherIsBetter: true,
        ours: onSummary,
        against: [compare('unwatched', onSummary, offSummary, true, target)],
        target,
        detail:
          `the subscriber received ${framesSeen} frame messages, ${dropped} announced as dropped; ` +
          `server CPU per round trip ${summarize(cpuOn).median.toFixed(1)} µs watched, ${summarize(cpuOff).median.toFixed(1)} µs unwatched`,
      });
      options.log(`inspector ${row.name}: on ${si(onSummary.median, 'rt/s')}, off ${si(offSummary.median, 'rt/s')}`);
      rows.push(row);
    }
  } finally {
    await subscriber.stop();
  }
  return rows;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
