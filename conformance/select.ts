/**
 * `--cases 1.*,5.1.*,x.0.6`: which cases to play. A comma-separated list of case ids and globs
 * (`*` stands for any characters, dots included), as Autobahn's fuzzingclient.json "cases" list.
 */
import type { CaseDef } from './case.ts';

export type Selection = { ok: true; cases: CaseDef[] } | { ok: false; error: string };

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

/** The cases `spec` names, in the run's order; an unknown id or a glob that matches nothing is an error. */
export function selectCases(all: readonly CaseDef[], spec: string | undefined): Selection {
  if (spec === undefined || spec.trim() === '') return { ok: true, cases: [...all] };
  const patterns = spec.split(',').map((x) => x.trim()).filter((x) => x !== '');
  const chosen = new Set<CaseDef>();
  for (const pattern of patterns) {
    if (!/^[\w.*-]+$/.test(pattern)) return { ok: false, error: `--cases: ${JSON.stringify(pattern)} is not a case id or a glob such as 1.* or 5.1.*` };
    const re = globToRegExp(pattern);
    const hits = all.filter((c) => re.test(c.id));
    if (hits.length === 0) return { ok: false, error: `--cases: ${JSON.stringify(pattern)} matches no case (ids look like 1.1.1, 5.19, 7.9.3, x.0.6)` };
    for (const c of hits) chosen.add(c);
  }
  return { ok: true, cases: all.filter((c) => chosen.has(c)) };
}
