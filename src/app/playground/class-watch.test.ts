import { describe, expect, it } from 'vitest';
import { Capture } from '../inspector/capture';
import { clientHello, closed, open, serverHello } from '../inspector/fixtures';
import {
  classInspectUrl,
  codeSpans,
  connectionChoices,
  filterFrames,
  parseFilter,
  refusalFor,
  shortSession,
  watchRequested,
  WATCH_HASH,
} from './class-watch';

const HTTP = { protocol: 'http:', host: '127.0.0.1:8008' };

function capture(): Capture {
  const c = new Capture();
  c.ingest({ ...open(3, 1), session: 'studentAAAAAAAAA', request: { ...open(3, 1).request, url: '/echo?session=studentAAAAAAAAA&conn=1' } });
  c.ingest({ ...open(4, 1), session: 'studentBBBBBBBBB', peer: '127.0.0.1:50001', request: { ...open(4, 1).request, url: '/echo?session=studentBBBBBBBBB&conn=1' } });
  c.ingest(clientHello(3));
  c.ingest(clientHello(4));
  c.ingest(serverHello(3));
  c.ingest(serverHello(4, 0, 112));
  c.ingest(closed(4));
  return c;
}

describe('class mode URLs', () => {
  it('builds /inspect?all from the page\u2019s address', () => {
    expect(classInspectUrl(HTTP)).toBe('ws://127.0.0.1:8008/inspect?all');
    expect(classInspectUrl({ protocol: 'https:', host: 'lab.example' })).toBe('wss://lab.example/inspect?all');
    expect(classInspectUrl({ protocol: 'file:', host: '' })).toBeNull();
  });

  it('reads #/?watch=class from the hash', () => {
    expect(WATCH_HASH).toBe('#/?watch=class');
    expect(watchRequested('#/?watch=class')).toBe(true);
    expect(watchRequested('#?watch=class')).toBe(true);
    expect(watchRequested('#/?x=1&watch=class')).toBe(true);
    expect(watchRequested('#/')).toBe(false);
    expect(watchRequested('')).toBe(false);
    expect(watchRequested('#/?watch=me')).toBe(false);
    expect(watchRequested('#/decode?watch=class')).toBe(false);
  });
});

describe('refusal messages', () => {
  it('403: the server was not started with --class, and how to start it', () => {
    const r = refusalFor(true, { kind: 'hello', classMode: false });
    expect(r.status).toBe(403);
    expect(r.title).toMatch(/403 Forbidden/);
    expect(r.title).toMatch(/not started with --class/);
    expect(r.fix).toContain('`npm start -- --class`');
    expect(r.fix).toContain('`FRAMESCOPE_CLASS=1 npm run dev`');
  });

  it('404: no Framescope server (a static host)', () => {
    for (const probe of [{ kind: 'no-answer' } as const, null]) {
      const r = refusalFor(true, probe);
      expect(r.status).toBe(404);
      expect(r.title).toMatch(/No Framescope server here \(404\)/);
      expect(r.text).toMatch(/static host/);
      expect(r.fix).toContain('`npm start -- --class`');
    }
  });

  it('a page opened from a file', () => {
    const r = refusalFor(false, null);
    expect(r.status).toBeNull();
    expect(r.title).toMatch(/opened from a file/);
    expect(r.fix).toContain('`#/?watch=class`');
  });

  it('class mode on but refused anyway (a limit): try again', () => {
    const r = refusalFor(true, { kind: 'hello', classMode: true });
    expect(r.status).toBeNull();
    expect(r.fix).toMatch(/press Try again/);
  });

  it('splits `code` spans for drawing, never as HTML', () => {
    expect(codeSpans('Start with `npm start -- --class`, then <b>go</b>.')).toEqual([
      { code: false, text: 'Start with ' },
      { code: true, text: 'npm start -- --class' },
      { code: false, text: ', then <b>go</b>.' },
    ]);
    expect(codeSpans('')).toEqual([]);
  });
});

describe('connections and the filter', () => {
  it('shortens a session token', () => {
    expect(shortSession('k3Jq9xAbCdEfGhIj')).toBe('k3Jq9x\u2026');
    expect(shortSession('abc')).toBe('abc');
    expect(shortSession('abcdefgh')).toBe('abcdefgh');
    expect(shortSession(null)).toBe('no session');
  });

  it('offers every connection, by server id, with endpoint, short session, peer and state', () => {
    const choices = connectionChoices(capture().connections.values());
    expect(choices.map((c) => c.value)).toEqual(['all', '3', '4']);
    expect(choices[0]!.label).toBe('All connections (2)');
    expect(choices[1]!.label).toBe('#3 /echo \u00b7 session studen\u2026 \u00b7 127.0.0.1:50000 \u00b7 open');
    expect(choices[2]!.label).toBe('#4 /echo \u00b7 session studen\u2026 \u00b7 127.0.0.1:50001 \u00b7 closed 1000');
  });

  it('parses the select\u2019s value', () => {
    expect(parseFilter('all')).toBeNull();
    expect(parseFilter('12')).toBe(12);
    expect(parseFilter('x')).toBeNull();
  });

  it('lists one connection\u2019s frames, numbered by the server\u2019s id', () => {
    const frames = capture().frames;
    const all = filterFrames(frames, null);
    expect(all.length).toBe(4);
    // Both students' pages called their connection 1; the class list shows the server's ids.
    expect(frames.at(0)!.label).toBe(1);
    expect(all.at(0)!.label).toBeNull();
    expect(all.at(0)!.connection).toBe(3);
    expect(all.at(0)).toBe(all.at(0));
    expect(all.indexOfSeq(2)).toBe(2);
    expect(all.indexOfSeq(9)).toBe(-1);

    const four = filterFrames(frames, 4);
    expect(four.length).toBe(2);
    expect([four.at(0)!.seq, four.at(1)!.seq]).toEqual([1, 3]);
    expect(four.at(0)!.direction).toBe('client-to-server');
    expect(four.at(1)!.direction).toBe('server-to-client');
    expect(four.indexOfSeq(3)).toBe(1);
    expect(four.indexOfSeq(2)).toBe(-1);
    expect(four.at(2)).toBeUndefined();
    expect(filterFrames(frames, 99).length).toBe(0);
  });
});
