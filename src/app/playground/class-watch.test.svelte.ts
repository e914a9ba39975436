import { describe, expect, it, vi } from 'vitest';
import { connectInspector } from '../inspector/client.svelte';
import { clientHello, hello, open, serverHello } from '../inspector/fixtures';
import { ClassWatch, type HashHost } from './class-watch.svelte';
import { FakeSocket } from '../socket/fake-socket';

const LOCATION = { protocol: 'http:', host: '127.0.0.1:8008' };

/** How the fake server answers each /inspect request. */
type Answer = 'hello' | 'refuse';

function setup(server: { all: Answer; session: Answer; classMode: boolean }, location = LOCATION) {
  const sockets: FakeSocket[] = [];
  const watch = new ClassWatch({
    location,
    wait: 100,
    open: (url, session, all) =>
      connectInspector(url, session, {
        all,
        schedule: (flush) => queueMicrotask(flush),
        createSocket: (u) => {
          const socket = new FakeSocket(u);
          sockets.push(socket);
          const answer = u.includes('all') ? server.all : server.session;
          queueMicrotask(() => {
            if (answer === 'refuse') {
              // What a browser sees of a 403 or 404: an error, then close 1006.
              socket.fail();
              return;
            }
            socket.open();
            socket.receive(JSON.stringify(hello({ session: all ? null : session, all, classMode: server.classMode })));
          });
          return socket;
        },
      }),
  });
  return { watch, sockets };
}

function fakeHost(hash: string) {
  const target = new EventTarget();
  const host = Object.assign(target, {
    location: { hash },
    history: {
      replaceState(_data: unknown, _unused: string, url?: string) {
        host.location.hash = url ?? '';
      },
    },
  }) satisfies HashHost;
  const go = (next: string): void => {
    host.location.hash = next;
    target.dispatchEvent(new Event('hashchange'));
  };
  return { host, go };
}

describe('ClassWatch', () => {
  it('opens /inspect?all and lists every connection\u2019s frames, filtered by connection', async () => {
    const { watch, sockets } = setup({ all: 'hello', session: 'hello', classMode: true });
    expect(watch.status).toBe('off');
    const started = watch.start();
    expect(watch.status).toBe('connecting');
    expect(await started).toBe(true);
    expect(watch.status).toBe('watching');
    expect(sockets.map((s) => s.url)).toEqual(['ws://127.0.0.1:8008/inspect?all=&batch=']);

    const tap = sockets[0]!;
    tap.receive(JSON.stringify({ ...open(3, 1), session: 'studentAAAAAAAAA' }));
    tap.receive(JSON.stringify({ ...open(4, 1), session: 'studentBBBBBBBBB' }));
    tap.receive(JSON.stringify(clientHello(3)));
    tap.receive(JSON.stringify(clientHello(4)));
    tap.receive(JSON.stringify(serverHello(4)));
    await Promise.resolve();

    expect(watch.frames.length).toBe(3);
    expect(watch.choices.map((c) => c.value)).toEqual(['all', '3', '4']);
    // Following: the newest frame is selected, numbered by the server's id.
    expect(watch.selectedFrame?.connection).toBe(4);
    expect(watch.selectedFrame?.label).toBeNull();
    expect(watch.selectedRecord?.info.session).toBe('studentBBBBBBBBB');

    watch.filter = 3;
    expect(watch.frames.length).toBe(1);
    expect(watch.selectedFrame?.connection).toBe(3);
    watch.select(watch.frames.at(0)!);
    expect(watch.follow).toBe(false);
    expect(watch.selected).toBe(watch.frames.at(0)!.seq);
    // A selection outside the filter is not shown.
    watch.filter = 4;
    expect(watch.selectedFrame).toBeNull();
    watch.filter = null;
    expect(watch.selectedFrame?.connection).toBe(3);

    watch.clear();
    expect(watch.follow).toBe(true);
    expect(watch.frames.length).toBe(0);

    // The server goes away: the view says so.
    tap.closed(1001, 'server shutting down');
    expect(watch.status).toBe('closed');
    expect(watch.closedText).toMatch(/closed/);
    expect(watch.on).toBe(true);
    watch.stop();
    expect(watch.status).toBe('off');
    expect(watch.on).toBe(false);
  });

  it('says 403 when the server was not started with --class (it asks a session tap)', async () => {
    const { watch, sockets } = setup({ all: 'refuse', session: 'hello', classMode: false });
    expect(await watch.start()).toBe(false);
    expect(watch.status).toBe('refused');
    expect(watch.refusal?.status).toBe(403);
    expect(watch.refusal?.fix).toContain('npm start -- --class');
    expect(sockets.length).toBe(2);
    expect(sockets[1]!.url).toMatch(/^ws:\/\/127\.0\.0\.1:8008\/inspect\?session=[A-Za-z0-9_-]{22}&batch=$/);
    // The probe is closed once it answered.
    expect(sockets[1]!.closeCalls.length).toBe(1);
    expect(watch.client).toBeNull();
  });

  it('says 404 when no Framescope server answers (a static host)', async () => {
    const { watch } = setup({ all: 'refuse', session: 'refuse', classMode: false });
    expect(await watch.start()).toBe(false);
    expect(watch.refusal?.status).toBe(404);
    expect(watch.refusal?.text).toMatch(/static host/);
  });

  it('says there is no server for a page opened from a file, without opening anything', async () => {
    const { watch, sockets } = setup({ all: 'hello', session: 'hello', classMode: true }, { protocol: 'file:', host: '' });
    expect(await watch.start()).toBe(false);
    expect(watch.refusal?.title).toMatch(/opened from a file/);
    expect(sockets.length).toBe(0);
  });

  it('an answer that comes after stop() changes nothing', async () => {
    const { watch } = setup({ all: 'hello', session: 'hello', classMode: true });
    const started = watch.start();
    watch.stop();
    expect(await started).toBe(false);
    expect(watch.status).toBe('off');
  });

  it('follows #/?watch=class, and the toggle writes it', async () => {
    const { watch, sockets } = setup({ all: 'hello', session: 'hello', classMode: true });
    const { host, go } = fakeHost('#/?watch=class');
    const undo = watch.followHash(host);
    expect(watch.on).toBe(true);
    await vi.waitFor(() => expect(watch.status).toBe('watching'));

    watch.toggle(host);
    expect(watch.on).toBe(false);
    expect(host.location.hash).toBe('#/');
    expect(sockets[0]!.closeCalls.length).toBe(1);

    watch.toggle(host);
    expect(watch.on).toBe(true);
    expect(host.location.hash).toBe('#/?watch=class');

    go('#/');
    expect(watch.on).toBe(false);
    go('#/?watch=class');
    expect(watch.on).toBe(true);
    // Another page's hash leaves it alone (the page is going away).
    go('#/decode');
    expect(watch.on).toBe(true);
    undo();
    go('#/');
    expect(watch.on).toBe(true);
    watch.destroy();
    expect(watch.on).toBe(false);
  });
});
