import { flushSync } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { getLocale, overwriteGetLocale } from '../../paraglide/runtime.js';
import { withEffectRoot } from '../../../tests/helpers/effect-root.svelte';
import { FakeSocket } from '../socket/fake-socket';
import { MASKED, PING_AS_TEXT, report, RSV_OK } from './fixtures';
import { ConformancePage, type Fetch } from './page.svelte';

function setup(options: { fetch?: Fetch } = {}): { page: ConformancePage; sockets: FakeSocket[] } {
  const sockets: FakeSocket[] = [];
  const page = new ConformancePage('ws://127.0.0.1:8008/conformance', {
    create: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    ...options,
  });
  return { page, sockets };
}

describe('opening a report', () => {
  it('from a file: shown, and the first FAILED case selected', async () => {
    const { page } = setup();
    const file = new File([JSON.stringify(report())], 'run.json', { type: 'application/json' });
    expect(await page.openFile(file)).toBe(true);
    expect(page.report?.cases.map((c) => c.id)).toEqual(['3.1', '2.2', '1.1.2']);
    expect([page.source, page.selectedId, page.selected?.id, page.error]).toEqual(['run.json', '2.2', '2.2', null]);
  });

  it('a broken file: a message that says which file and what is wrong; the report shown stays', async () => {
    const { page } = setup();
    page.openText(JSON.stringify(report()), 'good.json');
    expect(await page.openFile(new File(['{"cases": 3}'], 'bad.json'))).toBe(false);
    expect(page.error).toBe('bad.json: This JSON is not a conformance report: cases should be an array, not 3.');
    expect(page.source).toBe('good.json');
  });

  it('from a link: fetched; a 404 or a network error is said with the link', async () => {
    const answers: Record<string, () => Promise<Awaited<ReturnType<Fetch>>>> = {
      'http://h/run.json': async () => ({ ok: true, status: 200, statusText: 'OK', text: async () => JSON.stringify(report([MASKED])) }),
      'http://h/none.json': async () => ({ ok: false, status: 404, statusText: 'Not Found', text: async () => '' }),
      'http://other/x.json': async () => Promise.reject(new TypeError('Failed to fetch')),
    };
    const { page } = setup({ fetch: (url) => answers[url]!() });
    expect(await page.openUrl('http://h/run.json')).toBe(true);
    expect(page.report?.cases[0]!.id).toBe('1.1.2');
    expect(await page.openUrl('http://h/none.json')).toBe(false);
    expect(page.error).toBe('http://h/none.json: the server answered 404 Not Found.');
    expect(await page.openUrl('http://other/x.json')).toBe(false);
    expect(page.error).toMatch(/^http:\/\/other\/x\.json could not be loaded \(Failed to fetch\)/);
  });
});

describe('a live run through /conformance', () => {
  it('asks for the run, grows the report case by case in run order, and opens the first FAILED when done', () => {
    withEffectRoot(() => {
      const { page, sockets } = setup();
      page.run(' ws://127.0.0.1:9001/ ', '2.*,3.1');
      expect(page.live.status).toBe('connecting');
      const socket = sockets[0]!;
      expect(socket.url).toBe('ws://127.0.0.1:8008/conformance');
      socket.open();
      expect(socket.sentJson()).toEqual([{ type: 'run', target: 'ws://127.0.0.1:9001/', cases: '2.*,3.1' }]);
      socket.receiveJson({ type: 'started', target: 'ws://127.0.0.1:9001/', startedAt: '2026-12-01T10:00:00.000Z', total: 2, ids: ['2.2', '3.1'] });
      expect([page.live.status, page.live.total, page.report?.cases.length]).toEqual(['running', 2, 0]);
      socket.receiveJson({ type: 'case', index: 0, total: 2, case: RSV_OK });
      flushSync();
      expect([page.live.done, page.report?.cases.map((c) => c.id), page.live.message]).toEqual([1, ['3.1'], 'Grading ws://127.0.0.1:9001/: 1 of 2 cases (last: 3.1 OK).']);
      socket.receiveJson({ type: 'case', index: 1, total: 2, case: PING_AS_TEXT });
      expect(page.report?.cases.map((c) => c.id)).toEqual(['2.2', '3.1']);
      expect(page.live.failed).toBe(1);
      expect(page.selectedId).toBeNull();
      socket.receiveJson({ type: 'done', target: 'ws://127.0.0.1:9001/', startedAt: '', durationMs: 1500, summary: report([RSV_OK, PING_AS_TEXT]).summary, stopped: null });
      expect(page.live.status).toBe('done');
      expect(page.live.message).toBe('Done: 2 cases in 1.5 s, 1 OK, 0 NON-STRICT, 1 FAILED.');
      expect(page.report?.durationMs).toBe(1500);
      expect(page.selectedId).toBe('2.2');
      expect(socket.closeCalls).toEqual([{ code: 1000, reason: 'done' }]);
    });
  });

  it('a refusal is said as the server says it; Stop sends cancel; a lost connection is said too', () => {
    const { page, sockets } = setup();
    page.run('ws://10.0.0.1:9001/', '');
    sockets[0]!.open();
    expect(sockets[0]!.sentJson()).toEqual([{ type: 'run', target: 'ws://10.0.0.1:9001/' }]);
    sockets[0]!.receiveJson({ type: 'refused', target: 'ws://10.0.0.1:9001/', reason: '10.0.0.1 port 9001 is not an allowed target.' });
    expect([page.live.status, page.live.message, page.live.active]).toEqual(['refused', '10.0.0.1 port 9001 is not an allowed target.', false]);

    page.run('ws://127.0.0.1:9001/', '');
    const second = sockets[1]!;
    second.open();
    second.receiveJson({ type: 'started', target: 'ws://127.0.0.1:9001/', startedAt: '', total: 300, ids: [] });
    page.live.cancel();
    expect(second.sentJson().at(-1)).toEqual({ type: 'cancel' });
    second.fail();
    expect([page.live.status, page.live.message]).toEqual(['error', 'The connection to the server closed (1006 Abnormal Closure) before the run ended.']);
  });

  it('the end of a run counts INFORMATIONAL and UNIMPLEMENTED cases when there are some, so the counts add up', () => {
    const { page, sockets } = setup();
    page.run('ws://127.0.0.1:9001/', '');
    sockets[0]!.open();
    sockets[0]!.receiveJson({ type: 'started', target: 'ws://127.0.0.1:9001/', startedAt: '', total: 0, ids: [] });
    const summary = { OK: 3, 'NON-STRICT': 1, INFORMATIONAL: 2, UNIMPLEMENTED: 0, FAILED: 4 };
    sockets[0]!.receiveJson({ type: 'done', target: 'ws://127.0.0.1:9001/', startedAt: '', durationMs: 2000, summary, stopped: 'server unreachable from case 5.1 on' });
    expect(page.live.message).toBe('The run ended early: server unreachable from case 5.1 on. 3 OK, 1 NON-STRICT, 2 INFORMATIONAL, 4 FAILED.');
  });

  it('a page opened from a file has no server to run on, and says so', () => {
    const page = new ConformancePage(null);
    page.run('ws://127.0.0.1:9001/', '');
    expect([page.live.available, page.live.status]).toEqual([false, 'error']);
    expect(page.live.message).toMatch(/opened from a file, so there is no server/);
  });
});

