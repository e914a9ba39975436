/**
 * The server demonstrations: one click each, each with the sentence that explains it, and the
 * words for what happened afterwards. The page sends them over `/inspect` as `command` messages
 * (docs/inspector.md); the server does them on this tab's echo connection.
 */
import { closeCodeInfo, isValidCloseCode, type FaultRule } from '../../protocol';
import { closeCodeExplanation } from '../i18n/protocol-text';
import type { CommandAction, MisbehaveKind } from '../inspector/messages';
import type { CloseSummary } from '../socket/socket';

export interface Violation {
  kind: MisbehaveKind;
  label: string;
  /** What the server will send, and the rule it breaks. */
  explanation: string;
  rfc: string;
  /** The codec's fault rule for it (its close code is the one the RFC asks of the client). */
  rule: FaultRule;
}

export const VIOLATIONS: readonly Violation[] = [
  {
    kind: 'masked-frame',
    label: 'Masked server frame',
    explanation: 'The server masks a text frame. A server must never mask, and a client that sees a masked frame must fail the connection.',
    rfc: '5.1',
    rule: 'mask-forbidden',
  },
  {
    kind: 'rsv1',
    label: 'RSV1 set',
    explanation: 'The server sets RSV1 on a text frame, but no extension was negotiated that gives RSV1 a meaning.',
    rfc: '5.2',
    rule: 'rsv-without-extension',
  },
  {
    kind: 'reserved-opcode',
    label: 'Reserved opcode 0x3',
    explanation: 'The server sends a frame with opcode 0x3, reserved for future data frames; nothing defines it.',
    rfc: '5.2',
    rule: 'reserved-opcode',
  },
  {
    kind: 'invalid-utf8',
    label: 'Invalid UTF-8 in text',
    explanation: 'The server sends a text frame whose payload, 48 69 20 c3 28, is not UTF-8: c3 starts a 2-byte sequence and 28 cannot continue it.',
    rfc: '8.1',
    rule: 'invalid-utf8',
  },
  {
    kind: 'long-control',
    label: 'Control frame over 125 bytes',
    explanation: 'The server sends a ping with a 126-byte payload (16-bit length form); control frames carry at most 125 bytes.',
    rfc: '5.5',
    rule: 'control-frame-too-long',
  },
  {
    kind: 'fragmented-ping',
    label: 'Fragmented ping',
    explanation: 'The server sends a ping with FIN 0 and then a continuation frame; control frames must not be fragmented.',
    rfc: '5.5',
    rule: 'fragmented-control-frame',
  },
];

export function violation(kind: string): Violation | undefined {
  return VIOLATIONS.find((v) => v.kind === kind);
}

export const PING_EXPLANATION =
  'The server sends a ping (opcode 0x9). RFC 6455 §5.5.2: the browser must answer with a pong carrying the same payload, on its own. The API has no event for either, so only the frame list shows whether this browser answered.';

export const FRAGMENT_EXPLANATION =
  'The server echoes your next message as several frames: the first with FIN 0, continuation frames after it, the last with FIN 1. The browser must join them into one message (RFC 6455 §5.4): the timeline shows the message events this browser fired.';

export const CLOSE_EXPLANATION =
  'The server starts the closing handshake with this code and reason. RFC 6455 §5.5.1: the browser answers with its own Close frame, the server then closes TCP; the page says what code and wasClean this browser reported.';

export const VIOLATION_EXPLANATION =
  'The server breaks the protocol on purpose. RFC 6455 says the browser must fail the connection (§7.1.7): an error event, then close with code 1006 (the page is never told which rule), the timeline jumping from OPEN to CLOSED. Browsers do not all do so: after each one the page says what this browser did.';

/** Codes the server may put in a Close frame (RFC 6455 §7.4): the demo's choices. */
export const SERVER_CLOSE_CODES: readonly { code: number; name: string }[] = [
  1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4000,
].map((code) => ({ code, name: closeCodeInfo(code).name }));

export const FLOOD_EXPLANATION =
  'The server sends N text messages as fast as your browser reads them: it writes while its socket holds under 64 KiB unsent, then waits for TCP to drain (backpressure), so a slow reader slows the sender instead of filling its memory. The page counts every message event; the list shows the frames the inspector reported (past its budget per second it skips some, and says how many).';

/** Flood sizes offered as buttons. */
export const FLOOD_PRESETS: readonly number[] = [1_000, 10_000, 50_000];
export const MAX_FLOOD = 100_000;
/** Bytes per message: the bare text ("flood 12 of 10000"), or padded (big ones show the backpressure). */
export const FLOOD_SIZES: readonly { size: number; label: string }[] = [
  { size: 0, label: 'about 20 bytes' },
  { size: 1024, label: '1 KiB' },
  { size: 16 * 1024, label: '16 KiB' },
];

export const MIN_FRAGMENTS = 2;
export const MAX_FRAGMENTS = 16;

