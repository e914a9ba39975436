/**
 * Sec-WebSocket-Accept (RFC 6455 §4.2.2 step 5.4): the proof that the server read the client's
 * Sec-WebSocket-Key, computed synchronously with the SHA-1 of sha1.ts, and step by step for the
 * page to show.
 */
import { toHex } from '../hex/index.ts';
import { base64Encode } from './base64.ts';
import { sha1 } from './sha1.ts';
import { trimOws } from './fields.ts';

/** RFC 6455 §1.3: the GUID a server appends to the client's key before hashing it. */
export const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** RFC 6455 §4.1: the only version this codec speaks. */
export const WEBSOCKET_VERSION = '13';

/** The accept computation, step by step, for the page to show. */
export interface AcceptSteps {
  /** The key as the client sent it, without surrounding whitespace (RFC 6455 §1.3, §4.1). */
  key: string;
  guid: string;
  /** key + GUID, the string that is hashed. */
  concatenated: string;
  /** SHA-1 of `concatenated`, 40 lowercase hex digits. */
  sha1Hex: string;
  /** base64 of the 20 SHA-1 bytes: the `Sec-WebSocket-Accept` value. */
  accept: string;
}

/**
 * RFC 6455 §4.2.2 step 5.4: the value "is constructed by concatenating /key/ ... with the string
 * "258EAFA5-E914-47DA-95CA-C5AB0DC85B11", taking the SHA-1 hash of this concatenated value to
 * obtain a 20-byte value and base64-encoding ... this 20-byte hash." Synchronous.
 */
export function acceptSteps(key: string): AcceptSteps {
  // RFC 6455 §1.3: the key is taken "as present in the header field, e.g., the base64-encoded
  // [RFC4648] version minus any leading and trailing whitespace".
  const trimmed = trimOws(key);
  const concatenated = trimmed + WEBSOCKET_GUID;
  const digest = sha1(new TextEncoder().encode(concatenated));
  return { key: trimmed, guid: WEBSOCKET_GUID, concatenated, sha1Hex: toHex(digest), accept: base64Encode(digest) };
}

/** The `Sec-WebSocket-Accept` value for a `Sec-WebSocket-Key` (RFC 6455 §4.2.2), synchronously. */
export function computeAccept(key: string): string {
  return acceptSteps(key).accept;
}