describe('in the reader\'s language', () => {
  const before = getLocale;
  afterEach(() => overwriteGetLocale(before));

  it('a mistyped address is refused on the page, from the catalogue, and no socket is opened', () => {
    const { page, sockets } = setup();
    page.run('127.0.0.1:9001', '');
    expect([page.live.status, page.live.message, sockets.length]).toEqual(['refused', '"127.0.0.1:9001" is not a URL; give the server\'s address as ws://HOST:PORT/PATH', 0]);
    overwriteGetLocale(() => 'zh-CN');
    expect(page.live.message).toBe('"127.0.0.1:9001" 不是一个 URL；请按 ws://主机:端口/路径 的格式填写服务器地址');
    page.run('wss://127.0.0.1:9001/', '');
    expect(page.live.message).toBe('不支持 wss:// 目标：评分器只通过普通 TCP 讲 WebSocket（ws://）');
    page.run('http://127.0.0.1:9001/', '');
    expect(page.live.message).toBe('目标必须是 ws:// 地址，而不是 http://；例如 ws://127.0.0.1:9001/');
    expect(sockets.length).toBe(0);
  });

  it('verdict words in the progress and the counts come from the catalogue; NOT PLAYED is counted apart', () => {
    overwriteGetLocale(() => 'zh-CN');
    const { page, sockets } = setup();
    page.run('ws://127.0.0.1:9001/', '');
    sockets[0]!.open();
    sockets[0]!.receiveJson({ type: 'started', target: 'ws://127.0.0.1:9001/', startedAt: '', total: 2, ids: ['9.3.1', '9.3.4'] });
    const played = { ...report().cases[1]!, id: '9.3.1' };
    sockets[0]!.receiveJson({ type: 'case', index: 0, total: 2, case: played });
    expect(page.live.message).toContain('9.3.1 失败');
    const never = { ...played, id: '9.3.4', behavior: 'NOT PLAYED', behaviorClose: 'NOT PLAYED', result: 'Not played: …', durationMs: 0, wire: [] };
    sockets[0]!.receiveJson({ type: 'case', index: 1, total: 2, case: never });
    expect(page.live.failed).toBe(1);
    const summary = { OK: 0, 'NON-STRICT': 0, INFORMATIONAL: 0, UNIMPLEMENTED: 0, FAILED: 1, 'NOT PLAYED': 1 };
    sockets[0]!.receiveJson({ type: 'done', target: 'ws://127.0.0.1:9001/', startedAt: '', durationMs: 2000, summary, stopped: null });
    expect(page.live.message).toMatch(/失败 1 个, 未运行 1 个/);
    overwriteGetLocale(() => 'en');
    expect(page.live.message).toMatch(/0 OK, 0 NON-STRICT, 1 FAILED, 1 NOT PLAYED\.$/);
  });
});
