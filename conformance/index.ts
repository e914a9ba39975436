/**
 * The grader (`npm run conformance`, docs/your-own-server.md): Autobahn|Testsuite's cases 1-7, 9
 * and 10 and ours (x.0 opening handshake, x.1 TCP reads, x.6 long UTF-8), played from raw TCP
 * against any WebSocket server, frames built and read with src/protocol. Node only; never imports
 * src/app/.
 *
 *   const parsed = parseTarget('ws://127.0.0.1:9001/');
 *   const { report } = await runConformance({ target: parsed.target, cases: CASES });
 */
export { CASES } from './cases/index.ts';
export type { CaseDef } from './case.ts';
export { selectCases } from './select.ts';
export { parseTarget, type Target } from './target.ts';
export { DEFAULT_TIMEOUT, runConformance, type RunOptions, type RunResult } from './run.ts';
export { renderHtmlReport } from './report-html.ts';
