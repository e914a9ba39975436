/**
 * Summarize a .cpuprofile (from `node --cpu-prof`): self time per function, the top N, e.g.
 *
 *   npx tsx bench/profile/top.ts /tmp/prof/CPU.*.cpuprofile
 *
 * Given several files (tsx's loader thread writes its own), it reads the busiest one.
 * TOP=40 shows more rows.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const files = process.argv.slice(2);
if (files.length === 0) throw new Error('usage: top.ts <file.cpuprofile>...');
const profile = files
  .map((file) => JSON.parse(readFileSync(file, 'utf8')) as Profile)
  .map((p) => ({ p, busy: busyTime(p) }))
  .sort((a, b) => b.busy - a.busy)[0]!.p;

function busyTime(p: Profile): number {
  const idle = new Set(p.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
  let busy = 0;
  p.samples.forEach((id, i) => {
    if (!idle.has(id)) busy += p.timeDeltas[i] ?? 0;
  });
  return busy;
}
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<string, number>();
let total = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const node = byId.get(profile.samples[i]!)!;
  const dt = profile.timeDeltas[i] ?? 0;
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${url.replace(/^.*\/(src|bench|server|node_modules)\//, '$1/')}:${lineNumber + 1}` : '';
  const key = `${functionName || '(anonymous)'} ${where}`.trim();
  self.set(key, (self.get(key) ?? 0) + dt);
  total += dt;
}
console.log(`busy ${(busyTime(profile) / 1000).toFixed(0)} ms of ${(total / 1000).toFixed(0)} ms sampled`);
const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 25));
for (const [key, t] of rows) console.log(`${((t / total) * 100).toFixed(1).padStart(5)}%  ${key}`);
