/**
 * The decoder page's "Open a capture": a file dropped or chosen (pcap, pcapng, Framescope JSON)
 * read off the page (backend.ts), with progress; then the WebSocket connections found in it, one
 * shown at a time in the shared frame list and frame view.
 */
import type { CapturedFrame } from '../../inspector/capture';
import type { FrameSource } from '../../inspector/capture.svelte';
import { createCaptureBackend, WORKER_STOPPED, type CaptureBackend } from './backend';
import type { CaptureFailure } from './describe';
import { rowOf, tableRows } from './frames';
import type { ReadProgress } from './read';
import type { CaptureSummary, ConnectionSummary, FrameTable } from './session';

export class CaptureImport {
  readonly #backend: CaptureBackend;
  #fileName = $state<string | null>(null);
  #progress = $state.raw<ReadProgress | null>(null);
  #reading = $state(false);
  #summary = $state.raw<CaptureSummary | null>(null);
  #failure = $state.raw<CaptureFailure | null>(null);
  #connection = $state(0);
  #table = $state.raw<FrameTable | null>(null);
  #selected = $state<number | null>(null);
  #selectedBytes = $state.raw<{ row: number; bytes: Uint8Array } | null>(null);
  /** Bumped by every open, so answers about an older file are dropped. */
  #generation = 0;

  constructor(backend: CaptureBackend = createCaptureBackend()) {
    this.#backend = backend;
  }

  get fileName(): string | null {
    return this.#fileName;
  }

  get reading(): boolean {
    return this.#reading;
  }

  get progress(): ReadProgress | null {
    return this.#progress;
  }

  get where(): 'worker' | 'main-thread' {
    return this.#backend.where;
  }

  get summary(): CaptureSummary | null {
    return this.#summary;
  }

  /** The reading itself failed (not a problem in the file: those are in `summary.problems`). */
  get failure(): CaptureFailure | null {
    return this.#failure;
  }

  get connectionIndex(): number {
    return this.#connection;
  }

  get connection(): ConnectionSummary | null {
    return this.#summary?.connections[this.#connection] ?? null;
  }

  get frames(): FrameSource<CapturedFrame> | null {
    const table = this.#table;
    const conn = this.connection;
    return table && conn ? tableRows(table, conn.index, conn.start) : null;
  }

  get selected(): number | null {
    return this.#selected;
  }

  /** The selected row with its whole bytes once they came (its first bytes until then). */
  get selectedFrame(): CapturedFrame | null {
    const table = this.#table;
    const conn = this.connection;
    const row = this.#selected;
    if (!table || !conn || row === null || row >= table.count) return null;
    const whole = this.#selectedBytes?.row === row ? this.#selectedBytes.bytes : undefined;
    return rowOf(table, conn.index, conn.start, row, whole);
  }

  async open(file: File): Promise<void> {
    const generation = ++this.#generation;
    this.#fileName = file.name;
    this.#summary = null;
    this.#table = null;
    this.#selected = null;
    this.#selectedBytes = null;
    this.#failure = null;
    this.#connection = 0;
    this.#reading = true;
    this.#progress = { bytes: 0, total: file.size, packets: 0, connections: 0, webSocketConnections: 0 };
    try {
      const summary = await this.#backend.open(file, file.name, (progress) => {
        if (generation === this.#generation) this.#progress = progress;
      });
      if (generation !== this.#generation) return;
      this.#summary = summary;
      this.#reading = false;
      if (summary.connections.length > 0) await this.selectConnection(0);
    } catch (error) {
      if (generation !== this.#generation) return;
      this.#reading = false;
      const message = error instanceof Error ? error.message : String(error);
      this.#failure = message === 'cancelled' ? { kind: 'stopped' } : message === WORKER_STOPPED ? { kind: 'worker-stopped' } : { kind: 'unreadable', reason: message };
    }
  }

  cancel(): void {
    this.#generation++;
    this.#backend.cancel();
    this.#reading = false;
    this.#failure = { kind: 'stopped' };
  }

  async selectConnection(index: number): Promise<void> {
    const generation = this.#generation;
    this.#connection = index;
    this.#table = null;
    this.#selected = null;
    this.#selectedBytes = null;
    const table = await this.#backend.table(index);
    if (generation !== this.#generation || index !== this.#connection) return;
    this.#table = table;
    if (table && table.count > 0) await this.select(0);
  }

  async select(row: number): Promise<void> {
    const generation = this.#generation;
    const connection = this.#connection;
    this.#selected = row;
    const bytes = await this.#backend.frame(connection, row);
    if (generation !== this.#generation || connection !== this.#connection || this.#selected !== row || bytes === null) return;
    this.#selectedBytes = { row, bytes };
  }

  /** Row `row`'s whole bytes (Copy's visible frames as JSON). */
  frameBytes(row: number): Promise<Uint8Array | null> {
    return this.#backend.frame(this.#connection, row);
  }

  dispose(): void {
    this.#generation++;
    this.#backend.dispose();
  }
}
