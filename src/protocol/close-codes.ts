/**
 * Close status codes: RFC 6455 §7.4.1, the ranges of §7.4.2, and the IANA "WebSocket Close Code
 * Number Registry" (§11.7). Whether a code may appear in a Close frame is decided here, once,
 * from these two tables: `isValidCloseCode`, the parser's check of a received code, the
 * connection's check of a code to send and the fault's explanation all read `onWire`.
 */

export interface CloseCodeInfo {
  code: number;
  name: string;
  explanation: string;
  rfc: string;
  /**
   * May this code appear in a Close frame on the wire? §7.4.1: 1005, 1006 and 1015 "MUST NOT be
   * set as a status code in a Close control frame by an endpoint"; 1004 is "Reserved"; §7.4.2:
   * 0-999 "are not used", and the rest of 1000-2999 is not defined.
   */
  onWire: boolean;
}

/** The codes with a name (§7.4.1, and 1012-1014 from the IANA registry). */
export const CLOSE_CODES: readonly CloseCodeInfo[] = [
  { code: 1000, name: 'Normal Closure', explanation: 'The purpose of the connection has been fulfilled.', rfc: '7.4.1', onWire: true },
  { code: 1001, name: 'Going Away', explanation: 'An endpoint is going away: a server shutting down or a page being left.', rfc: '7.4.1', onWire: true },
  { code: 1002, name: 'Protocol Error', explanation: 'The endpoint is closing because the peer broke the WebSocket protocol.', rfc: '7.4.1', onWire: true },
  { code: 1003, name: 'Unsupported Data', explanation: 'The endpoint received a type of data it cannot accept (binary where only text is understood).', rfc: '7.4.1', onWire: true },
  { code: 1004, name: 'Reserved', explanation: 'Reserved; its meaning may be defined in the future. Never sent.', rfc: '7.4.1', onWire: false },
  { code: 1005, name: 'No Status Received', explanation: 'Reported locally when a Close frame had no status code. Must not be sent in a Close frame.', rfc: '7.4.1', onWire: false },
  { code: 1006, name: 'Abnormal Closure', explanation: 'Reported locally when the connection dropped with no Close frame. Must not be sent in a Close frame.', rfc: '7.4.1', onWire: false },
  { code: 1007, name: 'Invalid Frame Payload Data', explanation: 'A message had data inconsistent with its type, such as a text message that is not valid UTF-8.', rfc: '7.4.1', onWire: true },
  { code: 1008, name: 'Policy Violation', explanation: 'A message violated the endpoint\u2019s policy (a generic code when no better one fits).', rfc: '7.4.1', onWire: true },
  { code: 1009, name: 'Message Too Big', explanation: 'A message was too big for the endpoint to process.', rfc: '7.4.1', onWire: true },
  { code: 1010, name: 'Mandatory Extension', explanation: 'The client expected the server to negotiate an extension that it did not.', rfc: '7.4.1', onWire: true },
  { code: 1011, name: 'Internal Error', explanation: 'The server met an unexpected condition that kept it from fulfilling the request.', rfc: '7.4.1', onWire: true },
  { code: 1012, name: 'Service Restart', explanation: 'The service is restarting; a client may reconnect after a short wait.', rfc: '11.7', onWire: true },
  { code: 1013, name: 'Try Again Later', explanation: 'The service is overloaded; a client should try again later.', rfc: '11.7', onWire: true },
  { code: 1014, name: 'Bad Gateway', explanation: 'A gateway or proxy received an invalid response from the upstream server.', rfc: '11.7', onWire: true },
  { code: 1015, name: 'TLS Handshake', explanation: 'Reported locally when the TLS handshake failed. Must not be sent in a Close frame.', rfc: '7.4.1', onWire: false },
];

export interface CloseCodeRange {
  from: number;
  to: number;
  name: string;
  explanation: string;
  rfc: string;
  /** May a code of this range that `CLOSE_CODES` does not name appear in a Close frame? */
  onWire: boolean;
}

/** RFC 6455 §7.4.2 "Reserved Status Code Ranges", and the 16-bit codes past them. */
export const CLOSE_CODE_RANGES: readonly CloseCodeRange[] = [
  { from: 0, to: 999, name: 'Invalid', explanation: 'Codes 0-999 are not used by any endpoint.', rfc: '7.4.2', onWire: false },
  { from: 1000, to: 2999, name: 'Unassigned', explanation: 'Codes 1000-2999 are reserved for the protocol and its extensions; this one is not assigned.', rfc: '7.4.2', onWire: false },
  { from: 3000, to: 3999, name: 'Registered (libraries, frameworks)', explanation: 'Codes 3000-3999 are registered with IANA by libraries and frameworks.', rfc: '7.4.2', onWire: true },
  { from: 4000, to: 4999, name: 'Private use', explanation: 'Codes 4000-4999 are for private agreement between applications.', rfc: '7.4.2', onWire: true },
  { from: 5000, to: 0xffff, name: 'Invalid', explanation: 'Codes from 5000 up are outside every range RFC 6455 defines.', rfc: '7.4.2', onWire: false },
];

const BY_CODE = new Map(CLOSE_CODES.map((info) => [info.code, info]));

/** The table entry for a code, or a description of the range it falls in. */
export function closeCodeInfo(code: number): CloseCodeInfo {
  const known = BY_CODE.get(code);
  if (known) return known;
  const range = CLOSE_CODE_RANGES.find((r) => code >= r.from && code <= r.to);
  if (range === undefined || !Number.isInteger(code)) {
    return { code, name: 'Invalid', explanation: 'A close code is a 16-bit unsigned integer.', rfc: '5.5.1', onWire: false };
  }
  return { code, name: range.name, explanation: range.explanation, rfc: range.rfc, onWire: range.onWire };
}

/** May `code` be sent in (or accepted from) a Close frame? The `onWire` of `closeCodeInfo(code)`. */
export function isValidCloseCode(code: number): boolean {
  return closeCodeInfo(code).onWire;
}
