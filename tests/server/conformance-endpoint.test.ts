/**
 * `/conformance` (server/endpoints/conformance.ts): a page asks the server to grade a target; the
 * server checks it (loopback only, until the proxy's allow-list replaces the check), runs the
 * grader in its own process and streams `started`, one `case` per case, and `done`
 * (docs/conformance.md). Bad requests, refused targets, too many runs and a page that leaves all
 * get an answer or a stop, never a hang.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { conformanceEndpoint } from '../../server/endpoints/conformance';
import { isLoopback, loopbackOnly } from '../../server/endpoints/loopback-target';
import { createFramescopeServer, type FramescopeServer } from '../../server/index';
import type { ConformanceEvent } from '../../src/wire/conformance.ts';

let server: FramescopeServer;
let base = '';

beforeAll(async () => {
  server = createFramescopeServer({ quiet: true });
  base = `ws://127.0.0.1:${(await server.listen(0, '127.0.0.1')).port}`;
});
afterAll(async () => {
  await server?.close({ timeout: 300 });
});

/** Open /conformance (or `path`), send `requests`, collect events until `until` says stop. */
async function talk(requests: unknown[], until: (e: ConformanceEvent, all: ConformanceEvent[]) => boolean, url = `${base}/conformance`): Promise<ConformanceEvent[]> {
  const ws = new WebSocket(url);
  const events: ConformanceEvent[] = [];
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const done = new Promise<void>((resolve) => {
    ws.on('message', (data) => {
      const e = JSON.parse(String(data)) as ConformanceEvent;
      events.push(e);
      if (until(e, events)) resolve();
    });
    ws.on('close', () => resolve());
  });
  for (const r of requests) ws.send(typeof r === 'string' ? r : JSON.stringify(r));
  await done;
  ws.close();
  return events;
}

describe('/conformance on the built-in server (loopback targets only)', () => {
  it('grades our own /echo: started, one case message per case, done with the summary', { timeout: 60_000 }, async () => {
    const events = await talk([{ type: 'run', target: `${base}/echo`, cases: 'x.0.1,1.1.1,2.1,5.19' }], (e) => e.type === 'done');
    expect(events[0]).toMatchObject({ type: 'started', target: `${base}/echo`, total: 4, ids: ['x.0.1', '1.1.1', '2.1', '5.19'] });
    const cases = events.filter((e) => e.type === 'case');
    expect(cases.map((e) => e.type === 'case' && e.case.id).sort()).toEqual(['1.1.1', '2.1', '5.19', 'x.0.1']);
    expect(cases.map((e) => e.type === 'case' && e.index)).toEqual([0, 1, 2, 3]);
    for (const e of cases) if (e.type === 'case') expect([e.case.behavior, e.total, e.case.wire.length > 3]).toEqual(['OK', 4, true]);
    expect(events.at(-1)).toMatchObject({ type: 'done', summary: { OK: 4, FAILED: 0 }, stopped: null });
  });

  it('refuses a target that is not on this machine, with the reason', async () => {
    const events = await talk([{ type: 'run', target: 'ws://192.0.2.1:9001/' }], () => true);
    expect(events).toEqual([{ type: 'refused', target: 'ws://192.0.2.1:9001/', reason: expect.stringMatching(/^192\.0\.2\.1 is not on this machine/) }]);
  });

  it.each([
    ['not JSON', 'hello', /is one JSON object/],
    ['an unknown type', { type: 'grade' }, /Unknown message type "grade"/],
    ['no target', { type: 'run' }, /needs "target"/],
    ['a bad URL', { type: 'run', target: 'http://127.0.0.1/' }, /must be a ws:\/\/ URL/],
    ['cases that match nothing', { type: 'run', target: 'ws://127.0.0.1:1/', cases: '42.*' }, /matches no case/],
    ['a bad timeout', { type: 'run', target: 'ws://127.0.0.1:1/', timeout: -5 }, /"timeout" is a whole number/],
  ])('answers %s with a refusal that says why', async (_what, request, reason) => {
    const [event] = await talk([request], () => true);
    expect(event).toMatchObject({ type: 'refused', reason: expect.stringMatching(reason) });
  });

  it('one run per connection; cancel stops it and every case is still accounted for', { timeout: 30_000 }, async () => {
    const run = { type: 'run', target: `${base}/echo`, cases: '6.4.*' };
    const events = await talk([run, run], (e) => e.type === 'refused');
    expect(events.find((e) => e.type === 'refused')).toMatchObject({ reason: 'A run is already going on this connection: cancel it first.' });
    const cancelled = await talk([run, { type: 'cancel' }], (e) => e.type === 'done');
    const done = cancelled.at(-1)!;
    expect(done).toMatchObject({ type: 'done', stopped: 'the run was stopped' });
    if (done.type === 'done') expect(Object.values(done.summary).reduce((a, b) => a + b, 0)).toBe(4);
  });
});

describe('the target check is injected', () => {
  it('a server with its own check (and a run limit) uses it', { timeout: 30_000 }, async () => {
    const seen: string[] = [];
    const own = createFramescopeServer({
      quiet: true,
      endpoints: {
        '/conformance': conformanceEndpoint({
          checkTarget: async (url) => {
            seen.push(url);
            return url.includes('/echo') ? null : 'only /echo here';
          },
          maxRuns: 1,
        }),
      },
    });
    const port = (await own.listen(0, '127.0.0.1')).port;
    const url = `ws://127.0.0.1:${port}/conformance`;
    const [refused] = await talk([{ type: 'run', target: `ws://127.0.0.1:${port}/chat` }], () => true, url);
    expect(refused).toEqual({ type: 'refused', target: `ws://127.0.0.1:${port}/chat`, reason: 'only /echo here' });
    // While one run plays, a second page is told the server is busy.
    const long = talk([{ type: 'run', target: `ws://127.0.0.1:${port}/echo`, cases: '5.19' }], (e) => e.type === 'done', url);
    await new Promise((r) => setTimeout(r, 300));
    const [busy] = await talk([{ type: 'run', target: `ws://127.0.0.1:${port}/echo`, cases: '1.1.1' }], () => true, url);
    expect(busy).toMatchObject({ type: 'refused', reason: '1 runs are going on this server already; try again when one has finished.' });
    expect((await long).at(-1)).toMatchObject({ type: 'done', summary: { OK: 1 } });
    expect(seen).toEqual([`ws://127.0.0.1:${port}/chat`, `ws://127.0.0.1:${port}/echo`]);
    await own.close({ timeout: 300 });
  });

  it('loopbackOnly: 127.0.0.0/8, ::1 and localhost pass; other addresses and names do not', async () => {
    expect([isLoopback('127.0.0.1'), isLoopback('127.255.0.9'), isLoopback('::1'), isLoopback('[::1]'), isLoopback('::ffff:127.0.0.1')]).toEqual([true, true, true, true, true]);
    expect([isLoopback('10.0.0.1'), isLoopback('::2'), isLoopback('128.0.0.1'), isLoopback('localhost')]).toEqual([false, false, false, false]);
    expect(await loopbackOnly('ws://127.0.0.1:9001/')).toBeNull();
    expect(await loopbackOnly('ws://[::1]:9001/')).toBeNull();
    expect(await loopbackOnly('ws://localhost:9001/')).toBeNull();
    expect(await loopbackOnly('ws://10.1.2.3:9001/')).toMatch(/10\.1\.2\.3 is not on this machine/);
    expect(await loopbackOnly('ws://no-such-host.invalid/')).toMatch(/does not resolve/);
  });
});
