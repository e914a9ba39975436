/**
 * The server's 101 checked step by step, as RFC 6455 §4.1 lists what "the client MUST validate":
 * every step judged and explained, not only the first that fails (`validateUpgradeResponse` in
 * client.ts stops there, as a client does). A proxy between a browser and somebody's server uses
 * this to show the student which line of their response the browser will refuse.
 */
import { computeAccept, WEBSOCKET_GUID } from './accept.ts';
import { extensionName, fieldValues, hasToken, isHttp11OrHigher, shown, splitList, trimOws } from './fields.ts';
import { parseHttpHead, type HttpResponseHead } from './http-head.ts';

export type ResponseStepName = 'http-head' | 'status-line' | 'upgrade' | 'connection' | 'accept' | 'extensions' | 'protocol';

export interface ResponseStep {
  step: ResponseStepName;
  /** True: passed. False: a browser fails the connection here. Null: not checked (an earlier step decided). */
  ok: boolean | null;
  /** The section that states the step. */
  rfc: string;
  /** What the step wants, and what the response has (null when absent). */
  expected: string;
  got: string | null;
  /** One sentence a student can read. */
  message: string;
}

export interface ResponseSteps {
  steps: ResponseStep[];
  /** Every checked step passed: a browser opens the connection. */
  ok: boolean;
  /** The status code, when the head has a status line. */
  status: number | null;
}

/** What the client asked for: its key, and the extensions and subprotocols it offered (header values as sent). */
export interface OfferedHandshake {
  key: string;
  extensions?: readonly string[];
  protocols?: readonly string[];
}

const NAMES: Record<ResponseStepName, string> = {
  'http-head': 'HTTP head',
  'status-line': 'Status line',
  upgrade: 'Upgrade',
  connection: 'Connection',
  accept: 'Sec-WebSocket-Accept',
  extensions: 'Sec-WebSocket-Extensions',
  protocol: 'Sec-WebSocket-Protocol',
};

/** A step's name as a page shows it ("Sec-WebSocket-Accept"). */
export function responseStepLabel(step: ResponseStepName): string {
  return NAMES[step];
}

/**
 * Check `head` (the response head's bytes as latin1 text, up to and including its empty line)
 * against the request's `offered` key, extensions and subprotocols. A head with bare LF line ends
 * fails the `http-head` step (RFC 9112 §2.2) and is then read leniently, as browsers do, so the
 * later steps still say what they would.
 */
export function upgradeResponseSteps(head: string, offered: OfferedHandshake): ResponseSteps {
  const steps: ResponseStep[] = [];
  let parsed = parseHttpHead(head);
  if (parsed.ok) {
    steps.push({ step: 'http-head', ok: true, rfc: '4.1', expected: 'an HTTP/1.1 response head', got: null, message: 'The response is a well-formed HTTP/1.1 head.' });
  } else {
    steps.push({
      step: 'http-head',
      ok: false,
      rfc: '4.1',
      expected: 'an HTTP/1.1 response head, every line ended by CR LF',
      got: null,
      message: `The response head is not valid HTTP/1.1: ${parsed.error.message}.`,
    });
    // Browsers read bare-LF heads anyway; read it their way to judge the rest.
    parsed = parseHttpHead(head.replace(/\r?\n/g, '\r\n'));
  }
  if (!parsed.ok || parsed.head.kind !== 'response') {
    const got = parsed.ok && parsed.head.kind === 'request' ? `${parsed.head.method} ${parsed.head.target}` : null;
    steps.push(statusStep(false, got, 'The answer does not start with a status line such as \'HTTP/1.1 101 Switching Protocols\'.'));
    return finish(steps, null);
  }
  const response = parsed.head;
  const statusLine = `HTTP/${response.httpVersion} ${response.status}${response.reason === '' ? '' : ` ${response.reason}`}`;
  // RFC 6455 §4.1: "If the status code received from the server is not 101, the client handles the
  // response per HTTP [RFC2616] procedures" - no WebSocket connection.
  if (response.status !== 101) {
    steps.push(statusStep(false, statusLine, `The server answered ${response.status} instead of 101 Switching Protocols: the browser fails the connection (RFC 6455 §4.1).`));
    return finish(steps, response.status);
  }
  if (!isHttp11OrHigher(response.httpVersion)) {
    steps.push(statusStep(false, statusLine, `A 101 response must be HTTP/1.1 or higher; this one says HTTP/${response.httpVersion}.`));
  } else {
    steps.push(statusStep(true, statusLine, 'Status 101 Switching Protocols.'));
  }
  steps.push(upgradeStep(response), connectionStep(response), acceptStep(response, offered.key));
  steps.push(extensionsStep(response, offered.extensions ?? []), protocolStep(response, offered.protocols ?? []));
  return finish(steps, response.status);
}

function finish(steps: ResponseStep[], status: number | null): ResponseSteps {
  const checked = new Set(steps.map((s) => s.step));
  for (const step of ['status-line', 'upgrade', 'connection', 'accept', 'extensions', 'protocol'] as const) {
    if (!checked.has(step)) {
      steps.push({ step, ok: null, rfc: '4.1', expected: '', got: null, message: 'Not checked: the response is not a 101.' });
    }
  }
  // The head's form alone (bare LFs) does not stop a browser: the other steps decide.
  const ok = steps.every((s) => s.ok !== false || s.step === 'http-head') && steps.some((s) => s.step === 'status-line' && s.ok === true);
  return { steps, ok, status };
}

