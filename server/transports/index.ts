/**
 * "Why WebSocket": the comparison's endpoints, on the same port as everything else (docs/compare.md).
 *
 *   POST /compare/{short-polling,long-polling,sse}/send?run=R&seq=N   a message (the body); 204
 *   GET  /compare/short-polling/poll?run=R&after=N                    the echoes after N, at once
 *   GET  /compare/long-polling/poll?run=R&after=N                     the same, held until there are some
 *   GET  /compare/sse/events?run=R                                    an event stream of echoes
 *   GET  /compare/websocket?run=R  (upgrade)                          the echo over our codec
 *   GET  /compare/stats?run=R                                         the run's counters (not counted)
 *
 * The server core asks `handleRequest` first for every plain HTTP request (npm start and the Vite
 * dev server alike) and registers `endpoint` at /compare/websocket.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  COMPARE_PATHS,
  RUN_TOKEN,
  TRANSPORT_NAMES,
  type HttpTransportName,
  type StatsResponse,
  type TransportName,
  type WireCounts,
} from '../../src/wire/compare.ts';
import type { Endpoint } from '../endpoints/types.ts';
import type { Logger } from '../log.ts';
import { receiveMessage, type Exchange } from './exchange.ts';
import { LongPolling } from './long-polling.ts';
import { ResponseMeter, requestHead } from './meter.ts';
import { resolveCompareOptions, type CompareOptions, type ResolvedCompareOptions } from './options.ts';
import { ByteBudget } from './queue.ts';
import { RunRegistry } from './runs.ts';
import { UnsentBytes } from './unsent.ts';
import { shortPoll } from './short-polling.ts';
import { ServerSentEvents } from './sse.ts';
import { compareWebSocketEndpoint } from './websocket.ts';

export type { CompareOptions } from './options.ts';

interface Route {
  method: 'GET' | 'POST';
  transport: HttpTransportName;
  handle(ex: Exchange): void | Promise<void>;
}

export class CompareTransports {
  readonly options: ResolvedCompareOptions;
  readonly runs: RunRegistry;
  /** Bytes of message bodies being received right now, all requests together. */
  readonly bodies: ByteBudget;
  /** Bytes written to clients' sockets and not read yet: poll answers and event streams. */
  readonly unsent: UnsentBytes;
  readonly longPolling: LongPolling;
  readonly sse: ServerSentEvents;
  /** /compare/websocket */
  readonly endpoint: Endpoint;
  readonly #routes: ReadonlyMap<string, Route>;
  readonly #sweeper: NodeJS.Timeout;
  readonly #logger: Logger;

  constructor(options: CompareOptions, logger: Logger) {
    this.#logger = logger;
    const o = (this.options = resolveCompareOptions(options));
    this.runs = new RunRegistry({ maxRuns: o.maxRuns, idleMs: o.runIdleMs, queue: o.queue, maxQueuedBytes: o.maxQueuedBytes });
    this.bodies = new ByteBudget(o.maxBodyBytesInFlight);
    this.unsent = new UnsentBytes(o, logger);
    const answers = { maxBytes: o.maxAnswerBytes, unsent: this.unsent };
    this.longPolling = new LongPolling(o, answers);
    this.sse = new ServerSentEvents(o, this.unsent, logger);
    this.endpoint = compareWebSocketEndpoint(this.runs, o.now);
    const send = (transport: HttpTransportName, queued: (ex: Exchange) => void): Route => ({
      method: 'POST',
      transport,
      handle: (ex) => receiveMessage(ex, transport, { limit: o.maxMessageBytes, budget: this.bodies }, () => queued(ex)),
    });
    this.#routes = new Map<string, Route>([
      [COMPARE_PATHS.send('short-polling'), send('short-polling', () => {})],
      [COMPARE_PATHS.poll('short-polling'), { method: 'GET', transport: 'short-polling', handle: (ex) => shortPoll(ex, answers) }],
      [COMPARE_PATHS.send('long-polling'), send('long-polling', (ex) => this.longPolling.queued(ex.run))],
      [COMPARE_PATHS.poll('long-polling'), { method: 'GET', transport: 'long-polling', handle: (ex) => this.longPolling.poll(ex) }],
      [COMPARE_PATHS.send('sse'), send('sse', (ex) => this.sse.queued(ex.run))],
      [COMPARE_PATHS.events, { method: 'GET', transport: 'sse', handle: (ex) => this.sse.events(ex) }],
    ]);
    this.#sweeper = setInterval(() => this.runs.sweep(o.now()), Math.min(60_000, o.runIdleMs));
    this.#sweeper.unref();
  }

  /** A plain HTTP request: answer it if it is one of ours (true), or leave it (false). */
  handleRequest(req: IncomingMessage, res: ServerResponse): boolean {
    const target = req.url ?? '/';
    if (!target.startsWith('/compare/')) return false;
    let url: URL;
    try {
      url = new URL(target, 'http://localhost');
    } catch {
      return false;
    }
    // The WebSocket's path is an endpoint: a plain request to it gets the server's 426.
    if (url.pathname === COMPARE_PATHS.websocket) return false;
    if (url.pathname === COMPARE_PATHS.stats) {
      this.#stats(req, res, url);
      return true;
    }
    const route = this.#routes.get(url.pathname);
    if (route === undefined) {
      refuse(req, res, 404, `No comparison endpoint at ${url.pathname}. There are: ${[...this.#routes.keys(), COMPARE_PATHS.stats, `${COMPARE_PATHS.websocket} (WebSocket)`].join(', ')}.`);
      return true;
    }
    if (req.method !== route.method) {
      refuse(req, res, 405, `${url.pathname} takes ${route.method}.`, { Allow: route.method });
      return true;
    }
    const token = url.searchParams.get('run');
    if (token === null || !RUN_TOKEN.test(token)) {
      refuse(req, res, 400, 'Say which run this is: ?run=TOKEN, 8-64 characters from A-Z a-z 0-9 _ -.');
      return true;
    }
    const run = this.runs.use(token, this.options.now());
    if (run === null) {
      refuse(req, res, 503, 'The server is running as many comparisons as it can hold; try again in a minute.', { 'Retry-After': '60' });
      return true;
    }
    const ledger = run.ledgers[route.transport];
    ledger.request(requestHead(req));
    const ex: Exchange = { req, url, meter: new ResponseMeter(res, ledger), run, ledger };
    const fail = (error: unknown): void => {
      this.#logger.warn(`error ${url.pathname} run=${token}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      res.destroy();
    };
    try {
      route.handle(ex)?.catch(fail);
    } catch (error) {
      fail(error);
    }
    return true;
  }

  /** Answer held polls, end event streams, stop the sweeper (the server is closing). */
  close(): void {
    clearInterval(this.#sweeper);
    this.longPolling.close();
    this.sse.close();
    this.unsent.close();
  }

  #stats(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const token = url.searchParams.get('run') ?? '';
    const run = this.runs.find(token);
    if (req.method !== 'GET') {
      refuse(req, res, 405, `${COMPARE_PATHS.stats} takes GET.`, { Allow: 'GET' });
      return;
    }
    if (run === undefined) {
      refuse(req, res, 404, `No run ${JSON.stringify(token)} on this server (runs are forgotten after ${Math.round(this.options.runIdleMs / 1000)} s idle).`);
      return;
    }
    const transports = Object.fromEntries(TRANSPORT_NAMES.map((name) => [name, run.ledgers[name].snapshot()])) as Record<TransportName, WireCounts>;
    const body: StatsResponse = { run: run.token, transports };
    new ResponseMeter(res, null).send(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }, JSON.stringify(body));
  }
}

/** An answer outside any run's count. */
function refuse(req: IncomingMessage, res: ServerResponse, status: number, reason: string, headers: Record<string, string> = {}): void {
  req.resume();
  new ResponseMeter(res, null).text(status, reason, headers);
}
