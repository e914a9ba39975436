/**
 * The proxy's reading of a browser's request: which target it names (`?target=`), and the
 * request to forward to it, the browser's own with only the request target and `Host` rewritten
 * (its `Sec-WebSocket-Key`, extension offer, subprotocols and `Origin` go through as they came).
 */
import type { IncomingMessage } from 'node:http';
import { splitList } from '../../src/protocol/index.ts';
import type { HandshakeRequest } from '../inspector/messages.ts';

/** The proxy's own path; a target may not be one (a loop). */
export const PROXY_PATH = '/proxy';

export type ProxyTarget =
  | {
      ok: true;
      /** The target as given, normalized by URL ("ws://127.0.0.1:9001/chat?room=1"). */
      text: string;
      secure: boolean;
      /** Host name or address, IPv6 without brackets. */
      host: string;
      port: number;
      /** The request target to forward: path and query. */
      path: string;
      /** The Host header to forward (the URL's host, with its port unless the default). */
      hostHeader: string;
    }
  | { ok: false; status: 400; reason: string; text: string | null };

/** Read `?target=` from the proxy's request URL. */
export function readTarget(url: URL): ProxyTarget {
  const text = url.searchParams.get('target');
  const refuse = (reason: string): ProxyTarget => ({ ok: false, status: 400, reason, text });
  if (text === null || text.trim() === '') {
    return refuse('/proxy needs ?target=URL: the ws:// URL of the server to watch, URL-encoded, such as /proxy?target=ws%3A%2F%2F127.0.0.1%3A9001%2F&session=TOKEN.');
  }
  let target: URL;
  try {
    target = new URL(text.trim());
  } catch {
    return refuse(`The target ${JSON.stringify(text.slice(0, 200))} is not a URL: it should look like ws://127.0.0.1:9001/.`);
  }
  if (target.protocol !== 'ws:' && target.protocol !== 'wss:') {
    return refuse(`The target must be a ws:// or wss:// URL, not ${target.protocol}//.`);
  }
  if (target.username !== '' || target.password !== '') return refuse('The target URL may not carry a user name or password.');
  if (target.hash !== '') return refuse('A WebSocket URL has no #fragment (RFC 6455 §3).');
  if (target.pathname === PROXY_PATH) return refuse(`The target may not be a Framescope ${PROXY_PATH} itself: that would be a loop.`);
  const secure = target.protocol === 'wss:';
  const host = target.hostname.startsWith('[') ? target.hostname.slice(1, -1) : target.hostname;
  // RFC 6455 §3: the port is optional, 80 for ws and 443 for wss.
  const port = target.port === '' ? (secure ? 443 : 80) : Number(target.port);
  return {
    ok: true,
    text: target.toString(),
    secure,
    host,
    port,
    // RFC 6455 §3: the resource name is the path ("/" when empty) and the query.
    path: `${target.pathname === '' ? '/' : target.pathname}${target.search}`,
    hostHeader: target.host,
  };
}

/** The request to forward: the browser's request line and header lines, the target and Host rewritten. */
export function forwardedRequest(req: IncomingMessage, target: { path: string; hostHeader: string }): HandshakeRequest {
  const headers: string[] = [];
  let host = false;
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    if (name.toLowerCase() === 'host') {
      if (host) continue; // a second Host would contradict the first
      host = true;
      headers.push(`${name}: ${target.hostHeader}`);
    } else {
      headers.push(`${name}: ${req.rawHeaders[i + 1]}`);
    }
  }
  if (!host) headers.unshift(`Host: ${target.hostHeader}`);
  return { method: req.method ?? 'GET', url: target.path, httpVersion: req.httpVersion, headers };
}

/** The head's bytes: node:http reads header bytes as latin1, so writing latin1 gives the same bytes back. */
export function requestBytes(request: HandshakeRequest): Buffer {
  const lines = [`${request.method} ${request.url} HTTP/${request.httpVersion}`, ...request.headers];
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

/** What the browser offered, for checking the target's answer: its key, extensions, subprotocols. */
export function offerOf(req: IncomingMessage): { key: string; extensions: string[]; protocols: string[] } {
  const values = (name: string): string[] => req.headersDistinct[name] ?? [];
  return {
    key: values('sec-websocket-key')[0] ?? '',
    extensions: values('sec-websocket-extensions'),
    protocols: values('sec-websocket-protocol').flatMap((v) => splitList(v)),
  };
}
