/**
 * permessage-deflate (RFC 7692) as a capture shows it: what the 101 response accepted, and the
 * hook through which the caller inflates compressed messages. The codec has no DEFLATE of its
 * own, so this folder stays pure: the CLI passes node:zlib, a page may pass what it has.
 */
import { splitList } from '../protocol/index.ts';
import type { Direction } from './tcp-streams.ts';

/** The parameters the server's response accepted (RFC 7692 §7.1). */
export interface DeflateParameters {
  /** §7.1.1.1: the server resets its compression context after each message. */
  serverNoContextTakeover: boolean;
  /** §7.1.1.2: the client resets its compression context after each message. */
  clientNoContextTakeover: boolean;
  /** §7.1.2: LZ77 window of the server's compressor, 8 to 15 bits (15 when not said). */
  serverMaxWindowBits: number;
  /** §7.1.2: LZ77 window of the client's compressor, 8 to 15 bits (15 when not said). */
  clientMaxWindowBits: number;
  /** The extension as the response named it. */
  text: string;
}

/**
 * The permessage-deflate the response accepted, from its `Sec-WebSocket-Extensions` values, or
 * null when it accepted none. Only the response counts: a client's offer alone negotiates nothing.
 */
export function acceptedDeflate(extensionValues: readonly string[]): DeflateParameters | null {
  for (const value of extensionValues) {
    for (const element of splitList(value)) {
      const [name, ...params] = element.split(';').map((part) => part.trim());
      if (name?.toLowerCase() !== 'permessage-deflate') continue;
      const found: DeflateParameters = {
        serverNoContextTakeover: false,
        clientNoContextTakeover: false,
        serverMaxWindowBits: 15,
        clientMaxWindowBits: 15,
        text: element,
      };
      for (const param of params) {
        const [key = '', raw] = param.split('=').map((part) => part.trim());
        const bits = raw === undefined ? NaN : Number(raw.replace(/^"|"$/g, ''));
        switch (key.toLowerCase()) {
          case 'server_no_context_takeover': found.serverNoContextTakeover = true; break;
          case 'client_no_context_takeover': found.clientNoContextTakeover = true; break;
          case 'server_max_window_bits': if (bits >= 8 && bits <= 15) found.serverMaxWindowBits = bits; break;
          case 'client_max_window_bits': if (bits >= 8 && bits <= 15) found.clientMaxWindowBits = bits; break;
        }
      }
      return found;
    }
  }
  return null;
}

/**
 * Inflates the messages of one direction of one connection, in order. `inflate` gets a message's
 * payload as it was on the wire (its frames' payloads joined, RSV1 set on the first) and returns
 * the message. RFC 7692 §7.2.2: "Append 4 octets of 0x00 0x00 0xff 0xff to the tail end of the
 * payload of the message. Decompress the resulting data using DEFLATE." That, and keeping the
 * LZ77 window from one message to the next unless `noContextTakeover`, is the inflater's job.
 * It throws when the data does not inflate; the message is then shown as it was, compressed.
 */
export interface MessageInflater {
  inflate(payload: Uint8Array): Uint8Array;
}

export interface InflaterOptions {
  direction: Direction;
  /** The sender of this direction resets its context after each message: no window is kept. */
  noContextTakeover: boolean;
  /** The sender's LZ77 window, 8 to 15 bits. */
  maxWindowBits: number;
}

/** Makes one inflater per direction of each connection that negotiated permessage-deflate. */
export type InflaterFactory = (options: InflaterOptions) => MessageInflater;

/** The inflater options for one direction of a connection. */
export function inflaterOptions(params: DeflateParameters, direction: Direction): InflaterOptions {
  return direction === 'c2s'
    ? { direction, noContextTakeover: params.clientNoContextTakeover, maxWindowBits: params.clientMaxWindowBits }
    : { direction, noContextTakeover: params.serverNoContextTakeover, maxWindowBits: params.serverMaxWindowBits };
}
