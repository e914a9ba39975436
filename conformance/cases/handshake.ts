/**
 * Ours, beyond Autobahn (x.0): the opening handshake, which Autobahn's fuzzingclient only ever
 * does right. What a server must do with a valid upgrade (101, the right Sec-WebSocket-Accept,
 * nothing the client did not offer), and with bad ones (RFC 6455 §4.2.1, §4.2.2).
 */
import type { HandshakeCase } from '../case.ts';
import { expectRefusal, expectUpgrade, expectVersionRefusal } from '../handshake-case.ts';

interface Change {
  method?: string;
  httpVersion?: string;
  /** Header names to leave out. */
  remove?: string[];
  /** Header values to replace (or add), by name as written. */
  set?: Record<string, string>;
  /** Write every header name in lower case. */
  lowerNames?: boolean;
}

/** The request head: a valid one, with `change` applied. */
function request(ctx: { host: string; path: string; key: string }, change: Change = {}): string {
  const headers: [string, string][] = [
    ['Host', ctx.host],
    ['Upgrade', 'websocket'],
    ['Connection', 'Upgrade'],
    ['Sec-WebSocket-Key', ctx.key],
    ['Sec-WebSocket-Version', '13'],
  ];
  const set = { ...change.set };
  const lines = headers
    .filter(([name]) => !(change.remove ?? []).includes(name))
    .map(([name, value]) => {
      const v = set[name] ?? value;
      delete set[name];
      return [name, v] as const;
    });
  for (const [name, value] of Object.entries(set)) lines.push([name, value]);
  const head = lines.map(([name, value]) => `${change.lowerNames ? name.toLowerCase() : name}: ${value}`);
  return `${change.method ?? 'GET'} ${ctx.path} HTTP/${change.httpVersion ?? '1.1'}\r\n${head.join('\r\n')}\r\n\r\n`;
}

const MUST_REFUSE = 'A 4xx client error such as 400 Bad Request, never 101: "If the server, while reading the handshake, finds that the client did not send a handshake that matches the description below ..., the server MUST stop processing the client\'s handshake and return an HTTP response with an appropriate error code (such as 400 Bad Request)" (RFC 6455 §4.2.1)';
const ACCEPT = '101 Switching Protocols with Upgrade: websocket, Connection: Upgrade, and Sec-WebSocket-Accept = base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")) (RFC 6455 §4.2.2)';

function valid(id: string, description: string, change: Change, expectation: string, pieces?: (head: string) => string[], gapMs?: number): HandshakeCase {
  return {
    kind: 'handshake',
    id,
    description,
    expectation,
    ...(gapMs !== undefined ? { gapMs } : {}),
    request: (ctx) => {
      const head = request(ctx, change);
      return pieces ? pieces(head) : [head];
    },
    judge: (answer, key) => expectUpgrade(answer, key, { extensions: change.set?.['Sec-WebSocket-Extensions'] ? [change.set['Sec-WebSocket-Extensions']] : [] }),
  };
}

function refused(id: string, description: string, what: string, change: Change): HandshakeCase {
  return {
    kind: 'handshake',
    id,
    description,
    expectation: `${MUST_REFUSE}.`,
    request: (ctx) => [request(ctx, change)],
    judge: (answer) => expectRefusal(answer, what),
  };
}

