/** `Sec-WebSocket-Accept` computed without waiting (the codec's SHA-1), to check a captured handshake. */
import { base64Encode, sha1, WEBSOCKET_GUID } from '../protocol/index.ts';

/**
 * RFC 6455 §4.2.2 step 5.4: "concatenate this [key] with the Globally Unique Identifier ... take
 * the SHA-1 hash of this concatenated value to obtain a 20-byte value and base64-encode" it.
 */
export function acceptValue(key: string): string {
  return base64Encode(sha1(new TextEncoder().encode(key.replace(/^[ \t]+|[ \t]+$/g, '') + WEBSOCKET_GUID)));
}
