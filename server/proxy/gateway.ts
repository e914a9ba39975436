/**
 * `/proxy?target=<ws:// URL>&session=TOKEN`: a page watches somebody else's WebSocket server
 * through this one. For each upgrade the gateway reads the target, asks the upstream policy
 * (server/upstream/policy.ts) whether it may go there and at which address, opens TCP to that
 * address, forwards the browser's handshake with only the request target and Host rewritten, and
 * reads the target's response head, all within the handshake timeout. Then:
 *
 *  - a 101 (valid or not: the browser judges it) is relayed as it came and the connection is
 *    watched like any other (`open` with the 101 checked step by step, then reads, frames, faults,
 *    findings, `closed`), through relay.ts;
 *  - another HTTP answer is relayed as it came, and reported as `refused` with the target's status;
 *  - anything else gets a complete answer from the proxy itself, with the reason in its body and
 *    in a `refused` message: 400 (not a ws:// target), 403 (not allowed), 502 (TCP refused, not
 *    HTTP, closed mid-head), 504 (no answer in time). Never a hang.
 *
 * `GET /proxy?target=URL` (no upgrade) answers whether the target is allowed, as JSON, for a page
 * deciding whether to offer "Watch through Framescope".
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type tls from 'node:tls';
import { buildRefusalResponse, parseHttpHead, splitList, upgradeResponseSteps, type ResponseSteps } from '../../src/protocol/index.ts';
import type { Endpoint, UpgradeRequest } from '../endpoints/types.ts';
import { endWith, ignore, toBytes } from '../http/respond.ts';
import type { UpgradeSite } from '../http/upgrade.ts';
import { stamp, toHex, type ConnectionInfo, type ProxyRefusal } from '../inspector/messages.ts';
import type { InspectorSink } from '../inspector/types.ts';
import { quote, type Logger } from '../log.ts';
import type { ResolvedOptions } from '../options.ts';
import type { UpstreamCheck, UpstreamPolicy } from '../upstream/policy.ts';
import { reason } from './reasons.ts';
import { ProxiedConnection } from './relay.ts';
import { forwardedRequest, offerOf, PROXY_PATH, readTarget, requestBytes, type ProxyTarget } from './request.ts';
import { openUpstream, type UpstreamAttempt, type UpstreamResult } from './upstream.ts';
import { requestUrl } from '../http/target.ts';

export { PROXY_PATH } from './request.ts';

/** What a browser may send before the target answered (a browser sends nothing): more drops it. */
const EARLY_LIMIT = 64 * 1024;

export interface GatewayInit {
  policy: UpstreamPolicy;
  options: ResolvedOptions;
  logger: Logger;
  inspector: InspectorSink;
  /** The server's next connection id. */
  nextId(): number;
  /** Extra TLS options for wss:// targets (a test's own CA). */
  tls?: tls.ConnectionOptions;
}

type Target = Extract<ProxyTarget, { ok: true }>;

/** The registry's entry for /proxy: it routes and checks the upgrade; the gateway takes it from there. */
export function proxyEndpoint(): Endpoint {
  return {
    description: 'watches another WebSocket server: /proxy?target=ws%3A%2F%2F127.0.0.1%3A9001%2F&session=TOKEN (docs/your-own-server.md)',
    check(request: UpgradeRequest) {
      const target = readTarget(request.url);
      return target.ok ? null : { status: target.status, reason: target.reason };
    },
    open() {
      throw new Error('/proxy connections are opened by the proxy gateway, not as an endpoint');
    },
  };
}

export class ProxyGateway {
  readonly policy: UpstreamPolicy;
  readonly #init: GatewayInit;
  readonly #open = new Set<ProxiedConnection>();
  /** Browsers' sockets waiting for the target's answer, and the attempts under way for them. */
  readonly #pending = new Set<Socket>();
  readonly #attempts = new Set<UpstreamAttempt>();
  readonly #waiting = new Map<Socket, UpstreamAttempt>();

  constructor(init: GatewayInit) {
    this.#init = init;
    this.policy = init.policy;
  }

  /** Proxied connections open or being opened: they count toward the server's connection limit. */
  get size(): number {
    return this.#open.size + this.#pending.size;
  }

