/**
 * `/conformance`: the grader, run in this process for a page (#/conformance) against a target
 * the upstream policy allows (the same allow list as `/proxy`, conformance-target.ts), its
 * progress streamed as JSON text messages (docs/conformance.md):
 *
 *   page -> server   { "type": "run", "target": "ws://127.0.0.1:9001/", "cases": "1.*,2.*", "timeout": 10000 }
 *                    { "type": "cancel" }
 *   server -> page   refused | started | case (one per case, as it finishes) | done | error
 *
 * One run at a time per connection, `maxRuns` at a time on the server; closing the page's socket
 * stops its run.
 */
import { decodeUtf8, type MessageEvent } from '../../src/protocol/index.ts';
import type { ConformanceEvent, ConformanceRequest } from '../../src/wire/conformance.ts';
import { CASES, parseTarget, runConformance, selectCases } from '../../conformance/index.ts';
import type { UpstreamPolicy } from '../upstream/policy.ts';
import { allowedTarget } from './conformance-target.ts';
import type { Endpoint } from './types.ts';

export interface ConformanceEndpointOptions {
  /** Where runs may go: the server's upstream policy, shared with `/proxy` (server/upstream/policy.ts). */
  policy: UpstreamPolicy;
  /** Runs at once on this server (each moves up to 16 MiB per case). Default 2. */
  maxRuns?: number;
}

/** A page that stops reading: past this many bytes waiting in its socket, its run is stopped. */
const MAX_BUFFERED = 32 * 1024 * 1024;

function parseRequest(data: Uint8Array): ConformanceRequest | string {
  let value: unknown;
  try {
    value = JSON.parse(decodeUtf8(data));
  } catch {
    return 'A message to /conformance is one JSON object, such as {"type":"run","target":"ws://127.0.0.1:9001/"}.';
  }
  const v = value as Partial<Record<string, unknown>> | null;
  if (v === null || typeof v !== 'object') return 'A message to /conformance is a JSON object.';
  if (v['type'] === 'cancel') return { type: 'cancel' };
  if (v['type'] !== 'run') return `Unknown message type ${JSON.stringify(v['type'])}: "run" or "cancel".`;
  if (typeof v['target'] !== 'string') return 'A run needs "target", the ws:// URL of the server to grade.';
  if (v['cases'] !== undefined && typeof v['cases'] !== 'string') return '"cases" is a string of ids and globs, such as "1.*,5.1.*".';
  const timeout = v['timeout'];
  if (timeout !== undefined && (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 100 || timeout > 600_000)) {
    return '"timeout" is a whole number of milliseconds between 100 and 600000.';
  }
  return { type: 'run', target: v['target'], ...(v['cases'] !== undefined ? { cases: v['cases'] as string } : {}), ...(timeout !== undefined ? { timeout: timeout as number } : {}) };
}

export function conformanceEndpoint(options: ConformanceEndpointOptions): Endpoint {
  const maxRuns = options.maxRuns ?? 2;
  let running = 0;
  return {
    description: 'grades a WebSocket server the allow list permits (npm run conformance, in the page) and streams the results as JSON',
    // The page only listens while a run plays; pings find a dead one.
    noIdleTimeout: true,
    open(connection) {
      let run: AbortController | null = null;
      const send = (event: ConformanceEvent): void => {
        connection.sendText(JSON.stringify(event));
        if (connection.bufferedAmount > MAX_BUFFERED) run?.abort();
      };
      const start = async (request: Extract<ConformanceRequest, { type: 'run' }>): Promise<void> => {
        const refuse = (reason: string, target: string | null = request.target): void => send({ type: 'refused', target, reason });
        if (run !== null) return refuse('A run is already going on this connection: cancel it first.');
        const target = parseTarget(request.target);
        if (!target.ok) return refuse(target.error);
        const selection = selectCases(CASES, request.cases);
        if (!selection.ok) return refuse(selection.error);
        if (running >= maxRuns) return refuse(`${running} runs are going on this server already; try again when one has finished.`);
        const controller = new AbortController();
        run = controller;
        running++;
        try {
          const allowed = await allowedTarget(options.policy, target.target, connection.peer);
          if (!allowed.ok) return refuse(allowed.reason, target.target.url);
          const { report, stopped } = await runConformance({
            target: allowed.target,
            cases: selection.cases,
            ...(request.timeout !== undefined ? { timeout: request.timeout } : {}),
            signal: controller.signal,
            onStart: ({ total, ids, startedAt }) => send({ type: 'started', target: target.target.url, startedAt, total, ids }),
            onCase: (c, done, total) => send({ type: 'case', index: done - 1, total, case: c }),
          });
          send({ type: 'done', target: report.target, startedAt: report.startedAt, durationMs: report.durationMs, summary: report.summary, stopped });
        } catch (error) {
          send({ type: 'error', message: `The grader failed: ${(error as Error).message}` });
        } finally {
          running--;
          run = null;
        }
      };
      return {
        message(message: MessageEvent) {
          const request = message.binary ? 'Messages to /conformance are JSON text, not binary.' : parseRequest(message.data);
          if (typeof request === 'string') return send({ type: 'refused', target: null, reason: request });
          if (request.type === 'cancel') return run?.abort();
          void start(request);
        },
        closed() {
          run?.abort();
        },
      };
    },
  };
}
