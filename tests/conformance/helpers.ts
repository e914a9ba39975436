/**
 * What the grader's tests share: grading a URL, the fixture servers in Python and PHP (found by
 * themselves; missing: a loud skip, or a failure under CI=true), and the verdicts of a report as
 * sets of case ids.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { CASES, parseTarget, runConformance, selectCases } from '../../conformance/index.ts';
import type { RunOptions } from '../../conformance/run.ts';
import type { Behavior, ConformanceReport } from '../../src/wire/conformance.ts';

export const FIXTURES = fileURLToPath(new URL('../../conformance/fixtures/', import.meta.url));

/** Grade `url` with the cases `spec` names (all when omitted). */
export async function grade(url: string, spec?: string, options: Partial<RunOptions> = {}): Promise<{ report: ConformanceReport; stopped: string | null }> {
  const target = parseTarget(url);
  if (!target.ok) throw new Error(target.error);
  const selection = selectCases(CASES, spec);
  if (!selection.ok) throw new Error(selection.error);
  return runConformance({ target: target.target, cases: selection.cases, ...options });
}

/** The ids of the cases with this verdict, in run order. */
export function ids(report: ConformanceReport, behavior: Behavior): string[] {
  return report.cases.filter((c) => c.behavior === behavior).map((c) => c.id);
}

/** One line per case that is not OK, for assertion messages. */
export function explain(report: ConformanceReport): string {
  return report.cases
    .filter((c) => c.behavior !== 'OK')
    .map((c) => `${c.id} ${c.behavior} (${c.behaviorClose}): ${c.result}`)
    .join('\n');
}

/** Is this program on the PATH (it answers `--version`)? */
export function hasProgram(name: string): boolean {
  return spawnSync(name, ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * `describe` for tests that need a program (python3, php): with it, the suite; without it, a loud
 * warning and a skip, except under CI=true, where a missing program fails.
 */
export function describeWith(program: string, name: string, fn: () => void): void {
  if (hasProgram(program)) {
    describe(name, fn);
    return;
  }
  if (process.env['CI'] === 'true') {
    describe(name, () => {
      it(`has ${program} to run`, () => {
        throw new Error(`${program.toUpperCase()} IS MISSING under CI: apt-get install it (see .ci/run)`);
      });
    });
    return;
  }
  const line = `${program.toUpperCase()} NOT FOUND: skipping "${name}" (install ${program} to run these tests)`;
  const bar = '#'.repeat(line.length + 4);
  process.stderr.write(`\n${bar}\n# ${line} #\n${bar}\n\n`);
  describe.skip(name, fn);
}

export interface Fixture {
  port: number;
  url: string;
  child: ChildProcess;
  stop(): void;
}

/**
 * Start a fixture server (`program file --port 0 --flaw flaw`, no `--flaw` when null) and wait for
 * its "listening on" line. Each fixture also ends by itself when this process is gone.
 */
export function startFixture(program: string, file: string, flaw: string | null): Promise<Fixture> {
  const args = [`${FIXTURES}${file}`, '--port', '0', ...(flaw === null ? [] : ['--flaw', flaw])];
  const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let errors = '';
  child.stderr!.on('data', (d: Buffer) => (errors += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${file} did not start within 10 s: ${errors}`));
    }, 10_000);
    child.on('exit', (code) => reject(new Error(`${file} exited with ${code}: ${errors}`)));
    child.stdout!.on('data', (d: Buffer) => {
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(d.toString());
      if (!m) return;
      clearTimeout(timer);
      const port = Number(m[1]);
      resolve({ port, url: `ws://127.0.0.1:${port}/`, child, stop: () => child.kill('SIGKILL') });
    });
  });
}
