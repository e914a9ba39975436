/**
 * The server's 101 checked step by step, as RFC 6455 §4.1 lists what "the client MUST validate":
 * every step judged and explained, not only the first that fails (`validateUpgradeResponse` in
 * client.ts stops there, as a client does). A proxy between a browser and somebody's server uses
 * this to show the student which line of their response the browser will refuse.
 */
import { acceptSteps, WEBSOCKET_GUID } from './accept.ts';
import { base64Decode } from './base64.ts';
import { extensionName, fieldValues, hasToken, isHttp11OrHigher, shown, splitList, trimOws } from './fields.ts';
import { parseHttpHead, type HttpResponseHead } from './http-head.ts';

export type ResponseStepName = 'http-head' | 'status-line' | 'upgrade' | 'connection' | 'accept' | 'extensions' | 'protocol';

/**
 * Which sentence a step says, and the values in it: a page tells it in its reader's language from
 * these (the English `message` is for the CLI and the logs, and says the same words).
 */
export interface ResponseStepSentences {
  'head-ok': Record<string, never>;
  'head-invalid': { error: string };
  'no-status-line': Record<string, never>;
  'status-not-101': { status: string };
  'status-old-http': { version: string };
  'status-ok': Record<string, never>;
  'upgrade-ok': Record<string, never>;
  'upgrade-missing': Record<string, never>;
  'upgrade-wrong': { got: string };
  'connection-ok': Record<string, never>;
  'connection-missing': Record<string, never>;
  'connection-wrong': { got: string };
  'accept-missing': { expected: string };
  'accept-many': Record<string, never>;
  'accept-ok': { expected: string };
  'accept-mismatch': { got: string; key: string; expected: string; guid: string };
  'accept-hex': { got: string; hex: string; expected: string };
  'extension-stray': { name: string };
  'extensions-none': Record<string, never>;
  'extensions-chosen': { got: string };
  'protocol-none': Record<string, never>;
  'protocol-many': { got: string };
  'protocol-stray': { name: string };
  'protocol-ok': { name: string };
  'not-checked': Record<string, never>;
}
export type ResponseStepSentence = keyof ResponseStepSentences;

/** The English of every step sentence, from its values: the one place these words are written. */
export const RESPONSE_STEP_ENGLISH: { readonly [I in ResponseStepSentence]: (v: ResponseStepSentences[I]) => string } = {
  'head-ok': () => 'The response is a well-formed HTTP/1.1 head.',
  'head-invalid': (v) => `The response head is not valid HTTP/1.1: ${v.error}.`,
  'no-status-line': () => 'The answer does not start with a status line such as \'HTTP/1.1 101 Switching Protocols\'.',
  'status-not-101': (v) => `The server answered ${v.status} instead of 101 Switching Protocols: the browser fails the connection (RFC 6455 §4.1).`,
  'status-old-http': (v) => `A 101 response must be HTTP/1.1 or higher; this one says HTTP/${v.version}.`,
  'status-ok': () => 'Status 101 Switching Protocols.',
  'upgrade-ok': () => 'Upgrade: websocket.',
  'upgrade-missing': () => 'The response has no Upgrade header; it must say Upgrade: websocket (RFC 6455 §4.1).',
  'upgrade-wrong': (v) => `The Upgrade header must be websocket (case does not matter); it is ${v.got} (RFC 6455 §4.1).`,
  'connection-ok': () => 'Connection includes Upgrade.',
  'connection-missing': () => 'The response has no Connection header; it must say Connection: Upgrade (RFC 6455 §4.1).',
  'connection-wrong': (v) => `The Connection header must include the token Upgrade; it is ${v.got} (RFC 6455 §4.1).`,
  'accept-missing': (v) => `The response has no Sec-WebSocket-Accept header; for this key it must be ${v.expected} (RFC 6455 §4.1).`,
  'accept-many': () => 'The response has more than one Sec-WebSocket-Accept header (RFC 6455 §4.1).',
  'accept-ok': (v) => `Sec-WebSocket-Accept is ${v.expected}: base64 of the SHA-1 of the key followed by the GUID.`,
  'accept-mismatch': (v) =>
    `Sec-WebSocket-Accept is ${v.got}, but the key ${v.key} gives ${v.expected}: base64 of the SHA-1 of the key followed by ${v.guid} (RFC 6455 §4.1).`,
  'accept-hex': (v) =>
    `Sec-WebSocket-Accept is ${v.got}, the base64 of the 40 hex digits ${v.hex}: you encoded the hex digest, not the 20 raw bytes. ` +
    `Base64 the SHA-1's 20 bytes themselves (PHP: sha1($s, true); Python: .digest(), not .hexdigest()) to get ${v.expected} (RFC 6455 §4.1).`,
  'extension-stray': (v) => `The server chose the extension ${v.name}, which the browser did not offer (RFC 6455 §4.1).`,
  'extensions-none': () => 'No extension chosen.',
  'extensions-chosen': (v) => `Extensions chosen from the offer: ${v.got}.`,
  'protocol-none': () => 'No subprotocol chosen.',
  'protocol-many': (v) => `The server must choose one subprotocol; its Sec-WebSocket-Protocol says ${v.got} (RFC 6455 §4.1).`,
  'protocol-stray': (v) => `The server chose the subprotocol ${v.name}, which the browser did not offer (RFC 6455 §4.1).`,
  'protocol-ok': (v) => `Subprotocol ${v.name} chosen from the offer.`,
  'not-checked': () => 'Not checked: the response is not a 101.',
};

