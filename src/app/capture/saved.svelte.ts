/**
 * The list of captures kept in this browser, as rune state: the page shows `items`, and every
 * change (keep, rename, delete) refreshes it. One list per page load (`savedCaptures()`), shared by
 * the Save capture dialog and the list, so a capture kept appears at once.
 */
import type { CaptureFile } from '../../capture';
import { SavedCaptureStore, storageProblem, type SavedMeta, type StorageProblem } from './saved-store';
import { storageProblemText } from './storage-text';

export class SavedList {
  readonly store: SavedCaptureStore | null;
  #items = $state.raw<readonly SavedMeta[]>([]);
  #loaded = $state(false);
  #error = $state.raw<StorageProblem | null>(null);

  constructor(store: SavedCaptureStore | null, unavailable: StorageProblem | null = null) {
    this.store = store;
    this.#error = unavailable;
  }

  get items(): readonly SavedMeta[] {
    return this.#items;
  }

  /** The list was read at least once. */
  get loaded(): boolean {
    return this.#loaded;
  }

  /** What went wrong last (shown beside the list, in the page's language), or null. */
  get error(): string | null {
    return this.#error ? storageProblemText(this.#error) : null;
  }

  async refresh(): Promise<void> {
    if (!this.store) return;
    await this.#try(async () => {
      this.#items = await this.store!.list();
      this.#loaded = true;
    });
  }

  async keep(capture: CaptureFile, name: string): Promise<SavedMeta | null> {
    if (!this.store) return null;
    let meta: SavedMeta | null = null;
    await this.#try(async () => {
      meta = await this.store!.save(capture, name, Date.now());
    });
    await this.refresh();
    return meta;
  }

  async load(id: number): Promise<CaptureFile | null> {
    if (!this.store) return null;
    let capture: CaptureFile | null = null;
    await this.#try(async () => {
      capture = await this.store!.load(id);
    });
    return capture;
  }

  async rename(id: number, name: string): Promise<void> {
    if (!this.store) return;
    await this.#try(() => this.store!.rename(id, name));
    await this.refresh();
  }

  async remove(id: number): Promise<void> {
    if (!this.store) return;
    await this.#try(() => this.store!.remove(id));
    await this.refresh();
  }

  async #try(work: () => Promise<void>): Promise<void> {
    try {
      await work();
      this.#error = null;
    } catch (error) {
      this.#error = storageProblem(error);
    }
  }
}

let shared: SavedList | null = null;

/** This page's list of kept captures (made on first use). */
export function savedCaptures(): SavedList {
  if (shared) return shared;
  try {
    shared = new SavedList(new SavedCaptureStore());
  } catch (error) {
    shared = new SavedList(null, storageProblem(error));
  }
  return shared;
}
