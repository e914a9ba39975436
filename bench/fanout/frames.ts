/**
 * The fan-out load generator's reading side, kept cheap: split a server's byte stream into frame
 * payloads (server frames are unmasked, RFC 6455 §5.1: "A server MUST NOT mask any frames that it
 * sends to the client"), and read a chat `message`'s probe text (`s<sender>:<sent at, ms>`)
 * without parsing the JSON around it.
 */

/** Splits one connection's bytes into frame payloads, whatever the chunk boundaries. */
export class FrameSplitter {
  #buffer: Buffer = Buffer.alloc(0);

  /** Feeds a chunk; calls `onPayload` for every complete frame in order (opcode, payload). */
  push(chunk: Buffer, onPayload: (opcode: number, payload: Buffer) => void): void {
    const buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    let offset = 0;
    for (;;) {
      if (buffer.length - offset < 2) break;
      const opcode = buffer[offset]! & 0b0000_1111;
      // RFC 6455 §5.2: payload length 0-125, or 126 + 16 bits, or 127 + 64 bits.
      let length = buffer[offset + 1]! & 0b0111_1111;
      let head = 2;
      if (length === 126) {
        if (buffer.length - offset < 4) break;
        length = buffer.readUInt16BE(offset + 2);
        head = 4;
      } else if (length === 127) {
        if (buffer.length - offset < 10) break;
        length = buffer.readUInt32BE(offset + 2) * 2 ** 32 + buffer.readUInt32BE(offset + 6);
        head = 10;
      }
      if (buffer.length - offset < head + length) break;
      onPayload(opcode, buffer.subarray(offset + head, offset + head + length));
      offset += head + length;
    }
    this.#buffer = offset === buffer.length ? Buffer.alloc(0) : Buffer.from(buffer.subarray(offset));
  }
}

const MESSAGE = Buffer.from('{"type":"message"');
const TEXT = Buffer.from('"text":"s');

/** The probe in a chat `message` payload: which sender and when it was sent; null for any other payload. */
export function readProbe(payload: Buffer): { sender: number; sentAt: number } | null {
  if (payload.length < MESSAGE.length || payload.compare(MESSAGE, 0, MESSAGE.length, 0, MESSAGE.length) !== 0) return null;
  const at = payload.indexOf(TEXT);
  if (at === -1) return null;
  const start = at + TEXT.length;
  const end = payload.indexOf(0x22, start); // the closing quote
  if (end === -1) return null;
  const text = payload.toString('latin1', start, end);
  const colon = text.indexOf(':');
  const sender = Number(text.slice(0, colon));
  const sentAt = Number(text.slice(colon + 1));
  return colon > 0 && Number.isInteger(sender) && Number.isFinite(sentAt) ? { sender, sentAt } : null;
}
