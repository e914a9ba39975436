/**
 * A saved lesson, reopened read-only in the playground's views: the capture's events become the
 * inspector messages they were (`inspectorMessages`) and go through the same checks and the same
 * capture store as a live `/inspect` socket, so the frame list, the grid, the handshake, the TCP
 * reads and the timeline show it as they showed the session. Nothing connects anywhere.
 */
import { detectFormat, inspectorMessages, parseCapture, type CaptureFile } from '../../../capture';
import { NO_CONNECTIONS, type CapturedFrame, type ConnectionRecord } from '../../inspector/capture';
import { CaptureStore, type FramesView } from '../../inspector/capture.svelte';
import { parseInspectorMessage } from '../../inspector/messages';
import * as m from '../../../paraglide/messages.js';

export class Lesson {
  #file = $state.raw<CaptureFile | null>(null);
  #origin = $state('');
  #store = $state.raw<CaptureStore | null>(null);
  #selected = $state<number | null>(null);
  #skipped = $state.raw<readonly string[]>([]);
  #error = $state<string | null>(null);
  #errorWantsDecoder = $state(false);
  #loading = $state(false);

  /** The capture shown, or null. */
  get file(): CaptureFile | null {
    return this.#file;
  }

  /** Where it came from: a file name, or "kept in this browser". */
  get origin(): string {
    return this.#origin;
  }

  get loading(): boolean {
    return this.#loading;
  }

  /** Why the last file could not be opened, or null. */
  get error(): string | null {
    return this.#error;
  }

  /** The last file was a pcap or pcapng: the decoder page opens it (the error says so, a link follows). */
  get errorWantsDecoder(): boolean {
    return this.#error !== null && this.#errorWantsDecoder;
  }

  /** Events left out because they did not read as inspector messages (a hand-edited file). */
  get skipped(): readonly string[] {
    return this.#skipped;
  }

  get frames(): FramesView | null {
    return this.#store?.frames ?? null;
  }

  get connections(): ReadonlyMap<number, ConnectionRecord> {
    return this.#store?.connections ?? NO_CONNECTIONS;
  }

  /** The selected frame's sequence number: the one picked, else the first. */
  get selected(): number | null {
    return this.#selected ?? this.frames?.at(0)?.seq ?? null;
  }

  get selectedFrame(): CapturedFrame | null {
    const seq = this.selected;
    return seq === null ? null : (this.frames?.bySeq(seq) ?? null);
  }

  /** The connection of the selected frame, else the first one. */
  get focusRecord(): ConnectionRecord | null {
    const frame = this.selectedFrame;
    const connections = this.connections;
    if (frame) return connections.get(frame.connection) ?? null;
    return connections.values().next().value ?? null;
  }

  select(frame: CapturedFrame): void {
    this.#selected = frame.seq;
  }

  /** Shows `capture`, read-only. */
  load(capture: CaptureFile, origin: string): void {
    const messages = inspectorMessages(capture);
    let frames = 0;
    for (const event of messages) if (event.type === 'frame' || event.type === 'fault') frames++;
    // Room for everything saved: every frame, and each connection's reads and frames for the TCP view.
    const perConnection = Math.max(0, ...capture.connections.map((c) => c.events.length));
    const store = new CaptureStore({ capacity: Math.max(1_000, frames), readCapacity: Math.max(2_000, perConnection), schedule: () => {} });
    const skipped: string[] = [];
    for (const event of messages) {
      // The same check as a live message: a file may have been edited by hand.
      const parsed = parseInspectorMessage(JSON.stringify(event));
      if (parsed.ok) store.ingest(parsed.message);
      else if (!parsed.unknown) skipped.push(m.lesson_saved_skipped_line({ type: event.type, t: event.t, error: parsed.error }));
    }
    store.flush();
    this.#store = store;
    this.#file = capture;
    this.#origin = origin;
    this.#selected = null;
    this.#skipped = skipped;
    this.#error = null;
    this.#errorWantsDecoder = false;
  }

  /** Reads a JSON capture file the user chose or dropped. */
  async openFile(file: File): Promise<boolean> {
    this.#loading = true;
    try {
      const head = new Uint8Array(await file.slice(0, 64).arrayBuffer());
      const format = detectFormat(head, head.length === file.size);
      if (format === 'pcap' || format === 'pcapng') {
        this.#error = m.lesson_saved_error_pcap({ name: file.name, format });
        this.#errorWantsDecoder = true;
        return false;
      }
      const parsed = parseCapture(await file.text());
      if (!parsed.ok) {
        const { message, line, column } = parsed.error;
        this.#error = m.lesson_saved_error_parse({ name: file.name, message, line, column });
        this.#errorWantsDecoder = false;
        return false;
      }
      this.load(parsed.capture, file.name);
      return true;
    } catch (error) {
      this.#error = m.lesson_saved_error_read({ name: file.name, message: error instanceof Error ? error.message : String(error) });
      this.#errorWantsDecoder = false;
      return false;
    } finally {
      this.#loading = false;
    }
  }

  close(): void {
    this.#file = null;
    this.#store = null;
    this.#selected = null;
    this.#skipped = [];
  }

  clearError(): void {
    this.#error = null;
  }
}
