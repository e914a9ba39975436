/**
 * Reading a capture file into a CaptureSession, chunk by chunk from the file's own stream, with
 * progress at most every 100 ms. In a worker it runs flat out; on the main thread (no worker) it
 * gives the page a turn after every few milliseconds of work.
 */
import type { ImportProgress } from '../../../capture';
import { CaptureSession, type CaptureSummary } from './session';

export interface ReadOptions {
  /** Yield to the event loop after this many ms of work (main thread); 0: never (a worker). */
  slice?: number;
  /** Stop: the promise rejects with "cancelled". */
  signal?: { cancelled: boolean };
}

/** Progress as the page shows it: the importer's, plus the file's size. */
export type ReadProgress = ImportProgress & { total: number };

export async function readCapture(
  file: Blob,
  name: string,
  onprogress: (progress: ReadProgress) => void,
  options: ReadOptions = {},
): Promise<{ session: CaptureSession; summary: CaptureSummary }> {
  const session = new CaptureSession(name, file.size);
  const reader = file.stream().getReader();
  let reported = performance.now();
  let worked = performance.now();
  const slice = options.slice ?? 0;
  onprogress({ ...session.progress, total: file.size });
  for (;;) {
    const { done, value } = await reader.read();
    if (options.signal?.cancelled) {
      await reader.cancel();
      throw new Error('cancelled');
    }
    if (done) break;
    session.push(value);
    const now = performance.now();
    if (now - reported >= 100) {
      reported = now;
      onprogress({ ...session.progress, total: file.size });
    }
    if (slice > 0 && now - worked >= slice) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      worked = performance.now();
    }
  }
  const summary = session.finish();
  onprogress({ ...session.progress, total: file.size });
  return { session, summary };
}
