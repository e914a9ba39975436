/**
 * The handshake panel's view of what the tap reported: the request and response heads as sent,
 * and the Sec-WebSocket-Accept check (RFC 6455 §4.2.2), computed in the browser and compared.
 */
import * as m from '../../paraglide/messages.js';
import type { AcceptSteps } from '../../protocol';
import { headerValue, splitHead, splitHeaderLine, type ConnectionInfo } from '../inspector/messages';

export interface HeaderLine {
  name: string;
  value: string;
}

export interface HandshakeView {
  requestLine: string;
  requestHeaders: HeaderLine[];
  responseLine: string;
  responseHeaders: HeaderLine[];
  status: number;
  /** Sec-WebSocket-Key from the request, Sec-WebSocket-Accept from the response. */
  key: string | null;
  serverAccept: string | null;
}

/** Hides a session token on screen (a projector shows it to the class): `session=AbCd…`. */
export function maskSession(target: string): string {
  return target.replace(/([?&]session=)([^&]{4})[^&]*/, '$1$2\u2026');
}

export function handshakeView(info: ConnectionInfo): HandshakeView {
  const requestHeaders = info.request.headers.map(splitHeaderLine);
  const response = splitHead(info.response.head);
  return {
    requestLine: `${info.request.method} ${maskSession(info.request.url)} HTTP/${info.request.httpVersion}`,
    requestHeaders,
    responseLine: response.startLine,
    responseHeaders: response.headers,
    status: info.response.status,
    key: headerValue(requestHeaders, 'Sec-WebSocket-Key'),
    serverAccept: headerValue(response.headers, 'Sec-WebSocket-Accept'),
  };
}

/**
 * What became of the extensions the browser offered: RFC 6455 §9.1, an extension is in use only
 * when the server's response names it.
 */
export function extensionNote(view: HandshakeView): string | null {
  const offered = headerValue(view.requestHeaders, 'Sec-WebSocket-Extensions');
  const accepted = headerValue(view.responseHeaders, 'Sec-WebSocket-Extensions');
  if (offered === null && accepted === null) return null;
  if (accepted === null) {
    return m.frame_handshake_ext_refused({ offered: offered ?? '' });
  }
  return offered ? m.frame_handshake_ext_in_use_offer({ accepted, offered }) : m.frame_handshake_ext_in_use({ accepted });
}

export interface AcceptCheck {
  match: boolean;
  text: string;
}

export function checkAccept(steps: AcceptSteps, serverAccept: string | null): AcceptCheck {
  if (serverAccept === null) {
    return { match: false, text: m.frame_handshake_no_accept() };
  }
  if (serverAccept === steps.accept) {
    return { match: true, text: m.frame_handshake_accept_matches() };
  }
  return {
    match: false,
    text: m.frame_handshake_accept_differs({ sent: serverAccept, expected: steps.accept }),
  };
}
