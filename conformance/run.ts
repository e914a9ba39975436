/**
 * A run: the chosen cases against one server, each with a time budget, a few at a time when the
 * server takes several connections at once (cases that move 16 MiB play alone), reported as they
 * finish. A server that stops answering does not hold the run: a case it leaves silent is given
 * up after a few seconds; a server that refuses TCP (crashed) is reported "unreachable from case N
 * on" and the run ends, unless it is back within two seconds (a restart); a server that accepts TCP
 * but answers no opening handshake three cases running ends the run the same way.
 */
import type { CaseReport, ConformanceReport } from '../src/wire/conformance.ts';
import { summarize } from '../src/wire/conformance.ts';
import { CaseState, isHandshakeCase, type CaseDef, type FuzzCase, type HandshakeCase } from './case.ts';
import { FuzzingClient } from './client.ts';
import { runHandshakeCase } from './handshake-case.ts';
import { judgeAutobahn, verdict } from './judge.ts';
import { probeConcurrency, waitReachable } from './probe.ts';
import type { Target } from './target.ts';
import { WireLog } from './wire-log.ts';

export interface RunOptions {
  target: Target;
  cases: readonly CaseDef[];
  /** Milliseconds each case may take (default 10,000; a case that waits longer by design gets what it needs). */
  timeout?: number;
  /** Cases at once: a number, or 'auto' (default): up to 4 if the server completes two handshakes at once, else 1. */
  concurrency?: number | 'auto';
  signal?: AbortSignal;
  onStart?(info: { total: number; ids: string[]; concurrency: number; startedAt: string }): void;
  /** Each case as it finishes (`done` cases finished so far, of `total`). */
  onCase?(report: CaseReport, done: number, total: number): void;
}

export interface RunResult {
  report: ConformanceReport;
  /** Why the run ended early ("server unreachable from case 3.2 on", "stopped"), or null. */
  stopped: string | null;
}

export const DEFAULT_TIMEOUT = 10_000;
/** A case with nothing crossing the connection for this long (at most half its budget, at least 1.2 s) is given up. */
const IDLE_MS = 5000;
const idleLimit = (budget: number): number => Math.max(1200, Math.min(IDLE_MS, budget / 2));
/** This many cases in a row with no answer to the opening handshake: the server is not answering. */
const HANDSHAKE_STREAK = 3;
/** This many cases in a row of one subgroup where the server sent nothing at all: the subgroup's rest is not played. */
const SILENT_STREAK = 3;
/** `stopped` while the run ends for a refused TCP: told at the end, from the earliest such case. */
const UNREACHABLE_STOP = 'server unreachable';
const UNREACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EADDRNOTAVAIL', 'ENOTFOUND', 'EAI_AGAIN']);

interface Played {
  report: CaseReport;
  /** TCP could not be opened. */
  unreachable: boolean;
  /** TCP opened but no 101 came (timeout, or closed without an answer). */
  noHandshake: boolean;
  /** The connection opened and the server sent nothing, nor closed it. */
  silent: boolean;
}

/** A case the grader never played: its own verdict, not the server's failure. */
function notPlayed(def: CaseDef, why: string): CaseReport {
  return { id: def.id, description: def.description, expectation: def.expectation, behavior: 'NOT PLAYED', behaviorClose: 'NOT PLAYED', result: `Not played: ${why}.`, durationMs: 0, wire: [] };
}

/**
 * The subgroup a silent streak skips: the id without its last part ("9.3" for 9.3.1, "2" for 2.1,
 * "x.0" for x.0.5). A server too slow for 4 MiB in 64-byte fragments (9.3.x) is still played on
 * 1 MiB in chops (9.5.x).
 */
export function subgroupOf(id: string): string {
  const cut = id.lastIndexOf('.');
  return cut === -1 ? id : id.slice(0, cut);
}

async function playFuzz(def: FuzzCase, target: Target, budget: number, signal: AbortSignal): Promise<Played> {
  const t0 = performance.now();
  const log = new WireLog(t0);
  const c = new CaseState();
  const p = new FuzzingClient(def, c, { target, log, handshakeTimeout: Math.min(5000, budget) });
  const guard = setTimeout(() => p.abort(`the case ran past its time budget of ${budget} ms`), budget);
  const limit = idleLimit(budget);
  const idle = setInterval(() => {
    if (p.state === 'OPEN' || p.state === 'CLOSING') {
      if (performance.now() - p.lastActivity > limit) p.abort(`nothing crossed the connection for ${Number((limit / 1000).toFixed(1))} s`);
    }
  }, 100);
  const onAbort = (): void => p.abort('the run was stopped');
  signal.addEventListener('abort', onAbort, { once: true });
  p.start();
  await p.finished;
  clearTimeout(guard);
  clearInterval(idle);
  signal.removeEventListener('abort', onAbort);
  judgeAutobahn(p, c);
  def.onConnectionLost?.(p, c);
  const v = verdict(def, p, c);
  return {
    report: { id: def.id, description: def.description, expectation: def.expectation, ...v, durationMs: Math.round(performance.now() - t0), wire: log.entries() },
    unreachable: p.connectError !== null && UNREACHABLE.has(p.connectError),
    noHandshake: !p.connectionWasOpen && p.connectError === null,
    silent: p.connectionWasOpen && p.bytesIn === 0 && !p.serverClosedTcp,
  };
}

