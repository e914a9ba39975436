/**
 * The server being graded: a ws:// URL read into what TCP and the opening handshake need, and the
 * request every case opens with (as Autobahn's client writes it, "Upgrade: WebSocket" capitalized).
 */
import { generateKey } from '../src/protocol/index.ts';

export interface Target {
  /** The URL as given, normalized ("ws://127.0.0.1:9001/"). */
  url: string;
  /** Host name or address to connect to (IPv6 without brackets). */
  host: string;
  port: number;
  /** The request target: path and query ("/echo?x=1"). */
  path: string;
  /** The Host header: host and port as in the URL ("[::1]:9001"). */
  hostHeader: string;
}

export type TargetResult = { ok: true; target: Target } | { ok: false; error: string };

/** Read a ws:// URL. wss:// is refused with a reason (the grader speaks plain TCP). */
export function parseTarget(text: string): TargetResult {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, error: `${JSON.stringify(text)} is not a URL; give the server's address as ws://HOST:PORT/PATH` };
  }
  if (url.protocol === 'wss:') return { ok: false, error: 'wss:// targets are not supported: the grader speaks WebSocket over plain TCP (ws://)' };
  if (url.protocol !== 'ws:') return { ok: false, error: `the target must be a ws:// URL, not ${url.protocol}//; for example ws://127.0.0.1:9001/` };
  if (url.username || url.password) return { ok: false, error: 'the target URL must not carry a user name or password' };
  if (url.hash) return { ok: false, error: 'a WebSocket URL has no #fragment (RFC 6455 §3)' };
  const port = url.port === '' ? 80 : Number(url.port);
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return {
    ok: true,
    target: {
      url: url.href,
      host,
      port,
      path: `${url.pathname || '/'}${url.search}`,
      hostHeader: url.port === '' ? url.hostname : `${url.hostname}:${url.port}`,
    },
  };
}

export interface Request {
  key: string;
  head: string;
}

/** The opening handshake every fuzzing case sends (RFC 6455 §4.1). */
export function buildRequest(target: Target): Request {
  const key = generateKey();
  const head =
    `GET ${target.path} HTTP/1.1\r\n` +
    'User-Agent: Framescope-conformance (AutobahnTestSuite-like)\r\n' +
    `Host: ${target.hostHeader}\r\n` +
    'Upgrade: WebSocket\r\n' +
    'Connection: Upgrade\r\n' +
    'Pragma: no-cache\r\n' +
    'Cache-Control: no-cache\r\n' +
    `Sec-WebSocket-Key: ${key}\r\n` +
    'Sec-WebSocket-Version: 13\r\n\r\n';
  return { key, head };
}