export type DemoRequest =
  | { demo: 'ping'; payload: string }
  | { demo: 'fragment-next'; count: number; ping?: boolean }
  | { demo: 'close'; code: number; reason: string }
  | { demo: 'misbehave'; kind: MisbehaveKind }
  | { demo: 'flood'; count: number; size?: number };

export type DemoCheck = { ok: true; action: CommandAction } | { ok: false; message: string };

const encoder = new TextEncoder();

/** Checks a demonstration's settings and turns it into the command's action. */
export function demoAction(request: DemoRequest): DemoCheck {
  switch (request.demo) {
    case 'ping': {
      const size = encoder.encode(request.payload).length;
      if (size > 125) return { ok: false, message: `A ping carries at most 125 bytes (RFC 6455 §5.5); this payload is ${size}.` };
      return { ok: true, action: { action: 'ping', payload: request.payload } };
    }
    case 'fragment-next': {
      const n = request.count;
      if (!Number.isInteger(n) || n < MIN_FRAGMENTS || n > MAX_FRAGMENTS) {
        return { ok: false, message: `Choose ${MIN_FRAGMENTS} to ${MAX_FRAGMENTS} fragments.` };
      }
      return { ok: true, action: { action: 'fragment-next', count: n, ...(request.ping ? { ping: true } : {}) } };
    }
    case 'close': {
      if (!isValidCloseCode(request.code)) {
        return { ok: false, message: `${request.code} may not appear in a Close frame (RFC 6455 §7.4.1).` };
      }
      const size = encoder.encode(request.reason).length;
      if (size > 123) return { ok: false, message: `The reason is ${size} bytes; a Close frame has room for 123.` };
      return { ok: true, action: { action: 'close', code: request.code, reason: request.reason } };
    }
    case 'misbehave':
      return { ok: true, action: { action: 'misbehave', kind: request.kind } };
    case 'flood': {
      const n = request.count;
      if (!Number.isInteger(n) || n < 0 || n > MAX_FLOOD) return { ok: false, message: `Choose 1 to ${MAX_FLOOD.toLocaleString('en-US')} messages (0 stops a flood).` };
      const size = request.size ?? 0;
      if (!Number.isInteger(size) || size < 0 || size > 65_536) return { ok: false, message: 'A flood message is 0 to 65,536 bytes.' };
      return { ok: true, action: size > 0 ? { action: 'flood', count: n, size } : { action: 'flood', count: n } };
    }
  }
}

export interface Explanation {
  title: string;
  text: string;
  /** The timeline ended as the demonstration meant it to. */
  expected: boolean;
}

/** A Close frame the browser sent, as the tap saw it. */
export interface SentClose {
  code: number | null;
  reason: string;
}

/** The server refused the opening handshake (the tap's `refused` report): say so, with its reason. */
export function explainRefusal(status: number, reason: string, close?: CloseSummary, failed = true): Explanation {
  const saw = close ? `${failed ? 'error, then ' : ''}close with ${close.code}` : 'error, then close with 1006';
  return {
    title: `The server refused the handshake (HTTP ${status})`,
    text: `It answered ${status} instead of 101 Switching Protocols: ${reason} A client fails the connection on any answer but 101 (RFC 6455 §4.1), and the page saw ${saw}; the socket never reached OPEN.`,
    expected: false,
  };
}

/**
 * What the page says when a connection closed (a demonstration that broke the protocol is
 * explained by reaction.ts instead, from what the browser did). `browserSent` is the Close frame
 * the browser put on the wire, when the tap saw one.
 */
export function explainClose(close: CloseSummary, failed: boolean, browserSent: SentClose | null = null): Explanation {
  const info = closeCodeInfo(close.code);
  const named = `${close.code} (${info.name})`;
  const wire = browserSent
    ? ` On the wire the browser told the server why: a Close frame with ${
        browserSent.code === null ? 'no code' : `code ${browserSent.code}`
      }${browserSent.reason ? ` and reason ${JSON.stringify(browserSent.reason)}` : ''}, before it dropped TCP.`
    : '';
  if (close.code === 1006) {
    return {
      title: 'Abnormal closure (1006)',
      text: failed
        ? `The browser failed the connection (the error event fired first): the handshake was refused, the server was unreachable, or a frame broke the protocol. 1006 is reported locally; no Close frame carried it.${wire}`
        : `TCP ended without a closing handshake. 1006 is reported locally; no Close frame carried it.${wire}`,
      expected: false,
    };
  }
  if (close.code === 1005) {
    return {
      title: 'No status code (1005)',
      text: 'The Close frame carried no status code; the API reports 1005, which never appears on the wire (RFC 6455 §7.1.5).',
      expected: true,
    };
  }
  return {
    title: `Closed with ${named}`,
    text: `${closeCodeExplanation(close.code)}${close.reason ? ` Reason: ${JSON.stringify(close.reason)}.` : ''} ${
      close.wasClean ? 'Both Close frames were exchanged, so wasClean is true.' : 'The closing handshake did not finish, so wasClean is false.'
    }`,
    expected: close.wasClean,
  };
}
