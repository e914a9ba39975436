/**
 * The Framescope server: routes each HTTP upgrade by its path to an endpoint (`/echo`, `/chat`,
 * `/inspect`), answers everything else with a complete HTTP response and a reason, and owns the
 * connections and the inspector hub.
 *
 * Used two ways:
 *  - standalone: `createFramescopeServer(options).listen(port, host)` (server/main.ts, the tests):
 *    its own node:http server, which also serves the built app if `staticDir` is set;
 *  - inside Vite: `attach(viteHttpServer, { exclusive: false })` (server/vite-plugin.ts): only our
 *    paths are taken, Vite's HMR socket is left alone.
 *
 * This file ties the parts together; each concern has its own module: upgrade routing and refusals
 * (http/upgrade.ts), handshake timeouts (http/timeouts.ts), plain requests and the built app
 * (http/requests.ts, http/static.ts), the connections and shutdown (connections.ts).
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import type { Duplex } from 'node:stream';
import { computeAccept } from '../src/protocol/index.ts';
import { ServerConnection } from './connection.ts';
import type { ConnectionContext } from './connection/types.ts';
import { MemoryBudget } from './connection/memory-budget.ts';
import { ConnectionSet } from './connections.ts';
import { chooseDeflate } from './deflate/negotiation.ts';
import { builtinEndpoints } from './endpoints/index.ts';
import { EndpointRegistry } from './endpoints/registry.ts';
import type { Endpoint } from './endpoints/types.ts';
import { answerClassRequest, CLASS_PATH } from './http/class-info.ts';
import { answerAppRequest, answerEndpointRequest } from './http/requests.ts';
import { ignore } from './http/respond.ts';
import { answerClientError, HandshakeGuard, httpTimeouts } from './http/timeouts.ts';
import { isViteUpgrade, pathOf, peerOf, refuse, routeUpgrade, switchProtocols, type UpgradeRefusal, type UpgradeSite } from './http/upgrade.ts';
import { inspectEndpoint } from './inspector/endpoint.ts';
import { InspectorHub } from './inspector/hub.ts';
import { stamp, type ConnectionInfo } from './inspector/messages.ts';
import { consoleLogger, silentLogger, type Logger } from './log.ts';
import { resolveOptions, type ResolvedOptions, type ServerOptions } from './options.ts';
import { CompareTransports, type CompareOptions } from './transports/index.ts';
import { COMPARE_PATHS } from '../src/wire/compare.ts';
import { PROXY_PATH, proxyEndpoint, ProxyGateway } from './proxy/gateway.ts';
import { startRecording, type RecordOptions, type Recording } from './record/index.ts';
import { upstreamPolicy, type UpstreamPolicy } from './upstream/policy.ts';

export interface FramescopeServerOptions extends ServerOptions {
  /** Endpoints to add to (or replace among) the built-in ones, by path: `{ '/chat': chatEndpoint }`. */
  endpoints?: Record<string, Endpoint>;
  /** Limits of the "Why WebSocket" comparison's endpoints (server/transports/). */
  compare?: CompareOptions;
  /** Extra TLS options for `/proxy`'s wss:// targets (a certificate authority of your own, `ca`). */
  upstreamTls?: TlsOptions;
  /** Where `/proxy` and the grader (`/conformance`) may go, instead of the one `allowUpstream` describes (server/upstream/policy.ts). */
  upstreamPolicy?: UpstreamPolicy;
  /** `--record DIR`: a pcapng and a JSON capture of every connection, written when it closes (server/record/). */
  record?: RecordOptions;
}

export interface AttachOptions {
  /**
   * Take every upgrade request (unknown paths get 404). False inside Vite: only our paths are
   * taken, and never a request for Vite's HMR subprotocol.
   */
  exclusive?: boolean;
  /** Drop sockets that do not complete a request head within the handshake timeout (own servers). */
  guardHandshake?: boolean;
  /**
   * Upgrades another listener on the same server answers (Vite's HMR socket and proxy, see
   * vite-upgrades.ts): left alone even when `exclusive`, which takes all the others.
   */
  leave?: (req: IncomingMessage) => boolean;
}

