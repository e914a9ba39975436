/**
 * CPU profiles of the echo servers on one scenario, e.g.
 *
 *   npx tsx bench/profile/echo.ts "16 clients × 64 KiB pipelined" /tmp/prof
 *   npx tsx bench/profile/top.ts /tmp/prof/ours/*.cpuprofile
 *
 * Runs the scenario (3 rounds) with each server started under `node --cpu-prof`, its profile in
 * DIR/<label>/ (ours, ws+bufferutil), and prints the rows as `npm run bench` would.
 */
import { runEcho } from '../echo/section';
import { renderTable } from '../lib/report';
import { buildScripts } from '../lib/scripts';

const [scenario = '16 clients × 64 KiB pipelined', profileDir = '/tmp/framescope-prof'] = process.argv.slice(2);
const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};
const scripts = await buildScripts();
const { rows, comparisons } = await runEcho(scripts, {
  rounds: 3,
  warmupMs: 300,
  durationMs: 1500,
  wsWithoutBufferutil: false,
  match: [scenario],
  skipInspector: !scenario.includes('watched'),
  profileDir,
  log,
});
console.log(renderTable(rows, comparisons));
console.log(`profiles: ${profileDir}/<server>/`);
