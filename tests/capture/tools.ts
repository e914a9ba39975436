/**
 * The system programs the capture tests use (tshark, dumpcap; Debian's tshark package has both):
 * found by themselves; missing, the tests that need them say so loudly and skip, except under
 * CI=true, where a missing program is a failure (.ci/run installs it). And live captures on a
 * loopback interface with dumpcap, which need the right to capture: where it is refused, the
 * caller falls back to the checked-in captures and says so.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

export const CI = process.env.CI === 'true' || process.env.CI === '1';

export function have(program: string): boolean {
  const out = spawnSync(program, ['--version'], { encoding: 'utf8' });
  return out.error === undefined && out.status === 0;
}

export function banner(file: string, why: string, consequence: string): string {
  return `\n${'!'.repeat(78)}\n!! ${file}: ${why}\n!! ${consequence}\n${'!'.repeat(78)}\n`;
}

/**
 * Define the suite only when the programs are there. Missing: under CI=true a failing test, else
 * a loud warning and a skipped suite.
 */
export function withPrograms(file: string, programs: readonly string[], title: string, define: () => void): void {
  const missing = programs.filter((p) => !have(p));
  if (missing.length === 0) {
    define();
    return;
  }
  const why = `${missing.join(' and ')} not found (apt-get install tshark)`;
  if (CI) {
    describe(title, () => {
      it(`needs ${missing.join(', ')} (CI=true: .ci/run installs the tshark package)`, () => {
        expect.fail(`${why}: ${title} cannot run`);
      });
    });
  } else {
    console.warn(banner(file, `SKIPPED: ${why}`, `${title} did NOT run.`));
    describe.skip(`${title} (${why})`, () => it('skipped', () => {}));
  }
}

export interface LiveCapture {
  /** Stop capturing (SIGINT, as Ctrl-C) and give the file's bytes. */
  stop(): Promise<Uint8Array>;
  /** Stop without waiting for the file (the session failed). */
  abort(): void;
}

/**
 * Start `dumpcap -i IFACE -f FILTER -w FILE` (plus `extra` arguments, e.g. `-P` for pcap) and wait
 * until it captures. Resolves to a string saying why when it cannot (no right to capture, say).
 */
export async function startCapture(iface: string, filter: string, file: string, extra: readonly string[] = []): Promise<LiveCapture | string> {
  const child: ChildProcess = spawn('dumpcap', ['-i', iface, '-f', filter, '-w', file, ...extra], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  const started = await new Promise<string | null>((resolve) => {
    const timer = setTimeout(() => resolve(`dumpcap did not start capturing on ${iface} within 15 s: ${stderr.trim()}`), 15_000);
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes('Capturing on')) {
        clearTimeout(timer);
        resolve(null);
      }
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      resolve(`dumpcap could not be run: ${err.message}`);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(`dumpcap exited (${code}): ${stderr.trim()}`);
    });
  });
  if (started !== null) {
    child.kill('SIGKILL');
    return started;
  }
  // "Capturing on" comes before the interface is opened: without the right to capture, dumpcap
  // says so and exits just after. Give it that moment (and the kernel filter time to be in place).
  await new Promise((r) => setTimeout(r, 700));
  if (exited !== undefined) return `dumpcap exited (${exited}): ${stderr.replace(/^Capturing on .*\n?/m, '').trim().split(/\n\s*\n/)[0]!.replace(/\s+/g, ' ')}`;
  return {
    abort(): void {
      if (exited === undefined) child.kill('SIGKILL');
    },
    async stop(): Promise<Uint8Array> {
      // Let the last packets reach the capture before stopping it.
      await new Promise((r) => setTimeout(r, 300));
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGINT');
      await exited;
      if (!existsSync(file) || statSync(file).size === 0) throw new Error(`dumpcap wrote nothing to ${file}: ${stderr.trim()}`);
      return new Uint8Array(readFileSync(file));
    },
  };
}