export interface CloseOptions {
  /** Close code sent to every open connection (default 1001 Going Away). */
  code?: number;
  reason?: string;
  /** Milliseconds to wait for closing handshakes before dropping what is left (default: closeTimeout). */
  timeout?: number;
}

/** The path of the inspector endpoint. */
export const INSPECT_PATH = '/inspect';
export { PROXY_PATH };

/** A route that passed every check: what opening the connection needs. */
type Accepted = Extract<ReturnType<typeof routeUpgrade>, { ok: true }>;

export class FramescopeServer {
  readonly options: ResolvedOptions;
  readonly logger: Logger;
  readonly hub: InspectorHub;
  readonly endpoints: EndpointRegistry;
  /** /compare/*: the same echo over short and long polling, SSE and WebSocket, bytes counted. */
  readonly compare: CompareTransports;
  /** `/proxy`: watching another WebSocket server (server/proxy/). */
  readonly proxy: ProxyGateway;
  /** `--record`: where every connection is written, or null. */
  readonly recording: Recording | null;
  readonly #connections = new ConnectionSet();
  readonly #context: ConnectionContext;
  #nextId = 1;
  #closing = false;
  #httpServer: http.Server | null = null;
  /** The HTTP servers attach() hooked (its own, or Vite's): where it listens, for `GET /class`. */
  readonly #attached: http.Server[] = [];
  readonly #detach: (() => void)[] = [];

