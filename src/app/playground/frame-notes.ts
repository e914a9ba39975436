/**
 * What the playground says above a captured frame: that the server broke it on purpose, that the
 * frame before it already did, or that the inspector kept only its first bytes of a frame that was
 * whole on the wire (and how to see all of it).
 */
import type { CapturedFrame } from '../inspector/capture';
import * as m from '../../paraglide/messages.js';
import { getLocale } from '../../paraglide/runtime.js';
import { formatBytes, formatCount } from '../components/format';

/** The largest `--inspect-frame-bytes` the server takes (its queue and budget are sized for it). */
export const MAX_INSPECT_FRAME_BYTES = 1024 * 1024;

/** For a frame the tap cut: the sentence FrameView shows instead of "the bytes end mid-frame". */
export function cutNote(frame: Pick<CapturedFrame, 'truncated' | 'bytes' | 'size'>, maxFrameBytes: number | null): string | null {
  if (!frame.truncated) return null;
  const kept = frame.bytes.length;
  const limit = maxFrameBytes ?? kept;
  const why =
    kept < limit
      ? m.frame_note_budget({ kept: formatCount(kept) })
      : m.frame_note_limit({ limit: formatBytes(limit), bytes: formatCount(limit) });
  const cut = m.frame_note_cut({ size: formatCount(frame.size), why, missing: formatCount(frame.size - kept) });
  if (limit >= MAX_INSPECT_FRAME_BYTES) return cut;
  const how = m.frame_note_how();
  // English puts a space between two sentences; Chinese does not.
  return getLocale() === 'en' ? `${cut} ${how}` : `${cut}${how}`;
}

/** The note on a frame the server broke on purpose. */
export function brokenNote(frame: Pick<CapturedFrame, 'misbehave' | 'afterFault'>): string | null {
  if (!frame.misbehave) return null;
  if (frame.afterFault) {
    return m.frame_note_after_fault({ kind: frame.misbehave });
  }
  return m.frame_note_broken({ kind: frame.misbehave });
}