/** A step's sentence: its id, its values, and its English. */
type Said = { [I in ResponseStepSentence]: { id: I; values: ResponseStepSentences[I]; message: string } }[ResponseStepSentence];

function say<I extends ResponseStepSentence>(id: I, ...rest: ResponseStepSentences[I] extends Record<string, never> ? [] : [ResponseStepSentences[I]]): Said {
  const values = (rest[0] ?? {}) as ResponseStepSentences[I];
  return { id, values, message: RESPONSE_STEP_ENGLISH[id](values) } as Said;
}

export interface ResponseStep {
  step: ResponseStepName;
  /** True: passed. False: a browser fails the connection here. Null: not checked (an earlier step decided). */
  ok: boolean | null;
  /** The section that states the step. */
  rfc: string;
  /** What the step wants, and what the response has (null when absent). */
  expected: string;
  got: string | null;
  /** Which sentence, with its values (a page tells it in its reader's language). */
  id: ResponseStepSentence;
  values: Record<string, string>;
  /** One sentence a student can read, in English. */
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
    steps.push({ step: 'http-head', ok: true, rfc: '4.1', expected: 'an HTTP/1.1 response head', got: null, ...say('head-ok') });
  } else {
    steps.push({
      step: 'http-head',
      ok: false,
      rfc: '4.1',
      expected: 'an HTTP/1.1 response head, every line ended by CR LF',
      got: null,
      ...say('head-invalid', { error: parsed.error.message }),
    });
    // Browsers read bare-LF heads anyway; read it their way to judge the rest.
    parsed = parseHttpHead(head.replace(/\r?\n/g, '\r\n'));
  }
  if (!parsed.ok || parsed.head.kind !== 'response') {
    const got = parsed.ok && parsed.head.kind === 'request' ? `${parsed.head.method} ${parsed.head.target}` : null;
    steps.push(statusStep(false, got, say('no-status-line')));
    return finish(steps, null);
  }
  const response = parsed.head;
  const statusLine = `HTTP/${response.httpVersion} ${response.status}${response.reason === '' ? '' : ` ${response.reason}`}`;
  // RFC 6455 §4.1: "If the status code received from the server is not 101, the client handles the
  // response per HTTP [RFC2616] procedures" - no WebSocket connection.
  if (response.status !== 101) {
    steps.push(statusStep(false, statusLine, say('status-not-101', { status: String(response.status) })));
    return finish(steps, response.status);
  }
  if (!isHttp11OrHigher(response.httpVersion)) {
    steps.push(statusStep(false, statusLine, say('status-old-http', { version: response.httpVersion })));
  } else {
    steps.push(statusStep(true, statusLine, say('status-ok')));
  }
  steps.push(upgradeStep(response), connectionStep(response), acceptStep(response, offered.key));
  steps.push(extensionsStep(response, offered.extensions ?? []), protocolStep(response, offered.protocols ?? []));
  return finish(steps, response.status);
}

function finish(steps: ResponseStep[], status: number | null): ResponseSteps {
  const checked = new Set(steps.map((s) => s.step));
  for (const step of ['status-line', 'upgrade', 'connection', 'accept', 'extensions', 'protocol'] as const) {
    if (!checked.has(step)) {
      steps.push({ step, ok: null, rfc: '4.1', expected: '', got: null, ...say('not-checked') });
    }
  }
  // The head's form alone (bare LFs) does not stop a browser: the other steps decide.
  const ok = steps.every((s) => s.ok !== false || s.step === 'http-head') && steps.some((s) => s.step === 'status-line' && s.ok === true);
  return { steps, ok, status };
}

