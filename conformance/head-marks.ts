/**
 * Where in a server's HTTP response head the first wrong character is: the status code, a header's
 * value, or (for a header that is missing) the empty line that ends the head.
 */
import type { WireMark } from '../src/wire/conformance.ts';

/** The status code of the status line ("HTTP/1.1 200 OK" -> "200"), or the whole first line. */
export function markStatus(head: string, text: string): WireMark {
  const line = head.split('\r\n', 1)[0] ?? '';
  const m = /^HTTP\/\d\.\d (\d{3})/.exec(line);
  if (m) return { offset: line.indexOf(m[1]!), length: 3, text };
  return { offset: 0, length: Math.max(1, line.length), text };
}

/** A header's value (its first line of that name), or the end of the head when it is missing. */
export function markHeader(head: string, name: string, text: string): WireMark {
  const lower = head.toLowerCase();
  const at = lower.indexOf(`\r\n${name.toLowerCase()}:`);
  if (at === -1) {
    const end = head.indexOf('\r\n\r\n');
    return { offset: end === -1 ? head.length : end + 2, length: 2, text };
  }
  const start = at + 2 + name.length + 1;
  const eol = head.indexOf('\r\n', start);
  const valueStart = start + (head.slice(start).length - head.slice(start).trimStart().length);
  return { offset: valueStart, length: Math.max(1, (eol === -1 ? head.length : eol) - valueStart), text };
}

/** The mark for one of validateUpgradeResponse's reasons (src/protocol/handshake/client.ts). */
export function markHead(head: string, reason: string): WireMark {
  if (/^Sec-WebSocket-Accept|Sec-WebSocket-Accept header/.test(reason)) return markHeader(head, 'Sec-WebSocket-Accept', reason);
  if (/ extension /.test(reason)) return markHeader(head, 'Sec-WebSocket-Extensions', reason);
  if (/subprotocol/.test(reason)) return markHeader(head, 'Sec-WebSocket-Protocol', reason);
  if (/Connection header/.test(reason)) return markHeader(head, 'Connection', reason);
  if (/Upgrade header/.test(reason)) return markHeader(head, 'Upgrade', reason);
  return markStatus(head, reason);
}
