/**
 * The contract between the frame decoder (frame-decoder.ts: the frame format and the rules about
 * one frame) and the message layer above it (message-rules.ts: a frame's place among the others),
 * as wsproto separates its `FrameDecoder` and `MessageDecoder`. The decoder calls these as the
 * bytes of each frame arrive, so every rule is decided from the first byte that can decide it.
 */
import type { Fault } from './fault.ts';

/**
 * What the decoder asks the layer above about each frame, in stream order; each answer is a
 * fault that ends the stream, or null. `MessageRules` is the implementation.
 */
export interface FrameChecks {
  /**
   * The first two bytes passed the frame's own rules: may a frame with this opcode and FIN come
   * now? `rsv1`: the frame starts a compressed message (permessage-deflate, RFC 7692 §6).
   */
  start(opcode: number, fin: boolean, frameOffset: number, rsv1: boolean): Fault | null;
  /**
   * The payload length is known (no payload read yet). The length is written in the `lengthBytes`
   * bytes from `frameOffset + 1` (a fault about it points there).
   */
  length(payloadLength: number, frameOffset: number, lengthBytes: number): Fault | null;
  /** Are this frame's payload pieces to be passed to `payload()` as they arrive? */
  readonly checksPayload: boolean;
  /**
   * Unmasked payload bytes as they arrive; `payloadOffset` is where `part` starts in the payload.
   * `kept`: where the kernels' memory holds a copy of `part`, just unmasked there (`applyMaskKept`
   * in mask.ts), or NOT_KEPT (-1).
   */
  payload(part: Uint8Array, payloadOffset: number, payloadStart: number, frameOffset: number, kept?: number): Fault | null;
  /** The frame is complete. */
  end(opcode: number, fin: boolean, payload: Uint8Array, payloadStart: number, frameOffset: number): Fault | null;
}

/** Frames judged by themselves: the message layer has nothing to say (a `FrameDecoder` alone). */
export const NO_FRAME_CHECKS: FrameChecks = {
  checksPayload: false,
  start: () => null,
  length: () => null,
  payload: () => null,
  end: () => null,
};
