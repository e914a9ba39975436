/**
 * Why `/proxy` could not open a connection to a student's server: each reason's id, its values and
 * its English (the logs', the CLI's, and the body of the proxy's own answer). The page tells the
 * same reason in its reader's language from the id and the values (`ProxyRefusal.reasonId`).
 */
export interface RefusalReasons {
  'connect-refused': { shown: string };
  'connect-reset': { shown: string };
  'connect-unreachable': { shown: string; code: string };
  'connect-not-available': { shown: string };
  'tls-failed': { shown: string; error: string; code: string };
  'connect-failed': { shown: string; error: string; code: string };
  'tcp-timeout': { shown: string; timeout: string };
  'silent': { shown: string; timeout: string };
  'head-incomplete': { shown: string; size: string; timeout: string; preview: string };
  'not-http': { shown: string; preview: string };
  'head-too-long': { shown: string; max: string };
  'closed-silent': { shown: string };
  'closed-mid-head': { shown: string; size: string; preview: string };
  'browser-left': Record<string, never>;
  'answered-not-101': { line: string };
}
export type RefusalReason = keyof RefusalReasons;

const code = (c: string): string => (c ? ` (${c})` : '');

export const REFUSAL_ENGLISH: { readonly [I in RefusalReason]: (v: RefusalReasons[I]) => string } = {
  'connect-refused': (v) => `Nothing accepts connections at ${v.shown}: the connection was refused (ECONNREFUSED). Is your server running, and on this port?`,
  'connect-reset': (v) => `${v.shown} reset the connection (ECONNRESET) before it answered.`,
  'connect-unreachable': (v) => `${v.shown} cannot be reached from this machine (${v.code}): check the address and the network.`,
  'connect-not-available': (v) => `${v.shown} is not an address this machine can connect to (EADDRNOTAVAIL).`,
  'tls-failed': (v) =>
    `The TLS connection to ${v.shown} failed: ${v.error}${code(v.code)}. For a self-signed certificate, start Framescope with NODE_EXTRA_CA_CERTS=your-ca.pem.`,
  'connect-failed': (v) => `Could not connect to ${v.shown}: ${v.error}${code(v.code)}.`,
  'tcp-timeout': (v) => `${v.shown} did not accept the TCP connection within ${v.timeout} ms.`,
  silent: (v) => `${v.shown} accepted the connection but sent nothing within ${v.timeout} ms: it never answered the handshake request.`,
  'head-incomplete': (v) =>
    `${v.shown} sent ${v.size} but no complete response head within ${v.timeout} ms: a head ends with an empty line (CR LF CR LF). It sent ${v.preview}.`,
  'not-http': (v) =>
    `${v.shown} answered with bytes that are not HTTP: ${v.preview}. A WebSocket server answers the handshake with an HTTP response such as "HTTP/1.1 101 Switching Protocols".`,
  'head-too-long': (v) => `${v.shown} sent a response head longer than ${v.max} with no empty line to end it.`,
  'closed-silent': (v) => `${v.shown} closed the connection without answering the handshake request.`,
  'closed-mid-head': (v) =>
    `${v.shown} closed the connection in the middle of its response head, after ${v.size}: ${v.preview}. A head ends with an empty line (CR LF CR LF).`,
  'browser-left': () => 'The browser closed its connection before the target answered.',
  'answered-not-101': (v) => `Your server answered ${v.line} instead of 101 Switching Protocols; the browser fails the connection (RFC 6455 §4.1).`,
};

/** A reason: its id, its values, and its English. */
export type Reason = { [I in RefusalReason]: { id: I; values: RefusalReasons[I]; text: string } }[RefusalReason];

export function reason<I extends RefusalReason>(id: I, ...rest: RefusalReasons[I] extends Record<string, never> ? [] : [RefusalReasons[I]]): Reason {
  const values = (rest[0] ?? {}) as RefusalReasons[I];
  return { id, values, text: REFUSAL_ENGLISH[id](values) } as Reason;
}
