/**
 * Close status codes: RFC 6455 §7.4.1 and the IANA "WebSocket Close Code Number Registry" (§11.7).
 */

export interface CloseCodeInfo {
  code: number;
  name: string;
  explanation: string;
  rfc: string;
  /** May this code appear in a Close frame on the wire? (§7.4.1: 1005, 1006 and 1015 must not.) */
  onWire: boolean;
}

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

const BY_CODE = new Map(CLOSE_CODES.map((info) => [info.code, info]));

/** The table entry for a code, or a description of the range it falls in. */
export function closeCodeInfo(code: number): CloseCodeInfo {
  const known = BY_CODE.get(code);
  if (known) return known;
  if (code >= 3000 && code <= 3999) {
    return { code, name: 'Registered (libraries, frameworks)', explanation: 'Codes 3000-3999 are registered with IANA by libraries and frameworks.', rfc: '7.4.2', onWire: true };
  }
  if (code >= 4000 && code <= 4999) {
    return { code, name: 'Private use', explanation: 'Codes 4000-4999 are for private agreement between applications.', rfc: '7.4.2', onWire: true };
  }
  if (code >= 1000 && code <= 2999) {
    return { code, name: 'Unassigned', explanation: 'Codes 1000-2999 are reserved for the protocol and its extensions; this one is not assigned.', rfc: '7.4.2', onWire: false };
  }
  return { code, name: 'Invalid', explanation: 'Codes below 1000 and from 5000 up are not used by any endpoint.', rfc: '7.4.2', onWire: false };
}

/**
 * May `code` be sent in (or accepted from) a Close frame?
 * RFC 6455 §7.4.1/§7.4.2: 1000-1003 and 1007-1014 are defined for the wire, 3000-4999 are for
 * libraries and applications; 1004, 1005, 1006, 1015, the rest of 0-2999 and 5000+ are not.
 */
export function isValidCloseCode(code: number): boolean {
  return (
    (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999)
  );
}
