/** `npm run conformance` arguments (node:util parseArgs): what to run, or why the command line is wrong. */
import { parseArgs } from 'node:util';
import { CASES } from './cases/index.ts';
import type { CaseDef } from './case.ts';
import { DEFAULT_TIMEOUT } from './run.ts';
import { selectCases } from './select.ts';
import { parseTarget, type Target } from './target.ts';

export const USAGE = `usage: npm run --silent conformance -- ws://HOST:PORT/PATH [options]

Grades a WebSocket server against Autobahn|Testsuite's cases 1-7, 9 and 10 and Framescope's own
(x.0 opening handshake, x.1 frames across TCP reads, x.6 long UTF-8), from raw TCP.

  --cases LIST       only these cases: ids and globs, comma-separated (1.*,5.1.*,x.0.6)
  --json             print the report as one JSON object (docs/conformance.md)
  --report FILE      also write a self-contained HTML report to FILE
  --timeout MS       time budget of each case (default ${DEFAULT_TIMEOUT}); cases that wait longer by design get what they need
  --concurrency N    cases at once, 1-16 (default: up to 4 if the server takes two connections at once)
  --help             this text

Exit status: 0 when no case FAILED, 1 when one did (or the server went away), 2 on bad usage.
`;

export interface CliOptions {
  target: Target;
  cases: CaseDef[];
  json: boolean;
  report: string | null;
  timeout: number;
  concurrency: number | 'auto';
}

export type CliParse = { kind: 'run'; options: CliOptions } | { kind: 'help' } | { kind: 'error'; message: string };

function integer(text: string, name: string, min: number, max: number): number | string {
  if (!/^\d+$/.test(text)) return `${name} takes a whole number, not ${JSON.stringify(text)}`;
  const n = Number(text);
  return n < min || n > max ? `${name} must be between ${min} and ${max}, not ${n}` : n;
}

export function parseCli(argv: readonly string[]): CliParse {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        cases: { type: 'string' },
        json: { type: 'boolean', default: false },
        report: { type: 'string' },
        timeout: { type: 'string' },
        concurrency: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return { kind: 'error', message: (error as Error).message };
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (positionals.length === 0) return { kind: 'error', message: 'which server? give its URL, e.g. ws://127.0.0.1:9001/' };
  if (positionals.length > 1) return { kind: 'error', message: `one server at a time; got ${positionals.length} URLs (${positionals.join(' ')})` };
  const target = parseTarget(positionals[0]!);
  if (!target.ok) return { kind: 'error', message: target.error };
  const selection = selectCases(CASES, values.cases);
  if (!selection.ok) return { kind: 'error', message: selection.error };
  const timeout = values.timeout === undefined ? DEFAULT_TIMEOUT : integer(values.timeout, '--timeout', 100, 3_600_000);
  if (typeof timeout === 'string') return { kind: 'error', message: timeout };
  const concurrency = values.concurrency === undefined ? 'auto' : integer(values.concurrency, '--concurrency', 1, 16);
  if (typeof concurrency === 'string' && concurrency !== 'auto') return { kind: 'error', message: concurrency };
  if (values.report !== undefined && values.report.trim() === '') return { kind: 'error', message: '--report needs a file name' };
  return {
    kind: 'run',
    options: { target: target.target, cases: selection.cases, json: values.json === true, report: values.report ?? null, timeout, concurrency },
  };
}
