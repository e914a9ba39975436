/**
 * The server's side of the opening handshake (RFC 6455 §4.2): check the client's request, then
 * build the 101 answer or a refusal with a reason.
 */
import { base64Decode } from './base64.ts';
import { extensionName, fieldValues, hasToken, isHttp11OrHigher, shown, splitList, TOKEN, trimOws } from './fields.ts';
import { WEBSOCKET_VERSION } from './accept.ts';

export interface UpgradeRequest {
  method: string;
  /** "1.1" (as node:http gives it) or "HTTP/1.1". */
  httpVersion: string;
  /** Lowercase names, like node:http's `req.headers`. */
  headers: Record<string, string | string[] | undefined>;
}

export type UpgradeRequestVerdict =
  | { ok: true; key: string; protocols: string[]; extensions: string[] }
  | { ok: false; status: 400 | 426; reason: string; headers?: Record<string, string> };

function refuse(reason: string): UpgradeRequestVerdict {
  return { ok: false, status: 400, reason };
}


/**
 * Check a client's opening handshake as RFC 6455 §4.2.1 lists it, in its order, except that the
 * version is checked before the key (so an old client hears which version to speak).
 *
 *   - a GET (else 400), HTTP/1.1 or higher (else 400), one non-empty Host (§4.1, else 400)
 *   - Upgrade naming websocket, Connection naming Upgrade, case-insensitively (else 400)
 *   - no body (no Content-Length above 0, no Transfer-Encoding; else 400)
 *   - one Sec-WebSocket-Version: 13; missing or anything else is 426 with Sec-WebSocket-Version: 13
 *     and Upgrade: websocket (§4.4, RFC 9110 §15.5.22); the header twice is 400 (§11.3.5)
 *   - one Sec-WebSocket-Key that is base64 of 16 bytes (else 400); a key whose last character
 *     carries stray bits (the RFC's own example in §4.1, "AQIDBAUGBwgJCgsMDQ4PEC==") is taken as
 *     ws and python-websockets take it: it is 22 base64 digits and "==", 16 bytes when decoded
 *   - Sec-WebSocket-Protocol, if sent: unique tokens (§4.1, else 400)
 *
 * On success, the key (trimmed), the subprotocols offered, and the extension offers in order.
 * The Origin is not checked here: that is the server's policy (§4.2.2, §10.2).
 */
