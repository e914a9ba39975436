/**
 * `npm run --silent conformance -- ws://HOST:PORT/PATH [--cases 1.*] [--json] [--report F.html]
 * [--timeout MS]`: the shell around runConformance. The progress line goes to stderr when it is a
 * terminal; the table (or the JSON) to stdout; Ctrl-C stops the run and prints what was played.
 */
import { writeFileSync } from 'node:fs';
import { parseCli, USAGE } from './cli-args.ts';
import { renderHtmlReport } from './report-html.ts';
import { runConformance } from './run.ts';
import { formatTable, progressLine, summaryLine } from './terminal.ts';

function quietOnBrokenPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

async function main(): Promise<void> {
  quietOnBrokenPipe(process.stdout);
  quietOnBrokenPipe(process.stderr);
  const cli = parseCli(process.argv.slice(2));
  if (cli.kind === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  if (cli.kind === 'error') {
    process.stderr.write(`conformance: ${cli.message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const o = cli.options;
  // https://no-color.org: colour only for a terminal, and never when NO_COLOR is set to anything.
  const noColor = !!process.env['NO_COLOR'];
  const out = { color: process.stdout.isTTY === true && !noColor, width: process.stdout.columns ?? 100 };
  const err = { color: process.stderr.isTTY === true && !noColor, width: process.stderr.columns ?? 100 };
  const live = process.stderr.isTTY === true;

  const controller = new AbortController();
  let interrupted = false;
  process.on('SIGINT', () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write('\nconformance: stopping (Ctrl-C again to quit at once)\n');
    controller.abort();
  });

  let failed = 0;
  const { report, stopped } = await runConformance({
    target: o.target,
    cases: o.cases,
    timeout: o.timeout,
    concurrency: o.concurrency,
    signal: controller.signal,
    onStart: ({ total, concurrency }) => {
      if (live) process.stderr.write(`grading ${o.target.url}: ${total} case${total === 1 ? '' : 's'}, ${concurrency} at a time\n`);
    },
    onCase: (c, done, total) => {
      if (c.behavior === 'FAILED') failed++;
      if (live) process.stderr.write(`\r\x1b[2K${progressLine(done, total, c, failed, err)}`);
    },
  });
  if (live) process.stderr.write('\r\x1b[2K');

  process.stdout.write(o.json ? `${JSON.stringify(report)}\n` : formatTable(report, out));
  if (stopped !== null) process.stderr.write(`conformance: ${stopped}\n`);
  if (o.report !== null) {
    try {
      writeFileSync(o.report, renderHtmlReport(report));
      process.stderr.write(`conformance: report written to ${o.report}\n`);
    } catch (error) {
      process.stderr.write(`conformance: cannot write the report to ${o.report}: ${(error as Error).message}\n`);
      process.exitCode = 2;
      return;
    }
  }
  if (o.json && live) process.stderr.write(`summary: ${summaryLine(report, err)}\n`);
  // A run that ended early (the server went away) is not a pass, whatever was played before it.
  process.exitCode = report.summary.FAILED === 0 && stopped === null ? 0 : 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`conformance: the grader itself failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
