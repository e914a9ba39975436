/**
 * `npm run bench`: Framescope against ws, measured side by side in one run on one machine.
 *
 *   npm run bench                 the full run (a few minutes)
 *   npm run bench -- --quick      a short run (about a minute): shorter rounds, same sections
 *   npm run bench -- --json       one JSON document on stdout (progress still goes to stderr)
 *   npm run bench -- --only codec,echo   some sections: codec, echo, deflate, fanout, page, bundle
 *   npm run bench -- --match "64 KiB,16 MiB"   only the codec cases and echo scenarios whose name
 *                                 contains one of these (e.g. "decode 64 KiB text", "16 clients × 64 KiB")
 *
 * Each row: our figure, ws's figure, the ratio (ours / ws), each the median of alternating rounds
 * with the min–max spread, and the target (issues 8 and 20) with ✓ or ✗. ws is measured with
 * bufferutil (a devDependency, ws's native masking) and without it (in a child process with
 * WS_NO_BUFFER_UTIL=1). Codec rounds are timed in each child's CPU time, echo rounds in wall time.
 * Benchmarks print ratios; they are not tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { buildApp, bundleRows, type BuiltApp } from './bundle';
import { runCodec } from './codec/section';
import { runDeflate } from './deflate/section';
import { runEcho } from './echo/section';
import { runFanout } from './fanout/section';
import { renderTable, rowJson, type Row } from './lib/report';
import { buildScripts, type Scripts } from './lib/scripts';
import { runPageFlood } from './page/flood';
import { runPage } from './page/section';

const SECTIONS = ['codec', 'echo', 'deflate', 'fanout', 'page', 'bundle'] as const;
type Section = (typeof SECTIONS)[number];

interface Args {
  quick: boolean;
  json: boolean;
  sections: Set<Section>;
  rounds: number | null;
  /** Run only the codec cases and echo scenarios whose name contains one of these (empty: all). */
  match: string[];
}

function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false, json: false, sections: new Set(SECTIONS), rounds: null, match: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') args.quick = true;
    else if (arg === '--json') args.json = true;
    else if (arg === '--only') {
      const names = (argv[++i] ?? '').split(',').filter(Boolean);
      const bad = names.filter((n) => !(SECTIONS as readonly string[]).includes(n));
      if (names.length === 0 || bad.length > 0) usage(`--only takes sections from: ${SECTIONS.join(', ')}`);
      args.sections = new Set(names as Section[]);
    } else if (arg === '--rounds') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1) usage('--rounds takes a whole number');
      args.rounds = n;
    } else if (arg === '--match') {
      args.match = (argv[++i] ?? '').split(',').map((m) => m.trim()).filter(Boolean);
      if (args.match.length === 0) usage('--match takes names, comma-separated (e.g. "decode 64 KiB,16 MiB")');
    } else if (arg === '--help' || arg === '-h') {
      usage(null);
    } else {
      usage(`unknown argument ${arg}`);
    }
  }
  return args;
}

function usage(error: string | null): never {
  const text = 'usage: npm run bench -- [--quick] [--json] [--only codec,echo,deflate,fanout,page,bundle] [--rounds N] [--match "name,name"]';
  if (error) {
    console.error(`bench: ${error}\n${text}`);
    process.exit(2);
  }
  console.log(text);
  process.exit(0);
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  node: string;
  platform: string;
  memoryGiB: number;
  /** 1-minute load average at the start and end of the run: other work on the machine skews figures. */
  loadStart: number;
  loadEnd: number;
}

