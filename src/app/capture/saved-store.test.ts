import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { CAPTURE_FORMAT, CAPTURE_VERSION, type CaptureFile } from '../../capture';
import { clientHello, open, serverHello } from '../inspector/fixtures';
import { SavedCaptureStore, StorageError, storageProblem } from './saved-store';
import { storageProblemText } from './storage-text';

function catchError(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  return null;
}

function lesson(frames: number): CaptureFile {
  const o = open(1, 1, 100);
  return {
    format: CAPTURE_FORMAT,
    version: CAPTURE_VERSION,
    savedAt: null,
    name: null,
    source: 'playground',
    connections: [
      {
        connection: 1, path: o.path, session: o.session, client: o.peer, server: '127.0.0.1:8008', t: o.t, wall: o.wall,
        request: o.request, response: o.response,
        events: Array.from({ length: frames }, (_, i) => {
          const { connection: _c, wall: _w, ...e } = i % 2 === 0 ? clientHello(1, (i / 2) * 11, 110 + i) : serverHello(1, ((i - 1) / 2) * 7, 110 + i);
          return e;
        }),
      },
    ],
  };
}

describe('captures kept in the browser (IndexedDB)', () => {
  it('saves, lists newest first with name, date and frame count, loads back the same capture', async () => {
    const store = new SavedCaptureStore(new IDBFactory());
    const a = await store.save(lesson(4), 'First lesson', 1_000);
    const b = await store.save(lesson(6), 'Second lesson', 2_000);
    expect(a.id).not.toBe(b.id);
    const list = await store.list();
    expect(list.map((m) => [m.name, m.savedAt, m.frames, m.connections, m.source])).toEqual([
      ['Second lesson', 2_000, 6, 1, 'playground'],
      ['First lesson', 1_000, 4, 1, 'playground'],
    ]);
    const back = await store.load(a.id);
    expect(back).toEqual({ ...lesson(4), name: 'First lesson', savedAt: 1_000 });
  });

  it('renames in the list and in the capture, deletes', async () => {
    const store = new SavedCaptureStore(new IDBFactory());
    const a = await store.save(lesson(2), 'Old name', 1_000);
    await store.rename(a.id, 'New name');
    expect((await store.list()).map((m) => m.name)).toEqual(['New name']);
    expect((await store.load(a.id)).name).toBe('New name');
    await store.remove(a.id);
    expect(await store.list()).toEqual([]);
    await expect(store.load(a.id)).rejects.toMatchObject({ problem: { kind: 'gone' } });
  });

  it('keeps them across page loads (a second store on the same database)', async () => {
    const factory = new IDBFactory();
    const first = new SavedCaptureStore(factory);
    await first.save(lesson(2), 'Kept', 1_000);
    first.close();
    const second = new SavedCaptureStore(factory);
    expect((await second.list()).map((m) => m.name)).toEqual(['Kept']);
  });

  it('without IndexedDB, says so (download instead)', () => {
    expect(() => new SavedCaptureStore(undefined)).toThrow(StorageError);
    expect(storageProblemText(storageProblem(catchError(() => new SavedCaptureStore(undefined))))).toMatch(/no IndexedDB.*download/);
  });
});
