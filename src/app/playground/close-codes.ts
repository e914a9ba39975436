/**
 * Which close codes the page may pass to `WebSocket.close(code, reason)`, and why the others are
 * disabled. The WebSocket API (WHATWG WebSockets, "close()") throws an InvalidAccessError for any
 * code that is not 1000 or in 3000-4999: the 1001-1015 codes describe situations the browser
 * itself detects (going away, protocol errors, …), so a script may not claim them.
 */
import * as m from '../../paraglide/messages.js';
import { CLOSE_CODES, closeCodeInfo, encodeUtf8, type CloseCodeInfo } from '../../protocol';
import { closeCodeExplanation, closeCodeInlineName, closeCodeName } from '../i18n/protocol-text';
import { formatCount } from '../components/format';

/** A script may send 1000 or 3000-4999 (WHATWG WebSockets, close() step 1). */
export function browserMaySend(code: number): boolean {
  return code === 1000 || (Number.isInteger(code) && code >= 3000 && code <= 4999);
}

/** RFC 6455 §5.5: a control frame's payload is at most 125 bytes, 2 of them the code. */
export const MAX_REASON_BYTES = 123;

export type CloseCodeTag = '' | 'browser-only' | 'never-sent';

/** An option's words (`name`, `explanation`, `why`) are read in the page's language when used. */
export interface CloseCodeOption {
  code: number;
  readonly name: string;
  readonly explanation: string;
  rfc: string;
  /** False when the browser would refuse it; `why` says why, `tag` which kind (`tagText` in two words). */
  enabled: boolean;
  readonly why: string;
  tag: CloseCodeTag;
}

/** "browser only", "never sent". */
export function tagText(tag: CloseCodeTag): string {
  return tag === 'browser-only' ? m.frame_close_tag_browser_only() : tag === 'never-sent' ? m.frame_close_tag_never_sent() : '';
}

function whyDisabled(info: CloseCodeInfo): string {
  if (!info.onWire) return m.frame_close_never_on_wire({ code: info.code });
  return m.frame_close_browser_only_why({ code: info.code });
}

function option(info: CloseCodeInfo): CloseCodeOption {
  const enabled = browserMaySend(info.code);
  return {
    code: info.code,
    get name() {
      return closeCodeName(info.code);
    },
    get explanation() {
      return closeCodeExplanation(info.code);
    },
    rfc: info.rfc,
    enabled,
    get why() {
      return enabled ? '' : whyDisabled(info);
    },
    tag: enabled ? '' : info.onWire ? 'browser-only' : 'never-sent',
  };
}

/** The RFC's codes plus one example each of the 3000s and 4000s, in order. */
export const CLOSE_CODE_OPTIONS: readonly CloseCodeOption[] = [
  ...CLOSE_CODES.map(option),
  ...[3000, 4000].map((code) => option(closeCodeInfo(code))),
];

export type CloseRequestCheck =
  | { ok: true; code: number; reason: string }
  | { ok: false; message: string };

/** Checks a code and reason before they reach `WebSocket.close()`, which would throw on either. */
export function checkCloseRequest(code: number, reason: string): CloseRequestCheck {
  if (!browserMaySend(code)) {
    return { ok: false, message: m.frame_close_refused({ code, name: closeCodeInlineName(code) }) };
  }
  const bytes = encodeUtf8(reason).length;
  if (bytes > MAX_REASON_BYTES) {
    return {
      ok: false,
      message: m.frame_close_reason_too_long({ bytes: formatCount(bytes), max: MAX_REASON_BYTES }),
    };
  }
  return { ok: true, code, reason };
}
