/**
 * The playground's side of permessage-deflate: what a connection agreed (read from the 101 the tap
 * reported), and for a selected compressed frame, its message as the frame view explains it: the
 * compressed payload of all its fragments, the window its sender had (the messages before it in
 * that direction, as the server reported them), and the server's own inflated bytes.
 */
import { layoutFrame, parseExtensions, PERMESSAGE_DEFLATE, readDeflateResponse, slideWindow, type DeflateParams } from '../../protocol';
import type { CompressedMessageView } from '../components/frame/compressed';
import type { CapturedFrame, ConnectionRecord } from '../inspector/capture';
import { bytesFromHex, headerValue, splitHead, type ConnectionInfo } from '../inspector/messages';

/** The permessage-deflate parameters the 101 agreed, or null when it named no such extension. */
export function deflateAgreed(info: ConnectionInfo): DeflateParams | null {
  const header = headerValue(splitHead(info.response.head).headers, 'Sec-WebSocket-Extensions');
  const element = parseExtensions(header).find((e) => e.name === PERMESSAGE_DEFLATE);
  if (!element) return null;
  const read = readDeflateResponse(element);
  return read.ok ? read.params : null;
}

interface Frames {
  readonly length: number;
  at(index: number): CapturedFrame | undefined;
  indexOfSeq(seq: number): number;
}

/** Does this frame start a compressed message (RSV1 on a text or binary frame, deflate agreed)? */
export function startsCompressed(frame: CapturedFrame): boolean {
  return (frame.bytes[0]! & 0b0100_0000) !== 0 && (frame.opcode === 0x1 || frame.opcode === 0x2) && !frame.fault;
}

const unmasked = (frame: CapturedFrame): Uint8Array => layoutFrame(frame.bytes).payload;

/** The compressed message that `frame` starts, or null (not compressed, or not all of it held). */
export function compressedView(frames: Frames, frame: CapturedFrame, record: ConnectionRecord): CompressedMessageView | null {
  const params = deflateAgreed(record.info);
  if (params === null || !startsCompressed(frame) || frame.truncated) return null;
  const parts = [unmasked(frame)];
  if (!frame.fin) {
    const start = frames.indexOfSeq(frame.seq);
    let done = false;
    for (let i = start + 1; i < frames.length && i < start + 5000 && !done; i++) {
      const next = frames.at(i)!;
      if (next.connection !== frame.connection || next.direction !== frame.direction || next.opcode !== 0x0) continue;
      if (next.truncated) return null;
      parts.push(unmasked(next));
      done = next.fin;
    }
    if (!done) return null;
  }
  const length = parts.reduce((n, p) => n + p.length, 0);
  const payload = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    payload.set(part, at);
    at += part.length;
  }
  const direction = frame.direction === 'client-to-server' ? 'in' : 'out';
  // The sender empties its window after each message with *_no_context_takeover (RFC 7692 §7.1.1).
  const contextTakeover = direction === 'in' ? !params.clientNoContextTakeover : !params.serverNoContextTakeover;
  const reports = record.inflated[direction];
  let window: Uint8Array | null = new Uint8Array(0);
  let server: CompressedMessageView['server'] = null;
  for (let i = 0; i < reports.length; i++) {
    const report = reports.at(i)!;
    if (report.offset === frame.offset) {
      server = { data: bytesFromHex(report.data), length: report.length, truncated: report.truncated };
      break;
    }
    if (report.offset > frame.offset) break;
    if (!contextTakeover) continue;
    // A message cut short in the report leaves the end of the window unknown.
    window = report.truncated || window === null ? null : slideWindow(window, bytesFromHex(report.data));
  }
  // Earlier compressed messages the ring no longer holds: the window is unknown.
  if (contextTakeover && reports.length === reports.capacity) window = null;
  return { payload, binary: frame.opcode === 0x2, frames: parts.length, window: contextTakeover ? window : new Uint8Array(0), contextTakeover, server };
}
