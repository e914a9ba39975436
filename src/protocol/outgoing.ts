/**
 * The bytes a connection has to write, in order, when some of them are not made yet: a message
 * being compressed elsewhere (permessage-deflate on a threadpool) holds its place, and whatever is
 * sent after it (another message, a pong, a Close frame) waits behind it, so the wire order is the
 * order of the calls. Beside the bytes, one report per compressed message, released with its frames.
 */

/** A message this end sent compressed: what it was before compression, and its size on the wire. */
export interface DeflatedReport {
  /** The message as given to send (the bytes the peer will inflate). */
  data: Uint8Array;
  /** Payload bytes on the wire, all fragments together. */
  wireLength: number;
  binary: boolean;
}

interface Slot {
  chunks: Uint8Array[];
  reports: DeflatedReport[];
  ready: boolean;
}

export class OutgoingQueue {
  #out: Uint8Array[] = [];
  #reports: DeflatedReport[] = [];
  /** Places held, oldest first; empty in the usual case (nothing pending). */
  #held: Slot[] = [];
  /** Where `target()` points while a held place is filled. */
  #filling: Slot | null = null;

  /** Is a place held for bytes not made yet? */
  get holding(): boolean {
    return this.#held.length > 0;
  }

  /** The list to push chunks to now, in order. */
  target(): Uint8Array[] {
    return (this.#filling ?? this.#tail())?.chunks ?? this.#out;
  }

  /** Record a compressed message sent now (its frames pushed to `target()`). */
  report(report: DeflatedReport): void {
    ((this.#filling ?? this.#tail())?.reports ?? this.#reports).push(report);
  }

  /** Hold a place for bytes made later (`fill`). */
  reserve(): object {
    const slot: Slot = { chunks: [], reports: [], ready: false };
    this.#held.push(slot);
    return slot;
  }

  /** Fill a held place: `write` pushes to `target()` and `report()`s as usual. */
  fill(place: object, write: () => void): void {
    const slot = place as Slot;
    this.#filling = slot;
    try {
      write();
    } finally {
      this.#filling = null;
    }
    slot.ready = true;
    while (this.#held.length > 0 && this.#held[0]!.ready) {
      const done = this.#held.shift()!;
      for (const chunk of done.chunks) this.#out.push(chunk);
      for (const report of done.reports) this.#reports.push(report);
    }
  }

  take(): Uint8Array[] {
    const out = this.#out;
    if (out.length === 0) return out;
    this.#out = [];
    return out;
  }

  takeReports(): DeflatedReport[] {
    const reports = this.#reports;
    if (reports.length === 0) return reports;
    this.#reports = [];
    return reports;
  }

  /** While a place is held, what is sent after it goes in a ready slot behind it. */
  #tail(): Slot | null {
    const held = this.#held;
    if (held.length === 0) return null;
    const last = held[held.length - 1]!;
    if (last.ready) return last;
    const slot: Slot = { chunks: [], reports: [], ready: true };
    held.push(slot);
    return slot;
  }
}
