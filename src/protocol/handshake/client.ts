/**
 * The client's side of the opening handshake (RFC 6455 §4.1): a fresh Sec-WebSocket-Key, and the
 * checks a client makes of the server's response.
 */
import { base64Encode } from './base64.ts';
import { computeAccept, WEBSOCKET_GUID } from './accept.ts';
import { extensionName, fieldValues, hasToken, isHttp11OrHigher, shown, splitList, trimOws } from './fields.ts';
import { parseHttpHead } from './http-head.ts';

/** RFC 6455 §4.1: "a nonce consisting of a randomly selected 16-byte value that has been base64-encoded", from Web Crypto. */
export function generateKey(): string {
  const nonce = new Uint8Array(16);
  globalThis.crypto.getRandomValues(nonce);
  return base64Encode(nonce);
}

export type UpgradeResponseVerdict =
  | { ok: true; protocol: string | null; extensions: string[] }
  | { ok: false; reason: string };

/**
 * Check a server's response head as RFC 6455 §4.1 ("the client MUST validate the server's
 * response as follows") lists it: status 101; `Upgrade: websocket`; `Connection` including
 * Upgrade; the right `Sec-WebSocket-Accept` for `key`; no extension and no subprotocol that the
 * client did not offer (`opts`). Any failure means the client must fail the WebSocket connection.
 */
export function validateUpgradeResponse(
  head: string,
  key: string,
  opts: { protocols?: readonly string[]; extensions?: readonly string[] } = {},
): UpgradeResponseVerdict {
  const parsed = parseHttpHead(head);
  if (!parsed.ok) return { ok: false, reason: `The response is not a valid HTTP head: ${parsed.error.message}.` };
  const response = parsed.head;
  if (response.kind !== 'response') {
    return { ok: false, reason: `Expected a status line such as 'HTTP/1.1 101 Switching Protocols'; got a request (${response.method} ${shown(response.target, 40)}).` };
  }
  // RFC 6455 §4.1: "If the status code received from the server is not 101, the client handles the
  // response per HTTP [RFC2616] procedures" - the WebSocket handshake has not happened.
  if (response.status !== 101) {
    const phrase = response.reason === '' ? '' : ` ${shown(response.reason, 40).slice(1, -1)}`;
    return { ok: false, reason: `The server answered ${response.status}${phrase} instead of 101 Switching Protocols (RFC 6455 §4.1).` };
  }
  if (!isHttp11OrHigher(response.httpVersion)) {
    return { ok: false, reason: `A 101 response must be HTTP/1.1 or higher; got HTTP/${response.httpVersion}.` };
  }
  const { headers } = response;

  // RFC 6455 §4.1 item 2: "If the response lacks an |Upgrade| header field or the |Upgrade| header
  // field contains a value that is not an ASCII case-insensitive match for the value "websocket"".
  const upgrade = fieldValues(headers, 'upgrade');
  if (upgrade.length === 0) return { ok: false, reason: 'The response has no Upgrade header; it must say Upgrade: websocket (RFC 6455 §4.1).' };
  if (upgrade.length > 1 || upgrade[0]!.toLowerCase() !== 'websocket') {
    return { ok: false, reason: `The response's Upgrade header must be websocket (RFC 6455 §4.1); got ${shown(upgrade.join(', '))}.` };
  }

  // RFC 6455 §4.1 item 3: Connection must contain "a token that is an ASCII case-insensitive match for the value "Upgrade"".
  const connection = fieldValues(headers, 'connection');
  if (connection.length === 0) return { ok: false, reason: 'The response has no Connection header; it must say Connection: Upgrade (RFC 6455 §4.1).' };
  if (!hasToken(connection, 'upgrade')) {
    return { ok: false, reason: `The response's Connection header must include Upgrade (RFC 6455 §4.1); got ${shown(connection.join(', '))}.` };
  }

  // RFC 6455 §4.1 item 4: the accept must be "the base64-encoded SHA-1 of the concatenation of the
  // |Sec-WebSocket-Key| (as a string, not base64-decoded) with the string "258EAFA5-...".
  const accepts = fieldValues(headers, 'sec-websocket-accept');
  if (accepts.length === 0) return { ok: false, reason: 'The response has no Sec-WebSocket-Accept header (RFC 6455 §4.1).' };
  if (accepts.length > 1) return { ok: false, reason: 'The response has more than one Sec-WebSocket-Accept header (RFC 6455 §4.1).' };
  const expected = computeAccept(key);
  if (accepts[0] !== expected) {
    return {
      ok: false,
      reason:
        `Sec-WebSocket-Accept is ${shown(accepts[0]!, 40)}, but the key ${shown(trimOws(key), 40)} gives ${shown(expected)}:` +
        ` base64 of the SHA-1 of the key followed by ${WEBSOCKET_GUID} (RFC 6455 §4.1).`,
    };
  }

  // RFC 6455 §4.1 item 5: no extension "that was not present in the client's handshake".
  const offered = new Set((opts.extensions ?? []).flatMap((offer) => splitList(offer)).map(extensionName));
  const extensions = splitList(fieldValues(headers, 'sec-websocket-extensions').join(','));
  for (const extension of extensions) {
    if (!offered.has(extensionName(extension))) {
      return { ok: false, reason: `The server chose the extension ${shown(extensionName(extension), 40)}, which the client did not offer (RFC 6455 §4.1).` };
    }
  }

  // RFC 6455 §4.1 item 6: no subprotocol "that was not present in the client's handshake".
  const protocolValues = fieldValues(headers, 'sec-websocket-protocol');
  let protocol: string | null = null;
  if (protocolValues.length > 0) {
    const chosen = splitList(protocolValues.join(','));
    if (chosen.length !== 1) {
      return { ok: false, reason: `The server must choose one subprotocol; its Sec-WebSocket-Protocol says ${shown(protocolValues.join(', '))} (RFC 6455 §4.1).` };
    }
    protocol = chosen[0]!;
    if (!(opts.protocols ?? []).includes(protocol)) {
      return { ok: false, reason: `The server chose the subprotocol ${shown(protocol, 40)}, which the client did not offer (RFC 6455 §4.1).` };
    }
  }

  return { ok: true, protocol, extensions };
}