function machine(): Machine {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadStart: loadavg()[0]!,
    loadEnd: NaN,
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const log = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };
  const started = performance.now();
  const info = machine();
  const rounds = args.rounds ?? 5;
  log(`bench: ${args.quick ? 'quick' : 'full'} run, ${rounds} rounds; ${info.cpus} × ${info.cpuModel}, Node ${info.node}, load ${info.loadStart.toFixed(2)}`);
  if (info.loadStart > info.cpus) log(`bench: the machine is busy (load ${info.loadStart.toFixed(2)} on ${info.cpus} CPUs): figures will be noisy`);

  const rows: Row[] = [];
  const comparisons = new Set<string>();
  const notes: string[] = [];
  const failures: string[] = [];
  let app: BuiltApp | null = null;
  const tmp = mkdtempSync(join(tmpdir(), 'framescope-bench-'));
  try {
    const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
      const t0 = performance.now();
      const result = await work();
      log(`bench: ${name} took ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      return result;
    };
    let scripts: Scripts | null = null;
    if (args.sections.has('codec') || args.sections.has('echo') || args.sections.has('deflate') || args.sections.has('fanout')) {
      scripts = await timed('bundling the child processes', () => buildScripts());
    }
    if (args.sections.has('codec') && scripts) {
      const built = scripts;
      const codec = await timed('codec', () => runCodec(built, { rounds, roundMs: args.quick ? 40 : 150, match: args.match, log }));
      rows.push(...codec.rows);
      codec.env.comparisons.forEach((c) => comparisons.add(c));
      if (codec.env.bufferutil === 'not installed') notes.push('bufferutil not installed: ws is measured without it only');
      notes.push(`codec: rounds timed in CPU time of each child; our kernels in Node: masking ${codec.env.kernels.mask}, UTF-8 ${codec.env.kernels.utf8}`);
    }
    if (args.sections.has('echo') && scripts) {
      const built = scripts;
      const echo = await timed('echo', () =>
        runEcho(built, {
          rounds,
          warmupMs: args.quick ? 50 : 300,
          durationMs: args.quick ? 150 : 1000,
          // ws without bufferutil too, in the full run (the quick run keeps to the faster ws).
          wsWithoutBufferutil: !args.quick,
          match: args.match,
          log,
        }),
      );
      rows.push(...echo.rows);
      echo.comparisons.forEach((c) => comparisons.add(c));
    }
    if (args.sections.has('deflate') && scripts) {
      const built = scripts;
      rows.push(...(await timed('deflate', () => runDeflate(built, { rounds, durationMs: args.quick ? 300 : 1500, log }))));
      comparisons.add('ws');
    }
    if (args.sections.has('fanout') && scripts) {
      const built = scripts;
      const fanout = await timed('fanout', () =>
        runFanout(built, {
          rounds,
          warmupMs: args.quick ? 200 : 500,
          durationMs: args.quick ? 600 : 1500,
          clients: [16, 128],
          // Many senders, a few messages in flight each (a room's users take turns; one user's messages
          // go to the store one after another, so one sender alone would measure a round trip).
          senders: 32,
          window: 2,
          log,
        }),
      );
      rows.push(...fanout);
    }
    if (args.sections.has('bundle') || args.sections.has('page')) {
      log('bundle: vite build');
      app = await timed('build', () => buildApp(join(tmp, 'dist')));
    }
    if (args.sections.has('page') && app) {
      const dist = app.dir;
      try {
        rows.push(...(await timed('page', () => runPage({ dist, rounds: args.quick ? 1 : 3, frames: 100_000, scrollMs: args.quick ? 2000 : 4000, log }))));
      } catch (error) {
        // The pages change often; say what broke and carry on with the other rows.
        const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
        log(`page: failed: ${message}`);
        failures.push(`page: ${message}`);
        rows.push({ section: 'page', name: 'render, scroll, heap', format: String, unit: '', higherIsBetter: true, ours: null, against: [], target: null, met: null, skipped: `failed: ${message}` });
      }
      try {
        rows.push(...(await timed('page flood', () => runPageFlood({ dist, rounds: args.quick ? 1 : 3, counts: [10_000, 50_000], log }))));
      } catch (error) {
        const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
        log(`page flood: failed: ${message}`);
        failures.push(`page flood: ${message}`);
        rows.push({ section: 'page', name: 'flood through the page\'s socket', format: String, unit: '', higherIsBetter: true, ours: null, against: [], target: null, met: null, skipped: `failed: ${message}` });
      }
    }
    if (args.sections.has('bundle') && app) rows.push(...bundleRows(app));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  info.loadEnd = loadavg()[0]!;
  const seconds = (performance.now() - started) / 1000;
  const order = ['ws', 'ws+bufferutil'].filter((c) => comparisons.has(c));
  const extra = [...comparisons].filter((c) => !order.includes(c) && c !== 'unwatched');

  if (args.json) {
    const document = {
      command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
      date: new Date().toISOString(),
      machine: info,
      seconds,
      notes,
      failures,
      rows: rows.map(rowJson),
    };
    process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  } else {
    const lines = [
      `Framescope vs ws — ${args.quick ? 'quick' : 'full'} run, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${seconds.toFixed(0)} s`,
      `machine: ${info.cpus} × ${info.cpuModel}, ${info.memoryGiB} GiB, ${info.platform}, Node ${info.node}; load ${info.loadStart.toFixed(2)} → ${info.loadEnd.toFixed(2)}`,
      `figures: median of ${rounds} alternating rounds (min–max); ratio = ours / ws (for latency and CPU: ws / ours, so >1 is better for us)`,
      ...notes,
      '',
      renderTable(rows, [...order, ...extra]),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  if (failures.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