  get connections(): ReadonlySet<ProxiedConnection> {
    return new Set(this.#open);
  }

  /** A routed, checked upgrade to /proxy (the server already applied its limits). */
  async open(req: IncomingMessage, socket: Socket, head: Uint8Array, request: UpgradeRequest, site: UpgradeSite): Promise<void> {
    socket.on('error', ignore);
    this.#pending.add(socket);
    // Until the target answers, what the browser sends is kept (a browser sends nothing before
    // the 101; at most EARLY_LIMIT is kept) and its FIN noticed: the socket keeps being read.
    const early: Buffer[] = head.length > 0 ? [Buffer.from(head)] : [];
    let earlyBytes = head.length;
    const collect = (chunk: Buffer): void => {
      earlyBytes += chunk.length;
      if (earlyBytes > EARLY_LIMIT) socket.destroy();
      else early.push(chunk);
    };
    const gone = (): void => {
      this.#waiting.get(socket)?.cancel();
    };
    socket.on('data', collect);
    socket.once('end', gone);
    socket.once('close', gone);
    try {
      await this.#connect(req, socket, () => {
        socket.off('data', collect);
        socket.off('end', gone);
        socket.off('close', gone);
        socket.pause();
        return new Uint8Array(Buffer.concat(early));
      }, request, site);
    } catch (error) {
      // A bug of ours, not the target's: say so in the log, and drop the browser's socket.
      this.#init.logger.warn(`error /proxy ${request.peer}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      socket.destroy();
    } finally {
      this.#pending.delete(socket);
      this.#waiting.delete(socket);
    }
  }

  /** Resolve and check the target, open TCP to it, read its answer, and relay or refuse. */
  async #connect(req: IncomingMessage, socket: Socket, takeEarly: () => Uint8Array, request: UpgradeRequest, site: UpgradeSite): Promise<void> {
    const { options } = this.#init;
    const target = readTarget(request.url) as Target; // the endpoint's check refused any other
    const deadline = performance.now() + options.handshakeTimeout;
    const verdict = await withTimeout(this.policy.check(target.host, target.port, { peer: request.peer }), options.handshakeTimeout, {
      ok: false,
      reason: `Resolving ${target.host} took longer than the handshake timeout (${options.handshakeTimeout} ms).`,
    });
    if (socket.destroyed || socket.readableEnded) {
      socket.destroy(); // the browser left meanwhile
      return;
    }
    if (!verdict.ok) {
      this.#refuse(socket, site, 403, verdict.reason, { target: target.text, address: null, stage: 'policy', received: '' });
      return;
    }
    const forwarded = forwardedRequest(req, target);
    // Each address the one resolution allowed, in turn, while TCP is refused (localhost: ::1, then 127.0.0.1).
    const candidates = [{ address: verdict.address, family: verdict.family }, ...(verdict.alternatives ?? [])];
    let result: UpstreamResult | null = null;
    let address = '';
    for (const candidate of candidates) {
      address = candidate.family === 6 ? `[${candidate.address}]:${target.port}` : `${candidate.address}:${target.port}`;
      const attempt = openUpstream({
        address: candidate.address,
        family: candidate.family,
        port: target.port,
        secure: target.secure,
        servername: target.host === candidate.address ? null : target.host,
        shown: target.host === candidate.address ? address : `${target.host} (${address})`,
        request: requestBytes(forwarded),
        timeout: Math.max(1, Math.round(deadline - performance.now())),
        tls: this.#init.tls,
      });
      this.#attempts.add(attempt);
      this.#waiting.set(socket, attempt);
      result = await attempt.result;
      this.#attempts.delete(attempt);
      if (result.kind !== 'failed' || result.stage !== 'connect' || socket.destroyed || socket.readableEnded) break;
    }
    if (result === null) return;
    if (result.kind === 'failed') {
      if (socket.destroyed || socket.readableEnded) {
        socket.destroy();
        return;
      }
      this.#refuse(socket, site, result.status, result.reason, {
        target: target.text, address, stage: result.stage, received: toHex(result.received), reasonId: result.said.id, reasonValues: result.said.values,
      });
      return;
    }
    const upstream = result.socket;
    if (socket.destroyed || socket.readableEnded) {
      upstream.destroy();
      socket.destroy();
      return;
    }
    const early = takeEarly();
    const text = Buffer.from(result.head).toString('latin1');
    const offer = offerOf(req);
    const checked = upgradeResponseSteps(text, offer);
    const id = this.#init.nextId();
    const info: ConnectionInfo = {
      connection: id,
      ...stamp(),
      path: PROXY_PATH,
      session: request.session,
      peer: request.peer,
      request: site.handshake,
      response: { status: checked.status ?? 0, head: text },
      proxy: { target: target.text, address, forwarded, steps: checked.steps, ok: checked.ok },
    };
    const websocket = checked.status === 101;
    if (!websocket) this.#reportAnswer(site, target, address, text, checked);
    else this.#init.logger.info(`proxy #${id} ${request.peer} → ${target.text} (${address})${checked.ok ? '' : `: ${quote(firstProblem(checked))}`}`);
    const relay = new ProxiedConnection({
      id,
      session: request.session,
      peer: request.peer,
      info,
      client: socket,
      upstream,
      response: result.head,
      rest: result.rest,
      early,
      websocket,
      rsv1: websocket && negotiatedDeflate(text),
      inspector: this.#init.inspector,
      logger: this.#init.logger,
      maxPayload: options.maxPayload,
      idleTimeout: options.idleTimeout,
      closeTimeout: options.closeTimeout,
      closed: (r) => this.#open.delete(r),
    });
    socket.off('error', ignore);
    this.#open.add(relay);
    relay.start();
  }

  /** The target answered with HTTP but not 101: the answer is relayed as it is; the page hears why. */
  #reportAnswer(site: UpgradeSite, target: Target, address: string, head: string, checked: ResponseSteps): void {
    const status = checked.status ?? 0;
    const said = reason('answered-not-101', { line: head.split(/\r?\n/, 1)[0]! });
    const text = said.text;
    this.#init.logger.info(`proxy ${site.peer} → ${target.text}: ${quote(text)}`);
    this.#publishRefused(site, status, text, { status, head }, {
      reasonId: said.id,
      reasonValues: said.values,
      target: target.text,
      address,
      stage: 'response',
      received: toHex(Buffer.from(head, 'latin1').subarray(0, 1024)),
      steps: checked.steps,
    });
  }

  /** Answer the browser ourselves: a complete response with the reason, logged and reported. */
  #refuse(socket: Socket, site: UpgradeSite, status: number, reason: string, proxy: ProxyRefusal): void {
    const response = toBytes(buildRefusalResponse(status, reason));
    this.#init.logger.info(`refuse ${status} ${PROXY_PATH} ${site.peer}${proxy.target ? ` → ${proxy.target}` : ''}: ${quote(reason)}`);
    this.#publishRefused(site, status, reason, { status, head: Buffer.from(response).toString('utf8') }, proxy);
    endWith(socket, response);
  }

  #publishRefused(site: UpgradeSite, status: number, reason: string, response: { status: number; head: string }, proxy: ProxyRefusal): void {
    if (site.session === null) return;
    this.#init.inspector.publish(site.session, () => ({
      type: 'refused',
      ...stamp(),
      path: site.path,
      session: site.session,
      peer: site.peer,
      status,
      reason,
      request: site.handshake,
      response,
      proxy,
    }));
  }

  /** The server's limits refused the upgrade before the gateway saw it: say so like any refusal. */
  refuse(socket: Socket, site: UpgradeSite, status: number, reason: string, headers?: Record<string, string>): void {
    const target = readTarget(new URL(site.handshake.url, 'http://localhost'));
    const response = toBytes(buildRefusalResponse(status, reason, headers));
    this.#init.logger.info(`refuse ${status} ${PROXY_PATH} ${site.peer}: ${quote(reason)}`);
    this.#publishRefused(site, status, reason, { status, head: Buffer.from(response).toString('utf8') }, {
      target: target.text,
      address: null,
      stage: status === 503 ? 'limit' : 'policy',
      received: '',
    });
    endWith(socket, response);
  }

  /** `GET /proxy?target=URL`: may this server watch that target? JSON `{ target, allowed, address?, reason? }`. */
  async answerCheck(req: IncomingMessage, res: ServerResponse, peer: string): Promise<void> {
    const url = requestUrl(req.url);
    const target = readTarget(url);
    let body: Record<string, unknown>;
    let status = 200;
    if (!target.ok) {
      status = 400;
      body = { target: target.text, allowed: false, reason: target.reason };
    } else {
      const verdict: UpstreamCheck = await withTimeout(this.policy.check(target.host, target.port, { peer }), this.#init.options.handshakeTimeout, {
        ok: false,
        reason: `Resolving ${target.host} took too long.`,
      });
      body = verdict.ok
        ? { target: target.text, allowed: true, address: verdict.family === 6 ? `[${verdict.address}]:${target.port}` : `${verdict.address}:${target.port}` }
        : { target: target.text, allowed: false, reason: verdict.reason };
    }
    const bytes = Buffer.from(`${JSON.stringify(body)}\n`, 'utf8');
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(bytes.length), 'Cache-Control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : bytes);
  }

  /** Shutdown: drop every proxied connection (the proxy never sends a close frame of its own) and every attempt. */
  closeAll(): void {
    for (const attempt of [...this.#attempts]) attempt.cancel();
    for (const socket of [...this.#pending]) socket.destroy();
    for (const relay of [...this.#open]) relay.terminate('shutdown');
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(fallback), ms);
    timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(fallback);
      },
    );
  });
}

function firstProblem(checked: ResponseSteps): string {
  return checked.steps.find((s) => s.ok === false)?.message ?? '';
}

/** Did the 101 accept permessage-deflate (RSV1 then marks compressed messages, RFC 7692 §6)? */
function negotiatedDeflate(head: string): boolean {
  const parsed = parseHttpHead(head.replace(/\r?\n/g, '\r\n'));
  if (!parsed.ok) return false;
  const value = parsed.head.headers['sec-websocket-extensions'];
  const values = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return splitList(values.join(',')).some((e) => e.split(';')[0]!.trim().toLowerCase() === 'permessage-deflate');
}
