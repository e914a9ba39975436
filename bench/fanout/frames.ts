/**
 * The fan-out load generator's reading side, kept cheap: split a server's byte stream into frame
 * payloads (server frames are unmasked, RFC 6455 §5.1: "A server MUST NOT mask any frames that it
 * sends to the client"), and read a chat `message`'s probe text (`s<sender>:<sent at, ms>`)
 * without parsing the JSON around it.
 */

/** Splits one connection's bytes into frame payloads, whatever the chunk boundaries. */
export class FrameSplitter {
  /** Bytes not yet part of a complete frame, and how many are needed before looking again. */
  #chunks: Buffer[] = [];
  #length = 0;
  #need = 2;

  /** Feeds a chunk; calls `onPayload` for every complete frame in order (opcode, payload). */
  push(chunk: Buffer, onPayload: (opcode: number, payload: Buffer) => void): void {
    this.#chunks.push(chunk);
    this.#length += chunk.length;
    if (this.#length < this.#need) return;
    const buffer = this.#chunks.length === 1 ? chunk : Buffer.concat(this.#chunks, this.#length);
    let offset = 0;
    let need = 2;
    for (;;) {
      const available = buffer.length - offset;
      if (available < 2) {
        need = 2;
        break;
      }
      const opcode = buffer[offset]! & 0b0000_1111;
      // RFC 6455 §5.2: payload length 0-125, or 126 + 16 bits, or 127 + 64 bits.
      let length = buffer[offset + 1]! & 0b0111_1111;
      let head = 2;
      if (length === 126) {
        head = 4;
        if (available < head) {
          need = head;
          break;
        }
        length = buffer.readUInt16BE(offset + 2);
      } else if (length === 127) {
        head = 10;
        if (available < head) {
          need = head;
          break;
        }
        length = buffer.readUInt32BE(offset + 2) * 2 ** 32 + buffer.readUInt32BE(offset + 6);
      }
      if (available < head + length) {
        need = head + length;
        break;
      }
      onPayload(opcode, buffer.subarray(offset + head, offset + head + length));
      offset += head + length;
    }
    const rest = buffer.subarray(offset);
    this.#chunks = rest.length > 0 ? [Buffer.from(rest)] : [];
    this.#length = rest.length;
    this.#need = need;
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
