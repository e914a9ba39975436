/**
 * The Framescope server: routes each HTTP upgrade by its path to an endpoint (`/echo`, `/chat`
 * once registered, `/inspect`), answers everything else with a complete HTTP response and a
 * reason, and owns the connections and the inspector hub.
 *
 * Used two ways:
 *  - standalone: `createFramescopeServer(options).listen(port, host)` (server/main.ts, the tests):
 *    its own node:http server, which also serves the built app if `staticDir` is set;
 *  - inside Vite: `attach(viteHttpServer, { exclusive: false })` (server/vite-plugin.ts): only our
 *    paths are taken, Vite's HMR socket is left alone.
 *
 * The handshake is the codec's (src/protocol/handshake.ts); this file only moves bytes.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  buildRefusalResponse,
  buildUpgradeResponse,
  computeAccept,
  validateUpgradeRequest,
} from '../src/protocol/index.ts';
import { ServerConnection, type ConnectionContext } from './connection.ts';
import { builtinEndpoints } from './endpoints/index.ts';
import { EndpointRegistry } from './endpoints/registry.ts';
import type { Endpoint, UpgradeRequest } from './endpoints/types.ts';
import { inspectEndpoint } from './inspector/endpoint.ts';
import { InspectorHub } from './inspector/hub.ts';
import { stamp, type ConnectionInfo, type HandshakeRequest } from './inspector/messages.ts';
import { consoleLogger, quote, silentLogger, type Logger } from './log.ts';
import { resolveOptions, type ResolvedOptions, type ServerOptions } from './options.ts';
import { serveStatic } from './static.ts';

export interface FramescopeServerOptions extends ServerOptions {
  /** Endpoints to add to (or replace among) the built-in ones, by path: `{ '/chat': chatEndpoint }`. */
  endpoints?: Record<string, Endpoint>;
}

export interface AttachOptions {
  /**
   * Take every upgrade request (unknown paths get 404). False inside Vite: only our paths are
   * taken, and never a request for Vite's HMR subprotocol.
   */
  exclusive?: boolean;
  /** Drop sockets that do not complete a request head within the handshake timeout (own servers). */
  guardHandshake?: boolean;
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

/** Session tokens: what a page can put in a URL without escaping. */
const SESSION_TOKEN = /^[A-Za-z0-9._~-]{1,128}$/;

/** Vite's HMR client asks for these subprotocols; its sockets are Vite's business. */
const VITE_PROTOCOLS = ['vite-hmr', 'vite-ping'];

export class FramescopeServer {
  readonly options: ResolvedOptions;
  readonly logger: Logger;
  readonly hub: InspectorHub;
  readonly endpoints: EndpointRegistry;
  readonly #connections = new Set<ServerConnection>();
  readonly #context: ConnectionContext;
  #nextId = 1;
  /** Handshakes accepted and being completed (they count toward maxConnections). */
  #pending = 0;
  #closing = false;
  #httpServer: http.Server | null = null;
  readonly #detach: (() => void)[] = [];
  readonly #waiters = new Set<() => void>();

  constructor(options: FramescopeServerOptions = {}) {
    this.options = resolveOptions(options);
    this.logger = options.logger ?? (options.quiet ? silentLogger : consoleLogger);
    this.hub = new InspectorHub({ classMode: this.options.classMode, limits: this.options.inspector });
    this.endpoints = new EndpointRegistry({ ...builtinEndpoints(), ...options.endpoints });
    this.endpoints.register(INSPECT_PATH, inspectEndpoint(this.hub, this.options));
    this.#context = {
      options: this.options,
      logger: this.logger,
      hub: this.hub,
      closed: (connection) => {
        this.#connections.delete(connection);
        if (this.#connections.size === 0) for (const wake of this.#waiters) wake();
      },
    };
  }

  /** Open WebSocket connections (inspector subscribers included). */
  get connections(): ReadonlySet<ServerConnection> {
    return this.#connections;
  }

