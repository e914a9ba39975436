/**
 * A decoded frame's bytes as they were on the wire: header in the length form it used, masking key,
 * payload masked again. An imported frame keeps only its unmasked payload; the bit grid and the
 * masking walkthrough want the wire bytes, which this gives back exactly.
 */
import { encodeFrame, type Frame } from '../protocol/index.ts';

export function wireBytes(frame: Frame): Uint8Array {
  return encodeFrame(
    {
      fin: frame.fin,
      rsv1: frame.rsv1,
      rsv2: frame.rsv2,
      rsv3: frame.rsv3,
      opcode: frame.opcode,
      payload: frame.payload,
      maskingKey: frame.maskingKey,
      lengthForm: frame.lengthForm,
    },
    (size) => new Uint8Array(size),
  );
}
