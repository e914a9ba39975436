/**
 * The fault in a frame the server broke on purpose (a demonstration's `misbehave` frame), found
 * the way the decoder page finds it: the codec's parser reads the frame's bytes as the browser
 * would, from a server, and its fault is placed at the frame's stream offsets. So the playground
 * pins the same rule, close code, RFC section, bits and byte as the decoder does for those bytes.
 */
import { decodeFrames, type Fault } from '../../protocol';

/** What the parser finds wrong with `bytes` (one frame, the first byte at stream `offset`), or null. */
export function faultOfFrame(bytes: Uint8Array, offset: number, sender: 'client' | 'server'): Fault | null {
  if (bytes.length === 0) return null;
  const { fault } = decodeFrames(bytes, { sender });
  if (fault === null) return null;
  return { ...fault, offset: fault.offset + offset, frameOffset: fault.frameOffset + offset };
}