  /** The node:http server `listen()` created, if any. */
  get httpServer(): http.Server | null {
    return this.#httpServer;
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
    const { handshakeTimeout } = this.options;
    const server = http.createServer({
      // node:http's own slowloris guards for request heads (the raw guard in attach() covers the first one exactly).
      headersTimeout: handshakeTimeout,
      requestTimeout: Math.max(handshakeTimeout, 30_000),
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(handshakeTimeout / 2))),
    });
    server.keepAliveTimeout = 5_000;
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (this.handleRequest(req, res)) return;
      const root = this.options.staticDir;
      if (root === null) {
        plainResponse(res, 404, `Not Found: this server has WebSocket endpoints only (${this.endpoints.paths().join(', ')}).\n`);
        return;
      }
      serveStatic(root, req, res).catch(() => res.destroy());
    });
    server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
      // A malformed or timed-out request head: answer if the socket can still take it.
      if (!socket.writable || (socket as Socket).destroyed) {
        socket.destroy();
        return;
      }
      const code = error.code ?? '';
      const [status, reason] =
        code === 'ERR_HTTP_REQUEST_TIMEOUT' || code === 'ERR_HTTP_HEADERS_TIMEOUT'
          ? [408, 'The request head did not arrive in time.']
          : code === 'HPE_HEADER_OVERFLOW'
            ? [431, 'The request head is too large.']
            : [400, 'The request could not be parsed as HTTP/1.1.'];
      endWith(socket as Socket, toBytes(buildRefusalResponse(status, reason)));
    });
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
    const guards = new WeakMap<Socket, NodeJS.Timeout>();
    const clearGuard = (socket: Socket): void => {
      const timer = guards.get(socket);
      if (timer !== undefined) {
        clearTimeout(timer);
        guards.delete(socket);
      }
    };
    const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
      clearGuard(socket as Socket);
      if (!exclusive) {
        if (!this.handles(pathOf(req.url))) return;
        const offered = headerList(req.headers['sec-websocket-protocol']);
        if (offered.some((p) => VITE_PROTOCOLS.includes(p))) return;
      }
      this.handleUpgrade(req, socket as Socket, head);
    };
    const onRequest = (req: IncomingMessage): void => clearGuard(req.socket);
    const onConnection = (socket: Socket): void => {
      // Slowloris: a client that sends half a request head and waits is dropped.
      const timer = setTimeout(() => {
        guards.delete(socket);
        endWith(socket, toBytes(buildRefusalResponse(408, `No complete request head within ${this.options.handshakeTimeout} ms.`)));
      }, this.options.handshakeTimeout);
      timer.unref();
      guards.set(socket, timer);
      socket.once('close', () => clearGuard(socket));
    };
    const onClose = (): void => {
      void this.close();
    };
    server.on('upgrade', onUpgrade);
    server.on('close', onClose);
    if (options.guardHandshake) {
      server.on('connection', onConnection);
      server.on('request', onRequest);
    }
    const undo = (): void => {
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
   * reason, as the handshake module says. Returns false for any other path.
   */
  handleRequest(req: IncomingMessage, res: ServerResponse): boolean {
    const path = pathOf(req.url);
    if (!this.handles(path)) return false;
    const check = validateUpgradeRequest(upgradeRequest(req));
    // A plain request (no Upgrade header at all) is asked to upgrade: 426 (RFC 9110 §15.5.22).
    const plain = req.headers.upgrade === undefined;
    const status = check.ok || plain ? 426 : check.status;
    const reason =
      check.ok || plain
        ? `${path} is a WebSocket endpoint: open it with a WebSocket client (a GET with Upgrade: websocket), such as new WebSocket('ws://host${path}').`
        : check.reason;
    const headers: Record<string, string> = check.ok ? {} : { ...check.headers };
    if (status === 426) {
      headers['Upgrade'] ??= 'websocket';
      headers['Sec-WebSocket-Version'] ??= '13';
    }
    plainResponse(res, status, `${reason}\n`, { ...headers, Connection: 'close' });
    return true;
  }

  /** Take an upgrade request: refuse it with a complete HTTP response, or complete the handshake. */
  handleUpgrade(req: IncomingMessage, socket: Socket, head: Uint8Array): void {
    socket.on('error', ignore);
    const peer = `${socket.remoteAddress?.includes(':') ? `[${socket.remoteAddress}]` : socket.remoteAddress}:${socket.remotePort}`;
    const handshake = handshakeRequest(req);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      this.#refuse(socket, { path: req.url ?? '', session: null, peer, handshake }, 400, 'The request target is not a valid URL.');
      return;
    }
    const path = url.pathname;
    const token = url.searchParams.get('session');
    const session = token !== null && SESSION_TOKEN.test(token) ? token : null;
    const where = { path, session, peer, handshake };
    const endpoint = this.endpoints.get(path);
    if (endpoint === undefined) {
      this.#refuse(socket, where, 404, `No WebSocket endpoint at ${path}. This server has ${this.endpoints.paths().join(', ')}.`);
      return;
    }
    if (token !== null && session === null) {
      this.#refuse(socket, where, 400, 'A session token is 1 to 128 characters from A-Z a-z 0-9 . _ ~ -.');
      return;
    }
    const check = validateUpgradeRequest(upgradeRequest(req));
    if (!check.ok) {
      this.#refuse(socket, where, check.status, check.reason, check.headers);
      return;
    }
    const request: UpgradeRequest = { path, url, headers: req.headers, session, peer };
    const refusal = endpoint.check?.(request) ?? null;
    if (refusal !== null) {
      this.#refuse(socket, where, refusal.status, refusal.reason);
      return;
    }
    if (this.#closing) {
      this.#refuse(socket, where, 503, 'The server is shutting down.');
      return;
    }
    const max = this.options.maxConnections;
    if (this.#connections.size + this.#pending >= max) {
      this.#refuse(socket, where, 503, `The server is at its limit of ${max} WebSocket connections; try again later.`, { 'Retry-After': '5' });
      return;
    }
    this.#pending++;
    Promise.resolve(computeAccept(check.key)).then(
      (accept) => {
        this.#pending--;
        this.#open(socket, head, request, endpoint, accept, check.protocols, handshake);
      },
      (error: unknown) => {
        this.#pending--;
        this.logger.warn(`error: computing Sec-WebSocket-Accept failed: ${String(error)}`);
        this.#refuse(socket, where, 500, 'The server could not compute Sec-WebSocket-Accept.');
      },
    );
  }

  #open(
    socket: Socket,
    head: Uint8Array,
    request: UpgradeRequest,
    endpoint: Endpoint,
    accept: string,
    offered: readonly string[],
    handshake: HandshakeRequest,
  ): void {
    if (socket.destroyed || !socket.writable) return;
    if (this.#closing) {
      this.#refuse(socket, { ...request, handshake }, 503, 'The server is shutting down.');
      return;
    }
    const protocol = endpoint.selectProtocol?.(offered) ?? null;
    // Every extension offered (permessage-deflate included) is declined by not naming it (RFC 6455 §9.1).
    const response = toBytes(buildUpgradeResponse(protocol !== null ? { accept, protocol } : { accept }));
    socket.write(response);
    const id = this.#nextId++;
    const info: ConnectionInfo = {
      connection: id,
      ...stamp(),
      path: request.path,
      session: request.session,
      peer: request.peer,
      request: handshake,
      response: { status: 101, head: Buffer.from(response).toString('utf8') },
    };
    const connection = new ServerConnection({
      id,
      socket,
      head: head.length > 0 ? new Uint8Array(head) : new Uint8Array(0),
      request,
      protocol,
      endpoint,
      info,
      watchable: request.path !== INSPECT_PATH,
      context: this.#context,
    });
    socket.off('error', ignore);
    this.#connections.add(connection);
    connection.start();
  }

  #refuse(
    socket: Socket,
    where: { path: string; session: string | null; peer: string; handshake: HandshakeRequest },
    status: number,
    reason: string,
    headers?: Record<string, string>,
  ): void {
    const response = toBytes(buildRefusalResponse(status, reason, headers));
    this.logger.info(`refuse ${status} ${where.path} ${where.peer}: ${quote(reason)}`);
    if (where.session !== null) {
      this.hub.publish(where.session, () => ({
        type: 'refused',
        ...stamp(),
        path: where.path,
        session: where.session,
        peer: where.peer,
        status,
        reason,
        request: where.handshake,
        response: { status, head: Buffer.from(response).toString('utf8') },
      }));
    }
    endWith(socket, response);
  }

  /**
   * Close every connection with `code` (1001 Going Away by default), wait for the closing
   * handshakes up to `timeout`, drop what is left, and stop the HTTP server if `listen()` made one.
   */
  async close(options: CloseOptions = {}): Promise<void> {
    const first = !this.#closing;
    this.#closing = true;
    const code = options.code ?? 1001;
    const reason = options.reason ?? 'server shutting down';
    const timeout = options.timeout ?? this.options.closeTimeout;
    if (first) for (const undo of this.#detach.splice(0)) undo();
    for (const connection of this.#connections) connection.close(code, reason, 'shutdown');
    const server = this.#httpServer;
    const stopped =
      server !== null && first
        ? new Promise<void>((resolve) => server.close(() => resolve()))
        : Promise.resolve();
    server?.closeIdleConnections();
    if (this.#connections.size > 0) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          this.#waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, timeout);
        timer.unref();
        this.#waiters.add(done);
      });
      for (const connection of this.#connections) connection.terminate('shutdown');
    }
    server?.closeAllConnections();
    await stopped;
  }
}