export function validateUpgradeRequest(req: UpgradeRequest): UpgradeRequestVerdict {
  const { method, httpVersion, headers } = req;

  // RFC 6455 §4.2.1 item 1: "An HTTP/1.1 or higher GET request".
  if (method !== 'GET') {
    return refuse(`The opening handshake must be a GET request (RFC 6455 §4.2.1); got ${shown(method, 20)}.`);
  }
  if (!isHttp11OrHigher(httpVersion)) {
    return refuse(`The opening handshake needs HTTP/1.1 or higher (RFC 6455 §4.2.1); got HTTP/${shown(httpVersion.replace(/^HTTP\//, ''), 20).slice(1, -1)}.`);
  }

  // RFC 6455 §4.1 item 4 and §4.2.1 item 2: a Host header with the server's authority.
  const host = fieldValues(headers, 'host');
  if (host.length === 0 || trimOws(host[0]!) === '') {
    return refuse('The request has no Host header; every WebSocket handshake must send one (RFC 6455 §4.1, §4.2.1).');
  }
  if (host.length > 1) return refuse('The request has more than one Host header; it must have exactly one (RFC 9112 §3.2).');

  // The handshake is a GET whose head is all of it: bytes after the head are WebSocket frames. A
  // request that announces a body would have that body read as frames.
  const length = fieldValues(headers, 'content-length');
  if (fieldValues(headers, 'transfer-encoding').length > 0 || length.some((value) => !/^\s*0\s*$/.test(value))) {
    const said = length.length > 0 ? `Content-Length: ${shown(length.join(', '), 20)}` : `Transfer-Encoding: ${shown(fieldValues(headers, 'transfer-encoding').join(', '), 20)}`;
    return refuse(`The opening handshake is a GET with no body, but this request announces one (${said}); the bytes after its head would be read as WebSocket frames (RFC 6455 §4.1).`);
  }

  // RFC 6455 §4.2.1 item 3: "An |Upgrade| header field containing the value "websocket"".
  const upgrade = fieldValues(headers, 'upgrade');
  if (upgrade.length === 0) {
    return refuse("The request has no Upgrade header; a WebSocket handshake sends 'Upgrade: websocket' (RFC 6455 §4.2.1).");
  }
  if (!hasToken(upgrade, 'websocket')) {
    return refuse(`The Upgrade header must name websocket (RFC 6455 §4.2.1); got ${shown(upgrade.join(', '))}.`);
  }

  // RFC 6455 §4.2.1 item 4: "A |Connection| header field that includes the token "Upgrade"".
  const connection = fieldValues(headers, 'connection');
  if (connection.length === 0) {
    return refuse("The request has no Connection header; a WebSocket handshake sends 'Connection: Upgrade' (RFC 6455 §4.2.1).");
  }
  if (!hasToken(connection, 'upgrade')) {
    return refuse(`The Connection header must include the token Upgrade (RFC 6455 §4.2.1); got ${shown(connection.join(', '))}.`);
  }

  // RFC 6455 §4.2.1 item 6 and §4.4: a version the server does not speak gets 426 and the versions it does.
  const version = fieldValues(headers, 'sec-websocket-version');
  // RFC 9110 §15.5.22: "The server MUST send an Upgrade header field in a 426 response to indicate
  // the required protocol(s)".
  const upgradeRequired = { Upgrade: 'websocket', 'Sec-WebSocket-Version': WEBSOCKET_VERSION };
  if (version.length === 0) {
    return {
      ok: false,
      status: 426,
      reason: 'The request has no Sec-WebSocket-Version header; this server speaks WebSocket version 13 (RFC 6455 §4.2.1, §4.4).',
      headers: upgradeRequired,
    };
  }
  // RFC 6455 §11.3.5: "The |Sec-WebSocket-Version| header field MUST NOT appear more than once in an HTTP request."
  if (version.length > 1) {
    return refuse(`The request has ${version.length} Sec-WebSocket-Version headers; it must have exactly one (RFC 6455 §11.3.5).`);
  }
  const asked = trimOws(version[0]!);
  if (asked !== WEBSOCKET_VERSION) {
    return {
      ok: false,
      status: 426,
      reason: `This server speaks WebSocket version 13; the request asked for version ${shown(asked, 20)} (RFC 6455 §4.4).`,
      headers: upgradeRequired,
    };
  }

  // RFC 6455 §4.2.1 item 5: "A |Sec-WebSocket-Key| header field with a base64-encoded (see Section 4
  // of [RFC4648]) value that, when decoded, is 16 bytes in length".
  const keys = fieldValues(headers, 'sec-websocket-key');
  if (keys.length === 0) {
    return refuse('The request has no Sec-WebSocket-Key header; a client sends 16 random bytes in base64 (RFC 6455 §4.1, §4.2.1).');
  }
  if (keys.length > 1) return refuse(`The request has ${keys.length} Sec-WebSocket-Key headers; it must have exactly one (RFC 6455 §4.2.1).`);
  const key = trimOws(keys[0]!);
  const nonce = base64Decode(key);
  const strayBits = nonce === null && /^[A-Za-z0-9+/]{22}==$/.test(key);
  if (!strayBits && (nonce === null || nonce.length !== 16)) {
    const why =
      nonce !== null
        ? `which decodes to ${nonce.length} byte${nonce.length === 1 ? '' : 's'}`
        : 'which is not base64';
    return refuse(`Sec-WebSocket-Key must be 16 random bytes in base64 (24 characters); got ${shown(key, 40)}, ${why} (RFC 6455 §4.2.1).`);
  }

  // RFC 6455 §4.1 item 10: the elements "MUST be non-empty strings with characters in the range
  // U+0021 to U+007E not including separator characters as defined in [RFC2616] and MUST all be unique strings".
  const protocols = splitList(fieldValues(headers, 'sec-websocket-protocol').join(','));
  const seen = new Set<string>();
  for (const protocol of protocols) {
    if (!TOKEN.test(protocol)) {
      return refuse(`Sec-WebSocket-Protocol lists ${shown(protocol, 40)}, which is not a token: a subprotocol name has no spaces or separators (RFC 6455 §4.1).`);
    }
    if (seen.has(protocol)) return refuse(`Sec-WebSocket-Protocol lists ${shown(protocol, 40)} twice; each subprotocol may be offered once (RFC 6455 §4.1).`);
    seen.add(protocol);
  }

  // RFC 6455 §9.1: each extension offer is a token, then optional parameters after ';'.
  const extensions = splitList(fieldValues(headers, 'sec-websocket-extensions').join(','));
  for (const offer of extensions) {
    if (!TOKEN.test(extensionName(offer))) {
      return refuse(`Sec-WebSocket-Extensions has ${shown(offer, 40)}, which does not start with an extension name (RFC 6455 §9.1).`);
    }
  }

  return { ok: true, key, protocols, extensions };
}