function statusStep(ok: boolean, got: string | null, message: string): ResponseStep {
  return { step: 'status-line', ok, rfc: '4.1', expected: 'HTTP/1.1 101 Switching Protocols', got, message };
}

/** RFC 6455 §4.1 item 2: the |Upgrade| header field must be an ASCII case-insensitive match for "websocket". */
function upgradeStep(response: HttpResponseHead): ResponseStep {
  const values = fieldValues(response.headers, 'upgrade');
  const got = values.length === 0 ? null : values.join(', ');
  const ok = values.length === 1 && values[0]!.toLowerCase() === 'websocket';
  const message = ok
    ? 'Upgrade: websocket.'
    : got === null
      ? 'The response has no Upgrade header; it must say Upgrade: websocket (RFC 6455 §4.1).'
      : `The Upgrade header must be websocket (case does not matter); it is ${shown(got)} (RFC 6455 §4.1).`;
  return { step: 'upgrade', ok, rfc: '4.1', expected: 'websocket', got, message };
}

/** RFC 6455 §4.1 item 3: |Connection| must contain "a token that is an ASCII case-insensitive match for the value "Upgrade"". */
function connectionStep(response: HttpResponseHead): ResponseStep {
  const values = fieldValues(response.headers, 'connection');
  const got = values.length === 0 ? null : values.join(', ');
  const ok = values.length > 0 && hasToken(values, 'upgrade');
  const message = ok
    ? 'Connection includes Upgrade.'
    : got === null
      ? 'The response has no Connection header; it must say Connection: Upgrade (RFC 6455 §4.1).'
      : `The Connection header must include the token Upgrade; it is ${shown(got)} (RFC 6455 §4.1).`;
  return { step: 'connection', ok, rfc: '4.1', expected: 'Upgrade', got, message };
}

/**
 * RFC 6455 §4.1 item 4: the value must be "a base64-encoded SHA-1 of the concatenation of the
 * |Sec-WebSocket-Key| (as a string, not base64-decoded) with the string
 * "258EAFA5-E914-47DA-95CA-C5AB0DC85B11" but ignoring any leading and trailing whitespace".
 */
function acceptStep(response: HttpResponseHead, key: string): ResponseStep {
  const expected = computeAccept(key);
  const values = fieldValues(response.headers, 'sec-websocket-accept');
  const got = values.length === 0 ? null : values.join(', ');
  const base = { step: 'accept' as const, rfc: '4.1', expected, got };
  if (values.length === 0) return { ...base, ok: false, message: `The response has no Sec-WebSocket-Accept header; for this key it must be ${expected} (RFC 6455 §4.1).` };
  if (values.length > 1) return { ...base, ok: false, message: 'The response has more than one Sec-WebSocket-Accept header (RFC 6455 §4.1).' };
  if (trimOws(values[0]!) === expected) return { ...base, ok: true, message: `Sec-WebSocket-Accept is ${expected}: base64 of the SHA-1 of the key followed by the GUID.` };
  return {
    ...base,
    ok: false,
    message:
      `Sec-WebSocket-Accept is ${shown(values[0]!, 40)}, but the key ${shown(trimOws(key), 40)} gives ${expected}: ` +
      `base64 of the SHA-1 of the key followed by ${WEBSOCKET_GUID} (RFC 6455 §4.1).`,
  };
}

/** RFC 6455 §4.1 item 5: no extension "that was not present in the client's handshake". */
function extensionsStep(response: HttpResponseHead, offers: readonly string[]): ResponseStep {
  const offered = new Set(offers.flatMap((offer) => splitList(offer)).map(extensionName));
  const values = fieldValues(response.headers, 'sec-websocket-extensions');
  const got = values.length === 0 ? null : values.join(', ');
  const expected = offered.size === 0 ? 'none (the browser offered none)' : `none, or some of: ${[...offered].join(', ')}`;
  const stray = splitList(values.join(',')).map(extensionName).filter((name) => !offered.has(name));
  if (stray.length > 0) {
    return {
      step: 'extensions', ok: false, rfc: '4.1', expected, got,
      message: `The server chose the extension ${shown(stray[0]!, 40)}, which the browser did not offer (RFC 6455 §4.1).`,
    };
  }
  return { step: 'extensions', ok: true, rfc: '4.1', expected, got, message: got === null ? 'No extension chosen.' : `Extensions chosen from the offer: ${got}.` };
}

/** RFC 6455 §4.1 item 6: no subprotocol "that was not present in the client's handshake". */
function protocolStep(response: HttpResponseHead, offers: readonly string[]): ResponseStep {
  const offered = offers.flatMap((offer) => splitList(offer));
  const values = fieldValues(response.headers, 'sec-websocket-protocol');
  const got = values.length === 0 ? null : values.join(', ');
  const expected = offered.length === 0 ? 'none (the browser offered none)' : `none, or one of: ${offered.join(', ')}`;
  const base = { step: 'protocol' as const, rfc: '4.1', expected, got };
  if (got === null) return { ...base, ok: true, message: 'No subprotocol chosen.' };
  const chosen = splitList(got);
  if (chosen.length !== 1) return { ...base, ok: false, message: `The server must choose one subprotocol; its Sec-WebSocket-Protocol says ${shown(got)} (RFC 6455 §4.1).` };
  if (!offered.includes(chosen[0]!)) {
    return { ...base, ok: false, message: `The server chose the subprotocol ${shown(chosen[0]!, 40)}, which the browser did not offer (RFC 6455 §4.1).` };
  }
  return { ...base, ok: true, message: `Subprotocol ${chosen[0]} chosen from the offer.` };
}
