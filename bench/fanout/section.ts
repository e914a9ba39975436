/**
 * Fan-out: messages delivered per second to N chat clients, and their latency (sent to delivered),
 * with the room in one process's memory (`npm start`) against the room in Redis on 1, 2 and 4
 * server processes (`npm start -- --redis URL`), clients spread evenly over the processes. Each
 * configuration runs in its own processes (its own room: its own Redis key prefix); rounds
 * alternate between them. The Redis rows show their ratio to the in-memory row.
 */
import { Child } from '../lib/child';
import { ms as formatMs, si } from '../lib/format';
import { compare, judge, type Row } from '../lib/report';
import type { Scripts } from '../lib/scripts';
import { startFlags } from '../lib/start-flags';
import { summarize } from '../lib/stats';
import type { FanoutRequest, FanoutResult } from './loadgen';
import { startRedis } from './redis';

export interface FanoutOptions {
  rounds: number;
  warmupMs: number;
  durationMs: number;
  /** Client counts, one set of rows each. */
  clients: number[];
  /** Clients that send (each keeps `window` messages in flight). */
  senders: number;
  window: number;
  log: (line: string) => void;
}

interface Config {
  key: string;
  label: string;
  store: 'memory' | 'redis';
  processes: number;
}

export const CONFIGS: Config[] = [
  { key: 'memory-1', label: '1 process, in memory', store: 'memory', processes: 1 },
  { key: 'redis-1', label: '1 process, Redis', store: 'redis', processes: 1 },
  { key: 'redis-2', label: '2 processes, Redis', store: 'redis', processes: 2 },
  { key: 'redis-4', label: '4 processes, Redis', store: 'redis', processes: 4 },
];

interface Running {
  config: Config;
  servers: Child[];
  ports: number[];
}

export async function runFanout(scripts: Scripts, options: FanoutOptions): Promise<Row[]> {
  const redis = await startRedis();
  if (!redis) options.log('fanout: no redis-server found (apt-get install redis-server): the Redis rows are skipped');
  const loadgen = new Child(scripts.fanoutLoadgen, { name: 'fan-out load generator', tsx: false });
  const running: Running[] = [];
  const rows: Row[] = [];
  try {
    for (const config of CONFIGS) {
      if (config.store === 'redis' && !redis) continue;
      const servers = Array.from(
        { length: config.processes },
        (_, i) =>
          new Child(scripts.fanoutServer, {
            name: `${config.label} #${i + 1}`,
            args: config.store === 'redis' ? ['redis', redis!.url, `bench-${config.key}:{chat}`] : ['memory'],
            tsx: false,
            execArgv: startFlags(),
          }),
      );
      const ready = await Promise.all(servers.map((server) => server.notice('ready')));
      running.push({ config, servers, ports: ready.map((r) => r.port as number) });
    }
    for (const clients of options.clients) rows.push(...(await measure(clients, running, loadgen, options)));
    if (!redis) {
      rows.push({ section: 'fanout', name: 'Redis rows', format: String, unit: '', higherIsBetter: true, ours: null, against: [], target: null, met: null, skipped: 'no redis-server on this machine' });
    }
  } finally {
    await Promise.all([loadgen.stop(), ...running.flatMap((r) => r.servers.map((server) => server.stop()))]);
    await redis?.stop();
  }
  return rows;
}

async function cpu(servers: Child[]): Promise<number> {
  const figures = await Promise.all(servers.map((server) => server.request<{ cpuMicros: number }>({ op: 'cpu' })));
  return figures.reduce((sum, figure) => sum + figure.cpuMicros, 0);
}

async function measure(clients: number, running: Running[], loadgen: Child, options: FanoutOptions): Promise<Row[]> {
  const results = new Map<string, FanoutResult[]>(running.map((r) => [r.config.key, []]));
  const cpuPerDelivery = new Map<string, number[]>(running.map((r) => [r.config.key, []]));
  for (let round = 0; round < options.rounds; round++) {
    for (let k = 0; k < running.length; k++) {
      const r = running[(round + k) % running.length]!;
      const request: FanoutRequest = {
        ports: r.ports,
        clients,
        senders: Math.min(options.senders, clients),
        window: options.window,
        warmupMs: options.warmupMs,
        durationMs: options.durationMs,
        tag: `r${round}c${clients}`,
      };
      await loadgen.request({ op: 'join', ...request });
      const before = await cpu(r.servers);
      const result = await loadgen.request<FanoutResult>({ op: 'measure', ...request });
      const after = await cpu(r.servers);
      await loadgen.request({ op: 'leave' });
      results.get(r.config.key)!.push(result);
      // Every delivery from the first message sent to the last one arriving (the joins are not in it).
      cpuPerDelivery.get(r.config.key)!.push((after - before) / Math.max(1, result.allDeliveries));
    }
  }
  const rate = (key: string): number[] => results.get(key)!.map((x) => x.deliveries / x.seconds);
  const latency = (key: string, q: 'p50' | 'p99'): number => summarize(results.get(key)!.map((x) => x[q])).median;
  const baseline = running.find((r) => r.config.store === 'memory');
  const rows: Row[] = [];
  for (const r of running) {
    const key = r.config.key;
    const ours = summarize(rate(key));
    const messages = summarize(results.get(key)!.map((x) => x.messages / x.seconds)).median;
    const against = baseline && baseline !== r ? [compare('1 process in memory', ours, summarize(rate(baseline.config.key)), true, null)] : [];
    rows.push(
      judge({
        section: 'fanout',
        name: `${clients} clients, ${r.config.label}`,
        format: (v) => si(v, 'deliveries/s'),
        unit: 'deliveries/s',
        higherIsBetter: true,
        ours,
        against,
        target: null,
        detail:
          `${si(messages, 'msg/s')} sent; latency p50 ${formatMs(latency(key, 'p50'))} p99 ${formatMs(latency(key, 'p99'))}; ` +
          `server CPU ${summarize(cpuPerDelivery.get(key)!).median.toFixed(2)} µs per delivery (all processes)`,
      }),
    );
    options.log(`fanout ${clients} clients, ${r.config.label}: ${si(ours.median, 'deliveries/s')}, p50 ${formatMs(latency(key, 'p50'))}, p99 ${formatMs(latency(key, 'p99'))}`);
  }
  return rows;
}
