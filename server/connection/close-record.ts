/**
 * How a connection closed, as the log line and the inspector's `closed` message tell it: the
 * codec's close code and reason (its `closedWith`, RFC 6455 §7.1.5, §7.1.6), who sent the first
 * close frame, and why the server ended it when it did.
 */
import type { CloseInfo } from '../endpoints/types.ts';
import type { CloseReport } from '../log.ts';

export class CloseRecord {
  initiator: 'client' | 'server' | null = null;
  /** Why the server ended it: "fault", "ping timeout", "idle timeout", "close timeout", "shutdown", ... */
  cause: string | null = null;

  /** The server starts the closing (or fails the connection) because of `cause`; the first reason stays. */
  byServer(cause: string): void {
    this.initiator ??= 'server';
    this.cause ??= cause;
  }

  /** The peer's close frame came first. */
  byClient(): void {
    this.initiator ??= 'client';
  }

  /**
   * The report once TCP is gone, with the codec's `closedWith` (settled by `receiveEof()` at the
   * latest; null only from a codec that never opened: 1006, §7.1.5, no close frame).
   */
  report(info: CloseInfo | null, openedAt: number, counts: Pick<CloseReport, 'framesIn' | 'framesOut' | 'bytesIn' | 'bytesOut'>): CloseReport {
    const { code, reason, wasClean } = info ?? { code: 1006, reason: '', wasClean: false };
    const { framesIn, framesOut, bytesIn, bytesOut } = counts;
    const duration = Math.round((performance.now() - openedAt) * 1000) / 1000;
    return { code, reason, wasClean, initiator: this.initiator, cause: this.cause, duration, framesIn, framesOut, bytesIn, bytesOut };
  }
}
