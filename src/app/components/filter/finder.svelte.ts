/**
 * A frame list's filter as rune state: the filter, its error, and the matches as a list to draw.
 * The index (filter-index.ts) is built on the main thread in time slices of a few milliseconds
 * (setTimeout between them), so typing in the search box stays responsive at 200,000 frames; a
 * Web Worker would have to be sent every frame's bytes first, which costs more than the search.
 * Call `update(source)` whenever the list's frames change (an `$effect`): only new frames are tested.
 */
import { compileFilter, NO_FILTER, type FilterableFrame, type FilterError, type FrameFilter } from './filter';
import { FilterIndex, stepMatch, type FilteredView, type SeqSource } from './filter-index';

export interface FinderOptions {
  /** Milliseconds of work per slice. */
  slice?: number;
  /** Runs the next slice later (tests run it by hand). */
  later?: (run: () => void) => void;
  now?: () => number;
}

export class FrameFinder<T> {
  readonly #adapt: (item: T) => FilterableFrame;
  readonly #slice: number;
  readonly #later: (run: () => void) => void;
  readonly #now: () => number;
  #filter = $state.raw<FrameFilter>(NO_FILTER);
  #view = $state.raw<FilteredView<T> | null>(null);
  #scanning = $state(false);
  #progress = $state(1);
  #index: FilterIndex<T> | null = null;
  #source: SeqSource<T> | null = null;
  #key: unknown = undefined;
  #queued = false;

  constructor(adapt: (item: T) => FilterableFrame, options: FinderOptions = {}) {
    this.#adapt = adapt;
    this.#slice = options.slice ?? 6;
    this.#later = options.later ?? ((run) => setTimeout(run, 0));
    this.#now = options.now ?? (() => performance.now());
  }

  get filter(): FrameFilter {
    return this.#filter;
  }

  set filter(filter: FrameFilter) {
    this.#filter = filter;
    this.#rebuild();
  }

  /** Why the search cannot run (a broken regex, hex that is not hex), or null. */
  get error(): FilterError | null {
    const compiled = compileFilter(this.#filter);
    return compiled.ok ? null : compiled.error;
  }

  /** A filter narrows the list (and is valid). */
  get active(): boolean {
    return this.#view !== null;
  }

  /** The matching frames found so far, or null with no filter (draw the whole list). */
  get matches(): FilteredView<T> | null {
    return this.#view;
  }

  /** Still testing held frames (the count may still grow); `progress` 0..1. */
  get scanning(): boolean {
    return this.#scanning;
  }

  get progress(): number {
    return this.#progress;
  }

  /** The list's frames changed (new ones, or a new capture: pass its identity as `key`). */
  update(source: SeqSource<T>, key?: unknown): void {
    this.#source = source;
    if (key !== this.#key) {
      this.#key = key;
      this.#rebuild();
      return;
    }
    this.#run();
  }

  /** The match ↑ (-1) or ↓ (+1) from the frame `seq`, as a sequence number. */
  step(seq: number | null, delta: number): number | undefined {
    return this.#view ? stepMatch(this.#view, seq, delta) : undefined;
  }

  #rebuild(): void {
    const compiled = compileFilter(this.#filter);
    if (!compiled.ok || !compiled.active) {
      this.#index = null;
      this.#view = null;
      this.#scanning = false;
      this.#progress = 1;
      return;
    }
    const adapt = this.#adapt;
    const test = compiled.test;
    this.#index = new FilterIndex<T>((item) => test(adapt(item)));
    this.#run();
  }

  #run(): void {
    const index = this.#index;
    const source = this.#source;
    if (!index || !source) return;
    const deadline = this.#now() + this.#slice;
    const done = index.scan(source, () => this.#now() < deadline);
    this.#view = index.view(source);
    const { done: tested, total } = index.progress;
    this.#progress = total === 0 ? 1 : tested / total;
    this.#scanning = !done;
    // One slice pending at a time, and it scans the index current when it runs: a filter changed
    // meanwhile (a key typed during the scan) is carried on by it, not left waiting for a new frame.
    if (!done && !this.#queued) {
      this.#queued = true;
      this.#later(() => {
        this.#queued = false;
        this.#run();
      });
    }
  }
}