export function createFramescopeServer(options: FramescopeServerOptions = {}): FramescopeServer {
  return new FramescopeServer(options);
}

function ignore(): void {}

function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const end = raw.search(/[?#]/);
  return end === -1 ? raw : raw.slice(0, end);
}

function headerList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  const joined = Array.isArray(value) ? value.join(',') : value;
  return joined
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** What the handshake check reads. `headersDistinct` keeps a repeated header's every value (node joins or drops them in `headers`). */
function upgradeRequest(req: IncomingMessage): { method: string; httpVersion: string; headers: Record<string, string[] | undefined> } {
  return { method: req.method ?? '', httpVersion: req.httpVersion, headers: req.headersDistinct };
}

function handshakeRequest(req: IncomingMessage): HandshakeRequest {
  const headers: string[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
  return { method: req.method ?? '', url: req.url ?? '', httpVersion: req.httpVersion, headers };
}

/** The handshake module's responses are text to write as UTF-8 (a refusal's body may be non-ASCII). */
function toBytes(response: string): Uint8Array {
  return Buffer.from(response, 'utf8');
}

/**
 * Write a complete response and end the socket; keep reading (and discarding) what the client
 * still sends so the FIN is not turned into a reset, and destroy it if it lingers.
 */
function endWith(socket: Socket, response: Uint8Array): void {
  if (socket.destroyed) return;
  socket.on('error', ignore);
  socket.end(response);
  socket.resume();
  const timer = setTimeout(() => socket.destroy(), 2_000);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

function plainResponse(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  const bytes = Buffer.from(body, 'utf8');
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(bytes.length),
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : bytes);
}
