/**
 * Upgrade requests: which endpoint a request is for, whether it may open (RFC 6455 §4.2.1, the
 * session token, the endpoint's own check), the refusal with an HTTP status and a reason when not,
 * and the 101 when it may. The rules of the handshake are the codec's (src/protocol); this file
 * reads node:http's request and writes bytes.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import {
  buildRefusalResponse,
  buildUpgradeResponse,
  splitList,
  validateUpgradeRequest,
} from '../../src/protocol/index.ts';
import type { EndpointRegistry } from '../endpoints/registry.ts';
import type { Endpoint, UpgradeRequest } from '../endpoints/types.ts';
import { stamp, type HandshakeRequest } from '../inspector/messages.ts';
import type { InspectorSink } from '../inspector/types.ts';
import { quote, type Logger } from '../log.ts';
import { endWith, toBytes } from './respond.ts';
import { requestUrl } from './target.ts';

/** Session tokens: what a page can put in a URL without escaping. */
const SESSION_TOKEN = /^[A-Za-z0-9._~-]{1,128}$/;

/** Vite's HMR client asks for these subprotocols; its sockets are Vite's business. */
const VITE_PROTOCOLS = ['vite-hmr', 'vite-ping'];

/** Where a request came from and what it asked, as a refusal is logged and reported. */
export interface UpgradeSite {
  path: string;
  session: string | null;
  peer: string;
  handshake: HandshakeRequest;
}

/** An HTTP answer instead of a 101. */
export interface UpgradeRefusal {
  status: number;
  reason: string;
  headers?: Record<string, string>;
}

export type UpgradeRoute =
  | { ok: false; site: UpgradeSite; refusal: UpgradeRefusal }
  | {
      ok: true;
      site: UpgradeSite;
      request: UpgradeRequest;
      endpoint: Endpoint;
      /** Sec-WebSocket-Key, checked. */
      key: string;
      /** The subprotocols the client offered. */
      protocols: readonly string[];
    };

/**
 * Route an upgrade request to its endpoint, or say why not: a target that is not a URL (400), an
 * unknown path (404), a bad session token (400), a handshake that breaks §4.2.1 (400, or 426 for
 * the version), or the endpoint's own refusal. The server's own limits come after.
 */
export function routeUpgrade(req: IncomingMessage, peer: string, endpoints: EndpointRegistry): UpgradeRoute {
  const handshake = handshakeRequest(req);
  let url: URL;
  try {
    url = requestUrl(req.url);
  } catch {
    const site = { path: req.url ?? '', session: null, peer, handshake };
    return { ok: false, site, refusal: { status: 400, reason: 'The request target is not a valid URL.' } };
  }
  const path = url.pathname;
  const token = url.searchParams.get('session');
  const session = token !== null && SESSION_TOKEN.test(token) ? token : null;
  const site: UpgradeSite = { path, session, peer, handshake };
  const refuse = (refusal: UpgradeRefusal): UpgradeRoute => ({ ok: false, site, refusal });
  const endpoint = endpoints.get(path);
  if (endpoint === undefined) {
    return refuse({ status: 404, reason: `No WebSocket endpoint at ${path}. This server has ${endpoints.paths().join(', ')}.` });
  }
  if (token !== null && session === null) {
    return refuse({ status: 400, reason: 'A session token is 1 to 128 characters from A-Z a-z 0-9 . _ ~ -.' });
  }
  const check = validateUpgradeRequest(upgradeFields(req));
  if (!check.ok) return refuse({ status: check.status, reason: check.reason, headers: check.headers });
  const request: UpgradeRequest = { path, url, headers: req.headers, session, peer };
  const refusal = endpoint.check?.(request) ?? null;
  if (refusal !== null) return refuse(refusal);
  return { ok: true, site, request, endpoint, key: check.key, protocols: check.protocols };
}

/**
 * Answer with the refusal, log it, and report it to the session's subscribers (so a page sees why
 * its socket never opened); then end the socket.
 */
export function refuse(
  socket: Socket,
  site: UpgradeSite,
  refusal: UpgradeRefusal,
  to: { logger: Logger; inspector: Pick<InspectorSink, 'publish'> },
): void {
  const { status, reason } = refusal;
  const response = toBytes(buildRefusalResponse(status, reason, refusal.headers));
  to.logger.info(`refuse ${status} ${site.path} ${site.peer}: ${quote(reason)}`);
  if (site.session !== null) {
    to.inspector.publish(site.session, () => ({
      type: 'refused',
      ...stamp(),
      path: site.path,
      session: site.session,
      peer: site.peer,
      status,
      reason,
      request: site.handshake,
      response: { status, head: Buffer.from(response).toString('utf8') },
    }));
  }
  endWith(socket, response);
}

/**
 * Write the 101 with `Sec-WebSocket-Accept`, the subprotocol chosen, if any, and the extension
 * accepted, if any (permessage-deflate: server/deflate/negotiation.ts); every other extension
 * offered is declined by not naming it (RFC 6455 §9.1). Returns the response head as written.
 */
export function switchProtocols(socket: Socket, accept: string, protocol: string | null, extension: string | null = null): string {
  const head = buildUpgradeResponse({ accept, ...(protocol !== null ? { protocol } : {}), ...(extension !== null ? { extensions: extension } : {}) });
  socket.write(toBytes(head));
  return head;
}

/** Does Vite own this upgrade (its HMR socket asks for its own subprotocol)? */
export function isViteUpgrade(req: IncomingMessage): boolean {
  return headerList(req.headers['sec-websocket-protocol']).some((p) => VITE_PROTOCOLS.includes(p));
}

/** "address:port" of the peer, an IPv6 address in brackets. */
export function peerOf(socket: Socket): string {
  const address = socket.remoteAddress;
  return `${address?.includes(':') ? `[${address}]` : address}:${socket.remotePort}`;
}

/** The path of a request target, without its query or fragment. */
export function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const end = raw.search(/[?#]/);
  return end === -1 ? raw : raw.slice(0, end);
}

/** The elements of a list header (RFC 9110 §5.6.1), a repeated header's values together: the codec's splitter. */
export function headerList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return splitList(Array.isArray(value) ? value.join(',') : value);
}

/** What the handshake check reads. `headersDistinct` keeps a repeated header's every value (node joins or drops them in `headers`). */
export function upgradeFields(req: IncomingMessage): { method: string; httpVersion: string; headers: Record<string, string[] | undefined> } {
  return { method: req.method ?? '', httpVersion: req.httpVersion, headers: req.headersDistinct };
}

/** The request as the inspector reports it: the header lines as the client sent them. */
function handshakeRequest(req: IncomingMessage): HandshakeRequest {
  const headers: string[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
  return { method: req.method ?? '', url: req.url ?? '', httpVersion: req.httpVersion, headers };
}
