/**
 * The decoder page's state: the input, who sent it, the decode outcome, the selected frame, and
 * the decode in progress. Small inputs decode at once on the main thread; large ones go to the
 * backend (a Web Worker, or time slices) with progress. Window concerns (the URL hash, the
 * clipboard) stay in the page component.
 */
import type { FrameSender } from '../../protocol';
import { decodeText, listLength, tailOffset, type DecodeAnalysis, type DecodeOutcome, type DecodeProgress } from './analyze';
import type { DecodeBackend, DecodeJob } from './backend';
import type { Example } from './examples';
import type { DecoderLinkState, LinkNote, ReadLink } from './link';

export interface DecoderOptions {
  /** Runs large decodes; without one everything decodes on the spot. */
  backend?: DecodeBackend | null;
  /** Inputs up to this many characters decode on the main thread at once. */
  syncLimit?: number;
  /** Wait this long after typing stops before decoding (0: decode at once). */
  debounceMs?: number;
}

/** The decoder's tabs: hex in, a frame built, a capture file opened. */
export type DecoderView = 'decode' | 'build' | 'capture';

export class DecoderState {
  #input = $state('');
  #sender = $state<FrameSender>('any');
  #deflate = $state(false);
  #noContextTakeover = $state(false);
  #outcome = $state.raw<DecodeOutcome>({ kind: 'empty' });
  #progress = $state.raw<DecodeProgress | null>(null);
  #busy = $state(false);
  #selected = $state(0);
  #view = $state<DecoderView>('decode');
  #notes = $state.raw<readonly LinkNote[]>([]);
  #failure = $state<string | null>(null);
  /** The input that `outcome` is for (so the page knows when it is stale). */
  #decodedInput = $state<string | null>(null);

  readonly #backend: DecodeBackend | null;
  readonly #syncLimit: number;
  readonly #debounceMs: number;
  #job: DecodeJob | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #pendingFrame: number | null = null;

  constructor(options: DecoderOptions = {}) {
    this.#backend = options.backend ?? null;
    this.#syncLimit = options.syncLimit ?? 64 * 1024;
    this.#debounceMs = options.debounceMs ?? 150;
  }

  get input(): string {
    return this.#input;
  }

  get sender(): FrameSender {
    return this.#sender;
  }

  /** The "deflate negotiated" switch: RSV1 marks a compressed message, inflated for display. */
  get deflate(): boolean {
    return this.#deflate;
  }

  /** The sender emptied its window after every message (`*_no_context_takeover`). */
  get noContextTakeover(): boolean {
    return this.#noContextTakeover;
  }

  set noContextTakeover(on: boolean) {
    this.#noContextTakeover = on;
  }

