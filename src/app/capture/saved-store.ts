/**
 * Captures kept in this browser (IndexedDB): nothing is sent anywhere. Two object stores share one
 * key: `meta` (name, date, counts: what the list shows, read without loading any capture) and
 * `data` (the capture's JSON text, docs/capture-format.md). Every method resolves or rejects with
 * a StorageError: its `problem` (what went wrong, with the browser's reason) is what a page says, in
 * its language (storage-text.ts).
 */
import { parseCapture, serializeCapture, type CaptureFile } from '../../capture';
import { frameCount } from '../inspector/export';

export interface SavedMeta {
  id: number;
  name: string;
  /** When it was saved, Unix epoch ms. */
  savedAt: number;
  /** What made it: "playground", "chat", a file name for an imported file. */
  source: string | null;
  connections: number;
  frames: number;
  /** Size of its JSON text in bytes (UTF-16 code units, close enough for a list). */
  size: number;
}

/** What went wrong with the browser's storage. */
export type StorageProblem =
  | { kind: 'no-indexeddb' }
  | { kind: 'gone' }
  | { kind: 'unreadable'; reason: string }
  | { kind: 'busy' }
  | { kind: 'refused'; action: 'open' | 'use' | 'store' | 'read'; name: string; reason: string; quota: boolean }
  | { kind: 'other'; reason: string };

/** The store's error: `problem` says what (storage-text.ts words it); the message is its kind and reason, for logs. */
export class StorageError extends Error {
  constructor(readonly problem: StorageProblem) {
    super('reason' in problem ? `${problem.kind}: ${problem.reason}` : problem.kind);
    this.name = 'StorageError';
  }
}

/** Any error from the store as a problem to show. */
export function storageProblem(error: unknown): StorageProblem {
  if (error instanceof StorageError) return error.problem;
  return { kind: 'other', reason: error instanceof Error ? error.message : String(error) };
}

const DB_NAME = 'framescope';
const DB_VERSION = 1;
const META = 'capture-meta';
const DATA = 'capture-data';

export class SavedCaptureStore {
  readonly #factory: IDBFactory;
  #db: Promise<IDBDatabase> | null = null;

  /** `factory`: the browser's `indexedDB` (tests pass fake-indexeddb's). */
  constructor(factory: IDBFactory | undefined = globalThis.indexedDB) {
    if (!factory) throw new StorageError({ kind: 'no-indexeddb' });
    this.#factory = factory;
  }

  /** Every saved capture, newest first. */
  async list(): Promise<SavedMeta[]> {
    const all = await this.#run<SavedMeta[]>([META], 'readonly', (t) => t.objectStore(META).getAll() as IDBRequest<SavedMeta[]>);
    return all.sort((a, b) => b.savedAt - a.savedAt || b.id - a.id);
  }

  /** Keeps `capture` (named `name`); resolves to its list entry. */
  async save(capture: CaptureFile, name: string, savedAt: number): Promise<SavedMeta> {
    const named: CaptureFile = { ...capture, name, savedAt };
    const text = serializeCapture(named);
    const meta: Omit<SavedMeta, 'id'> = {
      name,
      savedAt,
      source: capture.source,
      connections: capture.connections.length,
      frames: frameCount(capture),
      size: text.length,
    };
    const id = await this.#run<IDBValidKey>([META, DATA], 'readwrite', (t) => {
      const request = t.objectStore(META).add(meta);
      request.onsuccess = () => t.objectStore(DATA).put({ id: request.result, text });
      return request;
    });
    return { ...meta, id: id as number };
  }

  /** The capture saved as `id`, read back through the same checks as a file. */
  async load(id: number): Promise<CaptureFile> {
    const row = await this.#run<{ id: number; text: string } | undefined>([DATA], 'readonly', (t) => t.objectStore(DATA).get(id));
    if (row === undefined) throw new StorageError({ kind: 'gone' });
    const parsed = parseCapture(row.text);
    if (!parsed.ok) throw new StorageError({ kind: 'unreadable', reason: parsed.error.message });
    return parsed.capture;
  }

  /** Renames `id` (in the list and in the capture itself). */
  async rename(id: number, name: string): Promise<void> {
    const capture = await this.load(id);
    const text = serializeCapture({ ...capture, name });
    await this.#run<IDBValidKey>([META, DATA], 'readwrite', (t) => {
      const metas = t.objectStore(META);
      const get = metas.get(id) as IDBRequest<SavedMeta | undefined>;
      get.onsuccess = () => {
        if (get.result === undefined) return;
        metas.put({ ...get.result, name, size: text.length });
        t.objectStore(DATA).put({ id, text });
      };
      return get;
    });
  }

  async remove(id: number): Promise<void> {
    await this.#run([META, DATA], 'readwrite', (t) => {
      t.objectStore(DATA).delete(id);
      return t.objectStore(META).delete(id);
    });
  }

  close(): void {
    void this.#db?.then((db) => db.close(), () => {});
    this.#db = null;
  }

  #open(): Promise<IDBDatabase> {
    this.#db ??= new Promise<IDBDatabase>((resolve, reject) => {
      let request: IDBOpenDBRequest;
      try {
        request = this.#factory.open(DB_NAME, DB_VERSION);
      } catch (error) {
        reject(refused('open', error));
        return;
      }
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains(META)) db.createObjectStore(META, { keyPath: 'id', autoIncrement: true });
        if (!db.objectStoreNames.contains(DATA)) db.createObjectStore(DATA, { keyPath: 'id' });
      };
      request.onsuccess = () => {
        const db = request.result;
        // Another tab upgrading the database: let it (this tab opens it again when it needs it).
        db.onversionchange = () => {
          db.close();
          this.#db = null;
        };
        resolve(db);
      };
      request.onerror = () => reject(refused('open', request.error));
      request.onblocked = () => reject(new StorageError({ kind: 'busy' }));
    });
    const opening = this.#db;
    opening.catch(() => {
      if (this.#db === opening) this.#db = null;
    });
    return opening;
  }

  /** One transaction: resolves with the result of the request `body` returns once the transaction commits. */
  async #run<T>(stores: string[], mode: IDBTransactionMode, body: (t: IDBTransaction) => IDBRequest): Promise<T> {
    const db = await this.#open();
    return new Promise<T>((resolve, reject) => {
      let transaction: IDBTransaction;
      try {
        transaction = db.transaction(stores, mode);
      } catch (error) {
        reject(refused('use', error));
        return;
      }
      const request = body(transaction);
      transaction.oncomplete = () => resolve(request.result as T);
      transaction.onabort = () => reject(refused(mode === 'readwrite' ? 'store' : 'read', transaction.error ?? request.error));
      transaction.onerror = (event) => event.preventDefault();
    });
  }
}

/** The browser's refusal, with its reason. A full disk or a storage quota says so. */
function refused(action: 'open' | 'use' | 'store' | 'read', error: unknown): StorageError {
  const name = error instanceof DOMException || error instanceof Error ? error.name : '';
  const reason = error instanceof Error || error instanceof DOMException ? error.message : String(error ?? '');
  const quota = name === 'QuotaExceededError';
  return new StorageError({ kind: 'refused', action, name, reason, quota });
}