function statusStep(ok: boolean, got: string | null, said: Said): ResponseStep {
  return { step: 'status-line', ok, rfc: '4.1', expected: 'HTTP/1.1 101 Switching Protocols', got, ...said };
}

/** RFC 6455 §4.1 item 2: the |Upgrade| header field must be an ASCII case-insensitive match for "websocket". */
function upgradeStep(response: HttpResponseHead): ResponseStep {
  const values = fieldValues(response.headers, 'upgrade');
  const got = values.length === 0 ? null : values.join(', ');
  const ok = values.length === 1 && values[0]!.toLowerCase() === 'websocket';
  const said = ok ? say('upgrade-ok') : got === null ? say('upgrade-missing') : say('upgrade-wrong', { got: shown(got) });
  return { step: 'upgrade', ok, rfc: '4.1', expected: 'websocket', got, ...said };
}

/** RFC 6455 §4.1 item 3: |Connection| must contain "a token that is an ASCII case-insensitive match for the value "Upgrade"". */
function connectionStep(response: HttpResponseHead): ResponseStep {
  const values = fieldValues(response.headers, 'connection');
  const got = values.length === 0 ? null : values.join(', ');
  const ok = values.length > 0 && hasToken(values, 'upgrade');
  const said = ok ? say('connection-ok') : got === null ? say('connection-missing') : say('connection-wrong', { got: shown(got) });
  return { step: 'connection', ok, rfc: '4.1', expected: 'Upgrade', got, ...said };
}

/**
 * RFC 6455 §4.1 item 4: the value must be "a base64-encoded SHA-1 of the concatenation of the
 * |Sec-WebSocket-Key| (as a string, not base64-decoded) with the string
 * "258EAFA5-E914-47DA-95CA-C5AB0DC85B11" but ignoring any leading and trailing whitespace".
 */
function acceptStep(response: HttpResponseHead, key: string): ResponseStep {
  const { accept: expected, sha1Hex } = acceptSteps(key);
  const values = fieldValues(response.headers, 'sec-websocket-accept');
  const got = values.length === 0 ? null : values.join(', ');
  const base = { step: 'accept' as const, rfc: '4.1', expected, got };
  if (values.length === 0) return { ...base, ok: false, ...say('accept-missing', { expected }) };
  if (values.length > 1) return { ...base, ok: false, ...say('accept-many') };
  const value = trimOws(values[0]!);
  if (value === expected) return { ...base, ok: true, ...say('accept-ok', { expected }) };
  // The classic slip: the SHA-1 written as 40 hex digits (PHP's sha1() without its raw flag,
  // Python's hexdigest()) and that text base64-encoded, where §4.1 wants the 20-byte hash itself.
  if (isHexDigestOf(value, sha1Hex)) return { ...base, ok: false, ...say('accept-hex', { got: shown(value), hex: sha1Hex, expected }) };
  return { ...base, ok: false, ...say('accept-mismatch', { got: shown(values[0]!, 40), key: shown(trimOws(key), 40), expected, guid: WEBSOCKET_GUID }) };
}

/** Does `value` base64-decode to the 40 hex digits of `sha1Hex` (either case)? */
function isHexDigestOf(value: string, sha1Hex: string): boolean {
  const bytes = base64Decode(value);
  if (bytes === null || bytes.length !== 40) return false;
  return String.fromCharCode(...bytes).toLowerCase() === sha1Hex;
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
      ...say('extension-stray', { name: shown(stray[0]!, 40) }),
    };
  }
  return { step: 'extensions', ok: true, rfc: '4.1', expected, got, ...(got === null ? say('extensions-none') : say('extensions-chosen', { got })) };
}

/** RFC 6455 §4.1 item 6: no subprotocol "that was not present in the client's handshake". */
function protocolStep(response: HttpResponseHead, offers: readonly string[]): ResponseStep {
  const offered = offers.flatMap((offer) => splitList(offer));
  const values = fieldValues(response.headers, 'sec-websocket-protocol');
  const got = values.length === 0 ? null : values.join(', ');
  const expected = offered.length === 0 ? 'none (the browser offered none)' : `none, or one of: ${offered.join(', ')}`;
  const base = { step: 'protocol' as const, rfc: '4.1', expected, got };
  if (got === null) return { ...base, ok: true, ...say('protocol-none') };
  const chosen = splitList(got);
  if (chosen.length !== 1) return { ...base, ok: false, ...say('protocol-many', { got: shown(got) }) };
  if (!offered.includes(chosen[0]!)) {
    return { ...base, ok: false, ...say('protocol-stray', { name: shown(chosen[0]!, 40) }) };
  }
  return { ...base, ok: true, ...say('protocol-ok', { name: chosen[0]! }) };
}