function checkHeaderValue(what: string, value: string): void {
  if (/[\x00-\x08\x0a-\x1f\x7f]/.test(value)) throw new TypeError(`${what} must not contain control characters (CR, LF, ...): ${JSON.stringify(value)}`);
}

/**
 * The server's 101 response head (RFC 6455 §4.2.2 step 5), CR LF line endings and the empty line
 * that ends it. `protocol` is the one subprotocol chosen from the client's list, if any;
 * `extensions` the accepted extensions, if any.
 */
export function buildUpgradeResponse(opts: { accept: string; protocol?: string | null; extensions?: string | readonly string[] }): string {
  const { accept, protocol } = opts;
  const extensions = typeof opts.extensions === 'string' ? [opts.extensions] : [...(opts.extensions ?? [])];
  checkHeaderValue('accept', accept);
  const lines = [
    'HTTP/1.1 101 Switching Protocols',
    // RFC 6455 §4.2.2 step 5.2: "An |Upgrade| header field with value "websocket""; step 5.3: "A
    // |Connection| header field with value "Upgrade"".
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Accept: ${accept}`,
  ];
  if (protocol != null && protocol !== '') {
    checkHeaderValue('protocol', protocol);
    lines.push(`Sec-WebSocket-Protocol: ${protocol}`);
  }
  if (extensions.length > 0) {
    extensions.forEach((e) => checkHeaderValue('extensions', e));
    lines.push(`Sec-WebSocket-Extensions: ${extensions.join(', ')}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

const REASON_PHRASES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  413: 'Content Too Large',
  414: 'URI Too Long',
  426: 'Upgrade Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
  505: 'HTTP Version Not Supported',
};

/** The standard reason phrase for a status code ("Upgrade Required"), or "Error" for one not listed. */
export function reasonPhrase(status: number): string {
  return REASON_PHRASES[status] ?? (status === 101 ? 'Switching Protocols' : 'Error');
}

/**
 * A complete HTTP/1.1 refusal: status line, `Connection: close`, a UTF-8 text/plain body holding
 * `reason` (and a newline), its `Content-Length` in bytes, and any extra `headers` (such as
 * `Sec-WebSocket-Version: 13` for a 426); an extra header replaces a default of the same name.
 * Write the string as UTF-8, then close the connection.
 */
export function buildRefusalResponse(status: number, reason: string, headers: Record<string, string> = {}): string {
  if (!Number.isInteger(status) || status < 400 || status > 599) {
    throw new RangeError(`buildRefusalResponse: a refusal has a 4xx or 5xx status; got ${status}`);
  }
  const body = `${reason}\n`;
  // RFC 9110 §7.8: a sender of Upgrade "MUST also send an "Upgrade" connection option in the Connection header field".
  const upgrade = Object.keys(headers).some((name) => name.toLowerCase() === 'upgrade');
  const fields = new Map<string, [string, string]>([
    ['connection', ['Connection', upgrade ? 'Upgrade, close' : 'close']],
    ['content-type', ['Content-Type', 'text/plain; charset=utf-8']],
    ['content-length', ['Content-Length', String(new TextEncoder().encode(body).length)]],
  ]);
  for (const [name, value] of Object.entries(headers)) {
    if (!TOKEN.test(name)) throw new TypeError(`buildRefusalResponse: ${JSON.stringify(name)} is not a header name`);
    checkHeaderValue(name, value);
    fields.set(name.toLowerCase(), [name, value]);
  }
  const lines = [`HTTP/1.1 ${status} ${reasonPhrase(status)}`, ...Array.from(fields.values(), ([name, value]) => `${name}: ${value}`)];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}
