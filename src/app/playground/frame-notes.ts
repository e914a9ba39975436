/**
 * What the playground says above a captured frame: that the server broke it on purpose, that the
 * frame before it already did, or that the inspector kept only its first bytes of a frame that was
 * whole on the wire (and how to see all of it).
 */
import type { CapturedFrame } from '../inspector/capture';
import { formatBytes } from '../components/format';

/** The largest `--inspect-frame-bytes` the server takes (its queue and budget are sized for it). */
export const MAX_INSPECT_FRAME_BYTES = 1024 * 1024;

/** For a frame the tap cut: the sentence FrameView shows instead of "the bytes end mid-frame". */
export function cutNote(frame: Pick<CapturedFrame, 'truncated' | 'bytes' | 'size'>, maxFrameBytes: number | null): string | null {
  if (!frame.truncated) return null;
  const kept = frame.bytes.length;
  const limit = maxFrameBytes ?? kept;
  const why =
    kept < limit
      ? `the server reported only its first ${kept.toLocaleString('en-US')} bytes (the page's byte budget per second was spent, or the tap began watching mid-frame)`
      : `the inspector keeps at most the first ${formatBytes(limit)} (${limit.toLocaleString('en-US')} bytes) of a frame`;
  const how =
    limit < MAX_INSPECT_FRAME_BYTES
      ? ` To see frames whole up to 1 MiB, start the server with npm start -- --inspect-frame-bytes 1MiB (with the dev server: FRAMESCOPE_INSPECT_FRAME_BYTES=1MiB npm run dev).`
      : '';
  return (
    `This ${frame.size.toLocaleString('en-US')}-byte frame was whole on the wire; ${why}, so ${(frame.size - kept).toLocaleString('en-US')} ` +
    `bytes of its payload are not shown here.${how}`
  );
}

/** The note on a frame the server broke on purpose. */
export function brokenNote(frame: Pick<CapturedFrame, 'misbehave' | 'afterFault'>): string | null {
  if (!frame.misbehave) return null;
  if (frame.afterFault) {
    return `The server sent this right after the broken frame before it (${frame.misbehave}). A client that failed the connection there never reads it (RFC 6455 §7.1.7).`;
  }
  return `The server broke this frame on purpose (${frame.misbehave}): the browser must fail the connection.`;
}
