/**
 * The comparison's byte accounting: what each transport put on the wire, split into headers,
 * framing and payload, per direction. Pure (no Node, no clock): the HTTP and WebSocket adapters
 * (meter.ts, websocket.ts) measure bytes on the socket and hand them here; this module says which
 * bytes are which. tests/server/compare-accounting.test.ts checks it against a known exchange
 * counted by hand; docs/compare.md explains the method.
 *
 * What is counted: every byte of the HTTP/1.1 or WebSocket stream the server reads or writes.
 * What is not: TCP/IP headers (40-60 bytes per segment, plus ACKs), TLS records, and whatever
 * the browser does without sending it (a connection it opens early, its cache).
 */
import { emptyWireCounts, type WireBytes, type WireCounts } from '../../src/wire/compare.ts';

/** A request head as the server's HTTP parser saw it. */
export interface RequestHead {
  method: string;
  /** The request target as sent ("/compare/sse/send?run=R&seq=1"). */
  url: string;
  /** "1.1" */
  httpVersion: string;
  /** "Name: value" lines, in the order and spelling the client sent them. */
  headers: readonly string[];
}

/**
 * The bytes of a request head: RFC 9112 §3 `request-line = method SP request-target SP
 * HTTP-version` CRLF, then each field line (§5, `field-name ":" OWS field-value OWS`) CRLF, then
 * the empty line CRLF. Node's parser hands header text over one character per byte (latin1), so
 * a string's length is its byte count. Exact for clients that write "Name: value" with one
 * space, as browsers, undici and curl do; a client that pads with more whitespace sends a few
 * bytes more than this counts.
 */
export function requestHeadLength(head: RequestHead): number {
  let length = head.method.length + 1 + head.url.length + 1 + 'HTTP/'.length + head.httpVersion.length + 2;
  for (const line of head.headers) length += line.length + 2;
  return length + 2;
}

/**
 * The framing of one chunk of a chunked body: RFC 9112 §7.1 `chunk = chunk-size [ chunk-ext ]
 * CRLF chunk-data CRLF`, the size in hexadecimal (as node:http writes it, no extensions).
 */
export function chunkFramingLength(size: number): number {
  return size.toString(16).length + 4;
}

/** RFC 9112 §7.1: `last-chunk = 1*("0") [ chunk-ext ] CRLF`, then the empty trailer section's CRLF: "0\r\n\r\n". */
export const LAST_CHUNK_LENGTH = 5;

/**
 * A WebSocket frame header: RFC 6455 §5.2, 2 bytes, then "Payload length: 7 bits, 7+16 bits, or
 * 7+64 bits. The length of the "Payload data", in bytes: if 0-125, that is the payload length. If
 * 126, the following 2 bytes [...] If 127, the following 8 bytes [...]", then the 4-byte masking
 * key on every frame a client sends (§5.3).
 */
export function frameHeaderLength(payloadLength: number, masked: boolean): number {
  const extended = payloadLength <= 125 ? 0 : payloadLength <= 0xffff ? 2 : 8;
  return 2 + extended + (masked ? 4 : 0);
}

/** UTF-8 bytes of a string (the server writes its own text as UTF-8). */
export function utf8Length(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) length += 1;
    else if (c < 0x800) length += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      length += 4;
      i++;
    } else length += 3;
  }
  return length;
}

/** What a WebSocket connection moved, as the connection counts it. */
export interface WebSocketTraffic {
  /** The opening handshake: the request head as received, the 101 response head as written. */
  requestHead: number;
  responseHead: number;
  /** Every byte read and written after the handshake: frames, headers and all (close, ping and pong too). */
  bytesIn: number;
  bytesOut: number;
  /** Message bytes in the frames read and written. */
  payloadIn: number;
  payloadOut: number;
}

/** A WebSocket connection's counts: the handshake is its headers, every frame byte that is not message is framing. */
export function webSocketCounts(t: WebSocketTraffic): WireCounts {
  if (t.payloadIn > t.bytesIn || t.payloadOut > t.bytesOut) {
    throw new RangeError(`more payload than bytes: in ${t.payloadIn}/${t.bytesIn}, out ${t.payloadOut}/${t.bytesOut}`);
  }
  return {
    requests: 1,
    up: { headers: t.requestHead, framing: t.bytesIn - t.payloadIn, payload: t.payloadIn },
    down: { headers: t.responseHead, framing: t.bytesOut - t.payloadOut, payload: t.payloadOut },
  };
}

/** Something whose counts are still changing (an open WebSocket), read when a snapshot is taken. */
export interface LiveCounts {
  counts(): WireCounts;
}

/**
 * One transport's counters for one run. HTTP exchanges are added as they happen; an open
 * WebSocket is read live and added for good when it closes.
 */
export class TrafficLedger {
  readonly #counts: WireCounts = emptyWireCounts();
  readonly #live = new Set<LiveCounts>();

  /** An HTTP request arrived: one request, its head is headers. */
  request(head: RequestHead): void {
    this.#counts.requests++;
    this.#counts.up.headers += requestHeadLength(head);
  }

  /** Bytes of a request body. Bodies are sent with a Content-Length (no chunks) and hold one message: all payload. */
  requestBody(bytes: number): void {
    this.#counts.up.payload += bytes;
  }

  /**
   * Bytes of a response written to the socket: `written` in all, of which `head` were the status
   * line and header lines and `payload` message bytes; the rest (chunk sizes, JSON, SSE fields)
   * is framing.
   */
  response(written: number, head: number, payload: number): void {
    const framing = written - head - payload;
    if (head < 0 || payload < 0 || framing < 0) {
      throw new RangeError(`a response of ${written} bytes cannot hold a ${head}-byte head and ${payload} bytes of payload`);
    }
    const down = this.#counts.down;
    down.headers += head;
    down.framing += framing;
    down.payload += payload;
  }

  /** Count `source` live until `settle`. */
  watch(source: LiveCounts): void {
    this.#live.add(source);
  }

  /** `source` stopped changing: add its last counts for good. */
  settle(source: LiveCounts): void {
    if (!this.#live.delete(source)) return;
    addInto(this.#counts, source.counts());
  }

  /** The counts now (a copy). */
  snapshot(): WireCounts {
    const out = emptyWireCounts();
    addInto(out, this.#counts);
    for (const source of this.#live) addInto(out, source.counts());
    return out;
  }
}

function addBytes(into: WireBytes, from: WireBytes): void {
  into.headers += from.headers;
  into.framing += from.framing;
  into.payload += from.payload;
}

function addInto(into: WireCounts, from: WireCounts): void {
  into.requests += from.requests;
  addBytes(into.up, from.up);
  addBytes(into.down, from.down);
}