  setDeflate(on: boolean): void {
    if (on === this.#deflate) return;
    this.#deflate = on;
    this.#pendingFrame = this.#selected;
    this.#schedule(true);
  }

  get outcome(): DecodeOutcome {
    return this.#outcome;
  }

  get analysis(): DecodeAnalysis | null {
    return this.#outcome.kind === 'decoded' ? this.#outcome.analysis : null;
  }

  /** Rows in the frame list (decoded frames plus a broken or unfinished last one). */
  get rows(): number {
    const analysis = this.analysis;
    return analysis ? listLength(analysis) : 0;
  }

  get selected(): number {
    return this.#selected;
  }

  get busy(): boolean {
    return this.#busy;
  }

  get progress(): DecodeProgress | null {
    return this.#progress;
  }

  get view(): DecoderView {
    return this.#view;
  }

  /** What was wrong with an opened link. */
  get notes(): readonly LinkNote[] {
    return this.#notes;
  }

  /** An unexpected failure of the decode itself (a bug, not bad input). */
  get failure(): string | null {
    return this.#failure;
  }

  /** Is the outcome shown for the current input (not waiting for typing to stop or a decode to end)? */
  get current(): boolean {
    return this.#decodedInput === this.#input && !this.#busy;
  }

  /** Where the frame of row `index` starts, or null. */
  offsetOfRow(index: number): number | null {
    const analysis = this.analysis;
    if (!analysis) return null;
    if (index < analysis.frames.count) return analysis.frames.offsets[index]!;
    if (index === analysis.frames.count) return tailOffset(analysis);
    return null;
  }

  /** What a shared link should say. */
  get link(): DecoderLinkState {
    const analysis = this.analysis;
    if (analysis && this.#decodedInput === this.#input) {
      return { role: this.#sender, bytes: analysis.bytes, frame: this.#selected, view: this.#view };
    }
    return { role: this.#sender, text: this.#input, view: this.#view };
  }

  setInput(text: string, { immediate = false }: { immediate?: boolean } = {}): void {
    if (text === this.#input && this.#decodedInput === text) return;
    this.#input = text;
    this.#notes = [];
    this.#schedule(immediate || this.#debounceMs === 0 || text.length > this.#syncLimit);
  }

  setSender(sender: FrameSender): void {
    if (sender === this.#sender) return;
    this.#sender = sender;
    this.#pendingFrame = this.#selected;
    this.#schedule(true);
  }

  setView(view: DecoderView): void {
    this.#view = view;
  }

  select(index: number): void {
    const rows = this.rows;
    if (rows === 0) return;
    this.#selected = Math.max(0, Math.min(rows - 1, Math.trunc(index)));
  }

  loadExample(example: Example): void {
    this.#sender = example.sender;
    this.#deflate = example.deflate ?? false;
    this.#view = 'decode';
    this.setInput(example.text(), { immediate: true });
  }

  /** Open what a link says (see link.ts); the same input again keeps the current decode. */
  loadLink(link: ReadLink): void {
    this.#view = link.view;
    const changed = link.role !== this.#sender || (link.input !== null && link.input !== this.#input);
    this.#sender = link.role;
    this.#pendingFrame = link.frame;
    if (link.input !== null && changed) {
      this.#input = link.input;
      this.#schedule(true);
    } else if (changed) {
      this.#schedule(true);
    } else if (link.frame !== null && this.analysis) {
      this.select(link.frame);
      this.#pendingFrame = null;
    }
    this.#notes = link.notes;
  }

  /** Decode now (typing finished, a paste, or a test). */
  flush(): void {
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
      this.#decode();
    }
  }

  dispose(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#job?.cancel();
    this.#job = null;
    this.#backend?.dispose();
  }

  #schedule(now: boolean): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    if (now) {
      this.#decode();
      return;
    }
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#decode();
    }, this.#debounceMs);
  }

  #decode(): void {
    this.#job?.cancel();
    this.#job = null;
    this.#failure = null;
    const text = this.#input;
    const sender = this.#sender;
    const deflate = this.#deflate;
    if (text.length <= this.#syncLimit || this.#backend === null) {
      this.#busy = false;
      this.#progress = null;
      try {
        this.#finish(text, decodeText(text, sender, deflate));
      } catch (error) {
        this.#fail(text, error);
      }
      return;
    }
    this.#busy = true;
    this.#progress = { phase: 'hex', done: 0, total: text.length };
    const job = this.#backend.run(
      text,
      sender,
      (progress) => {
        if (this.#job === job) this.#progress = progress;
      },
      deflate,
    );
    this.#job = job;
    job.promise.then(
      (outcome) => {
        if (this.#job !== job) return;
        this.#job = null;
        this.#busy = false;
        this.#progress = null;
        this.#finish(text, outcome);
      },
      (error: unknown) => {
        if (this.#job !== job) return;
        this.#job = null;
        this.#busy = false;
        this.#progress = null;
        this.#fail(text, error);
      },
    );
  }

  #finish(text: string, outcome: DecodeOutcome): void {
    this.#outcome = outcome;
    this.#decodedInput = text;
    const analysis = outcome.kind === 'decoded' ? outcome.analysis : null;
    const rows = analysis ? listLength(analysis) : 0;
    let selected = 0;
    if (this.#pendingFrame !== null) selected = this.#pendingFrame;
    else if (analysis?.fault) selected = analysis.frames.count;
    this.#pendingFrame = null;
    this.#selected = rows === 0 ? 0 : Math.max(0, Math.min(rows - 1, selected));
  }

  #fail(text: string, error: unknown): void {
    this.#outcome = { kind: 'empty' };
    this.#decodedInput = text;
    this.#failure = error instanceof Error ? error.message : String(error);
  }
}
