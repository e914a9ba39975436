/**
 * Which close codes the page may pass to `WebSocket.close(code, reason)`, and why the others are
 * disabled. The WebSocket API (WHATWG WebSockets, "close()") throws an InvalidAccessError for any
 * code that is not 1000 or in 3000-4999: the 1001-1015 codes describe situations the browser
 * itself detects (going away, protocol errors, …), so a script may not claim them.
 */
import { CLOSE_CODES, closeCodeInfo, encodeUtf8, type CloseCodeInfo } from '../../protocol';

/** A script may send 1000 or 3000-4999 (WHATWG WebSockets, close() step 1). */
export function browserMaySend(code: number): boolean {
  return code === 1000 || (Number.isInteger(code) && code >= 3000 && code <= 4999);
}

/** RFC 6455 §5.5: a control frame's payload is at most 125 bytes, 2 of them the code. */
export const MAX_REASON_BYTES = 123;

export interface CloseCodeOption {
  code: number;
  name: string;
  explanation: string;
  rfc: string;
  /** False when the browser would refuse it; `why` says why, `tag` in two words. */
  enabled: boolean;
  why: string;
  tag: '' | 'browser only' | 'never sent';
}

function whyDisabled(info: CloseCodeInfo): string {
  if (!info.onWire) return `${info.code} never appears in a Close frame (RFC 6455 §7.4.1); the browser reports it locally.`;
  return `Only the browser itself may send ${info.code}; a script may use 1000 or 3000-4999.`;
}

/** The RFC's codes plus one example each of the 3000s and 4000s, in order. */
export const CLOSE_CODE_OPTIONS: readonly CloseCodeOption[] = [
  ...CLOSE_CODES.map((info) => ({
    code: info.code,
    name: info.name,
    explanation: info.explanation,
    rfc: info.rfc,
    enabled: browserMaySend(info.code),
    why: browserMaySend(info.code) ? '' : whyDisabled(info),
    tag: browserMaySend(info.code) ? ('' as const) : info.onWire ? ('browser only' as const) : ('never sent' as const),
  })),
  ...[3000, 4000].map((code) => {
    const info = closeCodeInfo(code);
    return { code, name: info.name, explanation: info.explanation, rfc: info.rfc, enabled: true, why: '', tag: '' as const };
  }),
];

export type CloseRequestCheck =
  | { ok: true; code: number; reason: string }
  | { ok: false; message: string };

/** Checks a code and reason before they reach `WebSocket.close()`, which would throw on either. */
export function checkCloseRequest(code: number, reason: string): CloseRequestCheck {
  if (!browserMaySend(code)) {
    const info = closeCodeInfo(code);
    return {
      ok: false,
      message: `The browser refuses code ${code} (${info.name}): a script may only send 1000 or 3000-4999.`,
    };
  }
  const bytes = encodeUtf8(reason).length;
  if (bytes > MAX_REASON_BYTES) {
    return {
      ok: false,
      message: `The reason is ${bytes} bytes of UTF-8; a Close frame has room for ${MAX_REASON_BYTES} (RFC 6455 §5.5: control frames carry at most 125 bytes).`,
    };
  }
  return { ok: true, code, reason };
}
