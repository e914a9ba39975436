/**
 * `npm run compare -- …`: start a Framescope server in this process on a free loopback port, run
 * the comparison over each transport from Node, print the table (or `--json`), stop the server.
 */
import { createFramescopeServer } from '../../server/server.ts';
import { runComparison } from '../compare/run.ts';
import { parseCompareArgs, USAGE } from './compare/args.ts';
import { nodeEnvironment } from './compare/node-environment.ts';
import { humanReport, jsonReport } from './compare/table.ts';

async function main(): Promise<void> {
  const parsed = parseCompareArgs(process.argv.slice(2));
  if (!parsed.ok) {
    process.stderr.write(`compare: ${parsed.error}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const { args } = parsed;
  if (args.help) {
    process.stdout.write(USAGE);
    return;
  }
  const server = createFramescopeServer({ quiet: true });
  let origin: string;
  try {
    const address = await server.listen(0, '127.0.0.1');
    origin = `http://127.0.0.1:${address.port}`;
  } catch (error) {
    process.stderr.write(`compare: the server did not start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
    return;
  }
  try {
    const measurements = await runComparison(nodeEnvironment(origin), {
      settings: args.settings,
      transports: args.transports,
      onProgress: args.json || !process.stderr.isTTY ? undefined : (p) => process.stderr.write(`\r${p.transport}: ${p.phase} ${p.sent}/${p.total} sent, ${p.delivered} echoed   `),
    });
    if (!args.json && process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    process.stdout.write(args.json ? `${JSON.stringify(jsonReport(measurements, args.settings), null, 2)}\n` : humanReport(measurements, args.settings, origin));
  } finally {
    await server.close({ timeout: 500 });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`compare: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