export const HANDSHAKE_CASES: readonly HandshakeCase[] = [
  valid('x.0.1', 'A valid opening handshake (GET, Host, Upgrade: websocket, Connection: Upgrade, a fresh Sec-WebSocket-Key, Sec-WebSocket-Version: 13).', {}, `${ACCEPT}, and no Sec-WebSocket-Extensions or Sec-WebSocket-Protocol, since the client offered none (RFC 6455 §4.1).`),
  valid('x.0.2', 'A valid opening handshake with Connection: keep-alive, Upgrade (as Firefox sends it).', { set: { Connection: 'keep-alive, Upgrade' } }, `${ACCEPT}: "A |Connection| header field that includes the token "Upgrade", treated as an ASCII case-insensitive value" (RFC 6455 §4.2.1), so a list that includes it is fine.`),
  valid('x.0.3', 'A valid opening handshake with every header name in lower case and Upgrade: WebSocket.', { lowerNames: true, set: { Upgrade: 'WebSocket' } }, `${ACCEPT}: header names are case-insensitive (RFC 9110 §5.1) and so is the Upgrade value (RFC 6455 §4.2.1).`),
  valid('x.0.4', 'A valid opening handshake offering only an extension no server knows (Sec-WebSocket-Extensions: x-framescope-unknown).', { set: { 'Sec-WebSocket-Extensions': 'x-framescope-unknown' } }, `${ACCEPT}, naming no extension the client did not offer: "If the response includes a |Sec-WebSocket-Extensions| header field and this header field indicates the use of an extension that was not present in the client's handshake (the server has indicated an extension not requested by the client), the client MUST _Fail the WebSocket Connection_" (RFC 6455 §4.1).`),
  valid('x.0.5', 'A valid opening handshake whose head arrives in three TCP writes, 200 ms apart.', {}, `${ACCEPT}: the request head ends at its empty line, not at the end of a read.`, (head) => [head.slice(0, 20), head.slice(20, 60), head.slice(60)], 200),
  {
    kind: 'handshake',
    id: 'x.0.6',
    description: 'Sec-WebSocket-Version: 12 (a version number IANA keeps reserved: no draft or server speaks it).',
    expectation: 'Refused with 426 Upgrade Required and a Sec-WebSocket-Version header naming 13: "the server MUST abort the WebSocket handshake ... and instead send an appropriate HTTP error code (such as 426 Upgrade Required) and a |Sec-WebSocket-Version| header field indicating the version(s) the server is capable of understanding" (RFC 6455 §4.2.2, §4.4).',
    request: (ctx) => [request(ctx, { set: { 'Sec-WebSocket-Version': '12' } })],
    judge: (answer) => expectVersionRefusal(answer, 'a request for version 12'),
  },
  refused('x.0.7', 'No Sec-WebSocket-Version header.', 'a request without Sec-WebSocket-Version', { remove: ['Sec-WebSocket-Version'] }),
  refused('x.0.8', 'No Sec-WebSocket-Key header.', 'a request without Sec-WebSocket-Key', { remove: ['Sec-WebSocket-Key'] }),
  refused('x.0.9', 'A Sec-WebSocket-Key that decodes to 10 bytes, not 16 ("dGhlIHNhbXBsZQ==").', 'a key that is not 16 bytes', { set: { 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZQ==' } }),
  refused('x.0.10', 'No Upgrade header.', 'a request without Upgrade', { remove: ['Upgrade'] }),
  refused('x.0.11', 'Upgrade: h2c instead of websocket.', 'a request to upgrade to h2c', { set: { Upgrade: 'h2c' } }),
  refused('x.0.12', 'No Connection header.', 'a request without Connection', { remove: ['Connection'] }),
  refused('x.0.13', 'Connection: keep-alive (without the Upgrade token).', 'a request whose Connection lacks Upgrade', { set: { Connection: 'keep-alive' } }),
  refused('x.0.14', 'A POST instead of a GET.', 'a POST', { method: 'POST', set: { 'Content-Length': '0' } }),
  {
    kind: 'handshake',
    id: 'x.0.15',
    description: 'An HTTP/1.0 request.',
    expectation: `${MUST_REFUSE}; "An HTTP/1.1 or higher GET request" is the first thing §4.2.1 lists, and "A server MUST ignore an Upgrade header field that is received in an HTTP/1.0 request" (RFC 9110 §7.8). No browser sends one, so a 101 here is NON-STRICT, not FAILED.`,
    request: (ctx) => [request(ctx, { httpVersion: '1.0' })],
    judge: (answer) => {
      const v = expectRefusal(answer, 'an HTTP/1.0 request');
      return answer.status === 101 ? { ...v, behavior: 'NON-STRICT', result: `${v.result} No browser sends an HTTP/1.0 upgrade, so this is graded NON-STRICT.` } : v;
    },
  },
];