async function playHandshake(def: HandshakeCase, target: Target, budget: number, signal: AbortSignal): Promise<Played> {
  const t0 = performance.now();
  const log = new WireLog(t0);
  const v = await runHandshakeCase(def, target, log, Math.min(5000, budget), signal);
  return {
    report: { id: def.id, description: def.description, expectation: def.expectation, behavior: v.behavior, behaviorClose: v.behaviorClose, result: v.result, durationMs: Math.round(performance.now() - t0), wire: log.entries() },
    unreachable: v.connectError !== null && UNREACHABLE.has(v.connectError),
    noHandshake: false,
    silent: false,
  };
}

/** Play `options.cases` against `options.target`. Never rejects; never waits past the budgets. */
export async function runConformance(options: RunOptions): Promise<RunResult> {
  const { target, cases } = options;
  const timeout = options.timeout ?? DEFAULT_TIMEOUT;
  const outer = options.signal;
  const controller = new AbortController();
  const signal = controller.signal;
  const onOuterAbort = (): void => stop('the run was stopped');
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const total = cases.length;
  const results: (CaseReport | null)[] = cases.map(() => null);
  let done = 0;
  let stopped: string | null = null;
  // With several cases at once, the one that finds the server gone first need not be the earliest:
  // the run is reported "unreachable from" the earliest case, in run order, that met a refused TCP.
  let unreachableAt = Number.POSITIVE_INFINITY;
  const stopText = (): string | null => (stopped === UNREACHABLE_STOP ? `server unreachable from case ${cases[unreachableAt]!.id} on` : stopped);
  let handshakeStreak: string[] = [];
  const silentStreak = new Map<string, string[]>();
  const skippedGroups = new Map<string, string>();

  function stop(why: string): void {
    if (stopped !== null) return;
    stopped = why;
    controller.abort();
  }
  function record(index: number, report: CaseReport): void {
    if (results[index] !== null) return;
    results[index] = report;
    done++;
    options.onCase?.(report, done, total);
  }

  const concurrency = options.concurrency === undefined || options.concurrency === 'auto'
    ? outer?.aborted ? 1 : await probeConcurrency(target, 4)
    : Math.max(1, Math.floor(options.concurrency));
  options.onStart?.({ total, ids: cases.map((c) => c.id), concurrency, startedAt });
  if (outer?.aborted) stop('the run was stopped');

  async function play(index: number): Promise<void> {
    const def = cases[index]!;
    const budget = Math.max(timeout, def.needs ?? 0);
    let played = isHandshakeCase(def) ? await playHandshake(def, target, budget, signal) : await playFuzz(def, target, budget, signal);
    if (played.unreachable && stopped === null) {
      // Crashed, or restarting: give it two seconds to come back, then play the case again once.
      if (await waitReachable(target, 2000, signal)) {
        played = isHandshakeCase(def) ? await playHandshake(def, target, budget, signal) : await playFuzz(def, target, budget, signal);
      }
    }
    if (played.unreachable) {
      unreachableAt = Math.min(unreachableAt, index);
      stop(UNREACHABLE_STOP);
      record(index, notPlayed(def, 'the server refused TCP when this case began (it had stopped, or crashed)'));
      return;
    }
    if (stopped !== null && cutShort(played)) {
      const why = stopped === 'the run was stopped' ? stopped : `the run ended while this case played (${stopped === UNREACHABLE_STOP ? 'the server became unreachable' : stopped})`;
      record(index, notPlayed(def, why));
      return;
    }
    if (played.noHandshake) {
      handshakeStreak.push(def.id);
      if (handshakeStreak.length >= HANDSHAKE_STREAK) stop(`server not answering the opening handshake from case ${handshakeStreak[0]} on`);
    } else if (!isHandshakeCase(def)) {
      handshakeStreak = [];
    }
    const group = subgroupOf(def.id);
    if (played.silent) {
      const streak = [...(silentStreak.get(group) ?? []), def.id];
      silentStreak.set(group, streak);
      if (streak.length >= SILENT_STREAK) skippedGroups.set(group, `the server sent nothing and kept the connection open in ${streak.join(', ')}, so the rest of ${group}.x was skipped`);
    } else {
      silentStreak.set(group, []);
    }
    record(index, played.report);
  }

  const inflight = new Set<Promise<void>>();
  const launch = (index: number): void => {
    const task = play(index).finally(() => inflight.delete(task));
    inflight.add(task);
  };
  for (let next = 0; next < total && stopped === null; next++) {
    const def = cases[next]!;
    const skip = skippedGroups.get(subgroupOf(def.id));
    if (skip !== undefined) {
      record(next, notPlayed(def, skip));
      continue;
    }
    if (def.exclusive) {
      await Promise.all(inflight);
      if (stopped !== null) break;
      await play(next);
      continue;
    }
    while (inflight.size >= concurrency) await Promise.race(inflight);
    if (stopped !== null) break;
    launch(next);
  }
  await Promise.all(inflight);
  outer?.removeEventListener('abort', onOuterAbort);
  const why = stopText();
  if (why !== null) cases.forEach((def, i) => results[i] === null && record(i, notPlayed(def, why)));

  const reports = results as CaseReport[];
  return {
    report: { target: target.url, startedAt, durationMs: Math.round(performance.now() - t0), cases: reports, summary: summarize(reports) },
    stopped: why,
  };
}

/** A case cut short by a stop is reported as not played, not as the server's failure. */
function cutShort(played: Played): boolean {
  return played.report.wire.some((e) => e.kind === 'event' && e.text.includes('the run was stopped'));
}