  constructor(options: FramescopeServerOptions = {}) {
    this.options = resolveOptions(options);
    this.logger = options.logger ?? (options.quiet ? silentLogger : consoleLogger);
    this.hub = new InspectorHub({ classMode: this.options.classMode, limits: this.options.inspector });
    // One allow list for /proxy and the grader's runs (/conformance).
    const policy = options.upstreamPolicy ?? upstreamPolicy(this.options.allowUpstream);
    this.endpoints = new EndpointRegistry({ ...builtinEndpoints(policy, { subprotocols: this.options.subprotocols }), ...options.endpoints });
    // Endpoints that know their users' names (the chat room) name the students in class mode.
    for (const path of this.endpoints.paths()) this.endpoints.get(path)?.names?.((session, name) => this.hub.students.nickname(session, name));
    this.endpoints.register(INSPECT_PATH, inspectEndpoint(this.hub, this.options));
    this.compare = new CompareTransports(options.compare ?? {}, this.logger);
    this.endpoints.register(COMPARE_PATHS.websocket, this.compare.endpoint);
    this.endpoints.register(PROXY_PATH, proxyEndpoint());
    // --record: the connections report to a sink that records, then passes everything on to the hub.
    this.recording = options.record ? startRecording(options.record, this.hub, this.logger, this.options.maxPayload + 14) : null;
    const inspector = this.recording?.sink ?? this.hub;
    this.proxy = new ProxyGateway({
      policy,
      options: this.options,
      logger: this.logger,
      inspector,
      nextId: () => this.#nextId++,
      tls: options.upstreamTls,
    });
    this.#context = {
      options: this.options,
      logger: this.logger,
      inspector,
      budget: new MemoryBudget(this.options.memoryBudget),
      closed: (id) => this.#connections.remove(id),
    };
  }

  /** The open WebSocket connections (inspector subscribers included), as they are now. */
  get connections(): ReadonlySet<ServerConnection> {
    return this.#connections.snapshot();
  }

  /** The node:http server `listen()` created, if any. */
  get httpServer(): http.Server | null {
    return this.#httpServer;
  }

  /** The teacher's token in class mode (given, or made when the server was created); null otherwise. */
  get teacherToken(): string | null {
    return this.options.teacherToken;
  }

  /** Where the first HTTP server it is attached to listens (null before it does). */
  get address(): AddressInfo | null {
    for (const server of this.#attached) {
      const address = server.address();
      if (address !== null && typeof address === 'object') return address;
    }
    return null;
  }

  /** Is `pathname` one of this server's WebSocket endpoints? */
  handles(pathname: string): boolean {
    return this.endpoints.has(pathname);
  }

  /**
   * Listen on `port` (0: any free port) and `host` (default 127.0.0.1), with the endpoints and,
   * if `staticDir` was given, the built app. Rejects with the listen error (EADDRINUSE...).
   */
  async listen(port = 8008, host = '127.0.0.1'): Promise<AddressInfo> {
    if (this.#httpServer !== null) throw new Error('already listening');
    // node:http's own slowloris guards for request heads (the guard in attach() covers the first one exactly).
    const server = http.createServer(httpTimeouts(this.options.handshakeTimeout));
    server.keepAliveTimeout = 5_000;
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (!this.handleRequest(req, res)) answerAppRequest(req, res, this.options.staticDir, this.endpoints.paths());
    });
    server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => answerClientError(error, socket));
    this.attach(server, { exclusive: true, guardHandshake: true });
    this.#httpServer = server;
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => {
        server.off('listening', onListening);
        this.#httpServer = null;
        reject(error);
      };
      const onListening = (): void => {
        server.off('error', onError);
        resolve();
      };
      server.once('error', onError);
      server.once('listening', onListening);
      server.listen({ port, host, backlog: 2048 });
    });
    return server.address() as AddressInfo;
  }

  /** Hook an http.Server's upgrades (and, with guardHandshake, its connections). Returns the undo. */
  attach(server: http.Server, options: AttachOptions = {}): () => void {
    const exclusive = options.exclusive ?? false;
    const leave = options.leave;
    const guard = new HandshakeGuard(this.options.handshakeTimeout);
    const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
      guard.clear(socket as Socket);
      if (leave?.(req)) return;
      if (!exclusive && (!this.handles(pathOf(req.url)) || isViteUpgrade(req))) return;
      this.handleUpgrade(req, socket as Socket, head);
    };
    const onRequest = (req: IncomingMessage): void => guard.clear(req.socket);
    const onConnection = (socket: Socket): void => guard.watch(socket);
    const onClose = (): void => {
      void this.close();
    };
    server.on('upgrade', onUpgrade);
    server.on('close', onClose);
    this.#attached.push(server);
    if (options.guardHandshake) {
      server.on('connection', onConnection);
      server.on('request', onRequest);
    }
    const undo = (): void => {
      this.#attached.splice(this.#attached.indexOf(server) >>> 0, 1);
      server.off('upgrade', onUpgrade);
      server.off('close', onClose);
      server.off('connection', onConnection);
      server.off('request', onRequest);
    };
    this.#detach.push(undo);
    return undo;
  }

  /**
   * A plain HTTP request (no upgrade) for one of our endpoint paths: answer 426 (or 400) with the
   * reason, as src/protocol/handshake/ says; the comparison's HTTP endpoints (/compare/*) answer
   * their own. Returns false for any other path.
   */
  handleRequest(req: IncomingMessage, res: ServerResponse): boolean {
    if (this.compare.handleRequest(req, res)) return true;
    const path = pathOf(req.url);
    if (path === CLASS_PATH) {
      answerClassRequest(req, res, { classMode: this.options.classMode, teacherToken: this.options.teacherToken, bound: this.address });
      return true;
    }
    if (!this.handles(path)) return false;
    if (path === PROXY_PATH && req.headers.upgrade === undefined && (req.method === 'GET' || req.method === 'HEAD')) {
      this.proxy.answerCheck(req, res, peerOf(req.socket)).catch(() => res.destroy());
      return true;
    }
    answerEndpointRequest(req, res, path);
    return true;
  }

  /** Take an upgrade request: refuse it with a complete HTTP response, or complete the handshake. */
  handleUpgrade(req: IncomingMessage, socket: Socket, head: Uint8Array): void {
    socket.on('error', ignore);
    const route = routeUpgrade(req, peerOf(socket), this.endpoints);
    if (!route.ok) {
      this.#refuse(socket, route.site, route.refusal);
      return;
    }
    const full = this.#admission();
    if (full !== null) {
      if (route.request.path === PROXY_PATH) this.proxy.refuse(socket, route.site, full.status, full.reason, full.headers);
      else this.#refuse(socket, route.site, full);
      return;
    }
    if (route.request.path === PROXY_PATH) {
      void this.proxy.open(req, socket, head, route.request, route.site);
      return;
    }
    this.#open(socket, head, route, computeAccept(route.key));
  }

  /** Why no connection may open now (shutting down, at the limit), or null. */
  #admission(): UpgradeRefusal | null {
    if (this.#closing) return { status: 503, reason: 'The server is shutting down.' };
    const max = this.options.maxConnections;
    // Proxied connections (and those still waiting for their target) count too.
    if (this.#connections.size + this.proxy.size >= max) {
      return { status: 503, reason: `The server is at its limit of ${max} WebSocket connections; try again later.`, headers: { 'Retry-After': '5' } };
    }
    return null;
  }

  /** Write the 101 and start the connection. */
  #open(socket: Socket, head: Uint8Array, route: Accepted, accept: string): void {
    const { request, endpoint } = route;
    const selected = endpoint.selectProtocol?.(route.protocols, request) ?? null;
    const subprotocol = selected !== null && typeof selected === 'object' ? selected : null;
    const protocol = subprotocol ? subprotocol.chosen : (selected as string | null);
    // permessage-deflate for the endpoints that carry messages; the inspector's own stream stays plain.
    const deflate = request.path === INSPECT_PATH ? null : chooseDeflate(request.headers, request.url, this.options.deflate);
    const response = switchProtocols(socket, accept, protocol, deflate?.agreed?.response ?? null);
    const id = this.#nextId++;
    const info: ConnectionInfo = {
      connection: id,
      ...stamp(),
      path: request.path,
      session: request.session,
      peer: request.peer,
      request: route.site.handshake,
      response: { status: 101, head: response },
      ...(deflate ? { deflate: deflate.report } : {}),
      ...(subprotocol ? { subprotocol } : {}),
    };
    const connection = new ServerConnection({
      id,
      socket,
      head: head.length > 0 ? new Uint8Array(head) : new Uint8Array(0),
      request,
      protocol,
      endpoint,
      info,
      deflate: deflate?.agreed?.params ?? null,
      watchable: request.path !== INSPECT_PATH,
      context: this.#context,
    });
    socket.off('error', ignore);
    this.#connections.add(connection);
    connection.start();
  }

  #refuse(socket: Socket, site: UpgradeSite, refusal: UpgradeRefusal): void {
    refuse(socket, site, refusal, { logger: this.logger, inspector: this.hub });
  }

  /**
   * Close every connection with `code` (1001 Going Away by default), wait for the closing
   * handshakes up to `timeout`, drop what is left, and stop the HTTP server if `listen()` made one.
   */
  async close(options: CloseOptions = {}): Promise<void> {
    const first = !this.#closing;
    this.#closing = true;
    if (first) for (const undo of this.#detach.splice(0)) undo();
    if (first) this.compare.close();
    this.proxy.closeAll();
    const closing = this.#connections.closeAll(
      options.code ?? 1001,
      options.reason ?? 'server shutting down',
      options.timeout ?? this.options.closeTimeout,
    );
    const server = this.#httpServer;
    const stopped = server !== null && first ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    server?.closeIdleConnections();
    await closing;
    server?.closeAllConnections();
    await stopped;
    await this.recording?.close();
  }
}

export function createFramescopeServer(options: FramescopeServerOptions = {}): FramescopeServer {
  return new FramescopeServer(options);
}
