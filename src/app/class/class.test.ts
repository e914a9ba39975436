import { describe, expect, it } from 'vitest';
import { Capture } from '../inspector/capture';
import { closed, open } from '../inspector/fixtures';
import type { FrameMessage, StudentInfo } from '../inspector/messages';
import { accessFrom, classInfoUrl, fetchAccess, forgetTeacherToken, takeTeacherToken } from './access';
import { qrPath } from './qr';
import { closeCodeOf, reactionOf, sentDemo } from './reactions';
import { arrange, roster, studentName } from './roster';
import { CLASS_TEXT } from './strings';
import { storedStudentName, storeStudentName, tidyName } from './student-name';

const student = (session: string, number: number, over: Partial<StudentInfo> = {}): StudentInfo => ({ session, number, nickname: null, name: null, pages: 1, ...over });

function withSession(connection: number, session: string | null, peer = '127.0.0.1:50000'): ReturnType<typeof open> {
  const o = open(connection, 1);
  return { ...o, session, peer, request: { ...o.request, url: session === null ? '/echo' : `/echo?session=${session}&conn=1` } };
}

function frame(connection: number, direction: 'in' | 'out', opcode: number, t: number, extra: Partial<FrameMessage> = {}): FrameMessage {
  const masked = direction === 'in';
  return {
    type: 'frame',
    t,
    wall: 1_700_000_000_000 + t,
    connection,
    direction,
    offset: 0,
    size: masked ? 6 : 2,
    opcode,
    fin: true,
    masked,
    payloadLength: 0,
    headerLength: masked ? 6 : 2,
    bytes: masked ? `${(0x80 | opcode).toString(16)}8000000000` : `${(0x80 | opcode).toString(16)}00`,
    truncated: false,
    ...extra,
  };
}

describe('the roster', () => {
  it('one entry per student, named by chat nickname, else the typed name, else "student N"; then connections without a page', () => {
    const c = new Capture();
    c.ingest(withSession(3, 'aaa'));
    c.ingest(withSession(5, 'bbb'));
    c.ingest(withSession(6, 'aaa'));
    c.ingest(withSession(7, null, '10.0.0.9:4000'));
    c.ingest(closed(6));
    const students = new Map([
      ['aaa', student('aaa', 1, { name: 'Maria', nickname: 'mk' })],
      ['bbb', student('bbb', 2, { name: 'Wei' })],
      ['ccc', student('ccc', 3)],
    ]);
    const entries = roster(students, c.connections);
    expect(entries.map((e) => [e.key, e.name, e.source, [...e.ids], e.open])).toEqual([
      ['s:aaa', 'mk', 'nickname', [3, 6], 1],
      ['s:bbb', 'Wei', 'name', [5], 1],
      ['s:ccc', 'student 3', 'none', [], 0],
      ['c:7', 'no page (10.0.0.9:4000)', 'none', [7], 1],
    ]);
    expect(studentName(student('x', 9)).name).toBe('student 9');
  });

  it('who is here comes first and is counted; a closed tab moves to the ones who left, the newest to leave first', () => {
    // Tom opens the playground in a tab, connects, closes the tab, opens a new one: three times.
    const c = new Capture();
    c.ingest(withSession(1, 'tom1'));
    c.ingest(closed(1, 1001, 100));
    c.ingest(withSession(2, 'tom2'));
    c.ingest(closed(2, 1001, 200));
    c.ingest(withSession(3, 'ana'));
    c.ingest(withSession(4, 'tom3'));
    c.ingest(withSession(5, null, '10.0.0.9:4000'));
    c.ingest(withSession(6, null, '10.0.0.9:4001'));
    c.ingest(closed(6, 1000, 150));
    const students = new Map([
      ['tom1', student('tom1', 1, { name: 'Tab Tom', pages: 0 })],
      ['tom2', student('tom2', 2, { name: 'Tab Tom', pages: 0 })],
      ['ana', student('ana', 3, { name: 'Ana' })],
      ['tom3', student('tom3', 4, { name: 'Tab Tom' })],
      // A page open, not connected yet: here.
      ['wei', student('wei', 5, { name: 'Wei' })],
      // Known from before the teacher's page opened, gone: left, when unknown.
      ['old', student('old', 6, { pages: 0 })],
    ]);
    const { present, left, students: count } = arrange(roster(students, c.connections));
    expect(present.map((e) => e.key)).toEqual(['s:ana', 's:tom3', 's:wei', 'c:5']);
    expect(left.map((e) => e.key)).toEqual(['s:tom2', 'c:6', 's:tom1', 's:old']);
    expect(left.map((e) => e.leftAt)).toEqual([200, 150, 100, null]);
    // The count is of students here now (not connections without a page, not those who left).
    expect(count).toBe(3);
    // Only one Tab Tom is here: the live one.
    expect(present.filter((e) => e.name === 'Tab Tom')).toHaveLength(1);
  });
});

describe('reactions', () => {
  function setup(): Capture {
    const c = new Capture();
    c.ingest(withSession(1, 'aaa'));
    c.ingest(frame(1, 'in', 0x1, 50));
    return c;
  }

  it('a ping: waiting, then the pong and how long it took', () => {
    const c = setup();
    const demo = sentDemo({ action: 'ping' }, 1, [1]);
    expect(reactionOf(demo, c.connections.get(1)!, c.frames)).toEqual({ state: 'waiting', text: 'waiting…' });
    c.ingest(frame(1, 'out', 0x9, 100));
    expect(reactionOf(demo, c.connections.get(1)!, c.frames).text).toBe('ping sent, no pong yet');
    c.ingest(frame(1, 'in', 0xa, 104.5));
    expect(reactionOf(demo, c.connections.get(1)!, c.frames)).toEqual({ state: 'reacted', text: 'pong 4.5 ms after the ping (server’s clock)' });
    // Another connection, not sent to: nothing.
    expect(reactionOf(sentDemo({ action: 'ping' }, 1, [2]), c.connections.get(1)!, c.frames).state).toBe('none');
  });

  it('a fragmented echo: armed until the student sends, then the fragments counted', () => {
    const c = setup();
    const demo = sentDemo({ action: 'fragment-next', count: 3, ping: true }, 1, [1]);
    expect(reactionOf(demo, c.connections.get(1)!, c.frames).text).toMatch(/^armed/);
    c.ingest(frame(1, 'out', 0x1, 200, { fin: false }));
    c.ingest(frame(1, 'out', 0x9, 200));
    c.ingest(frame(1, 'out', 0x0, 200, { fin: false }));
    c.ingest(frame(1, 'out', 0x0, 200));
    expect(reactionOf(demo, c.connections.get(1)!, c.frames)).toEqual({ state: 'reacted', text: 'echo in 3 fragments with a ping between, reassembled: still open' });
  });

  it('a violation: the browser fails the connection (1006), or answers with its own close frame', () => {
    const c = setup();
    const demo = sentDemo({ action: 'misbehave', kind: 'rsv1' }, 1, [1]);
    c.ingest(frame(1, 'out', 0x1, 300, { misbehave: 'rsv1' }));
    expect(reactionOf(demo, c.connections.get(1)!, c.frames).state).toBe('waiting');
    c.ingest(closed(1, 1006, 310));
    expect(reactionOf(demo, c.connections.get(1)!, c.frames)).toEqual({ state: 'failed', text: 'failed the connection: closed 1006, no clean close' });
    // A close frame from the browser, masked: 1002 read through the mask.
    const c2 = setup();
    c2.ingest(frame(1, 'out', 0x1, 300, { misbehave: 'rsv1' }));
    // 88 82, key 01 02 03 04, payload 03 ea ^ 01 02 = 02 e8.
    c2.ingest(frame(1, 'in', 0x8, 305, { payloadLength: 2, size: 8, bytes: '88820102030402e8' }));
    c2.ingest(closed(1, 1006, 310));
    expect(reactionOf(demo, c2.connections.get(1)!, c2.frames).text).toBe('sent a close frame (1002) and closed');
    expect(closeCodeOf(c2.frames.at(c2.frames.length - 1)!)).toBe(1002);
  });
});

describe("the class view's words", () => {
  it('the dropped notice says what it counts, and frame cells say they count the frames reported', () => {
    expect(CLASS_TEXT.dropped(25_309)).toMatch(/^25,309 reports of frames and TCP reads not sent to this page by the server/);
    expect(CLASS_TEXT.framesCell(15_761, 15_760, true)).toBe('15,761 / 15,760 reported');
    expect(CLASS_TEXT.framesCell(12, 14)).toBe('12 / 14');
  });

  it('the demonstrations point to the Students list, wherever the layout puts it', () => {
    expect(CLASS_TEXT.demoHelp()).toMatch(/each row of the Students list shows/);
    expect(CLASS_TEXT.demoHelp({}, { locale: 'zh-CN' })).toContain('“学生”列表的每一行');
    for (const text of [CLASS_TEXT.demoHelp(), CLASS_TEXT.demoHelp({}, { locale: 'zh-CN' })]) expect(text).not.toMatch(/above|below|上面|下面/);
  });
});

describe('the teacher token and GET /class', () => {
  function host(hash: string, stored: Record<string, string> = {}) {
    const storage = new Map(Object.entries(stored));
    const replaced: string[] = [];
    return {
      location: { hash },
      history: { replaceState: (_d: unknown, _u: string, url?: string) => void replaced.push(url ?? '') },
      sessionStorage: {
        getItem: (k: string) => storage.get(k) ?? null,
        setItem: (k: string, v: string) => void storage.set(k, v),
        removeItem: (k: string) => void storage.delete(k),
      },
      replaced,
      storage,
    };
  }

  it('takes the token out of the address bar and keeps it in the tab', () => {
    const h = host('#/class?teacher=abcdefgh123');
    expect(takeTeacherToken(h)).toBe('abcdefgh123');
    expect(h.replaced).toEqual(['#/class']);
    expect(h.storage.get('framescope.teacher')).toBe('abcdefgh123');
    // Later, from the tab.
    expect(takeTeacherToken(host('#/class', { 'framescope.teacher': 'abcdefgh123' }))).toBe('abcdefgh123');
    expect(takeTeacherToken(host('#/class'))).toBeNull();
    // A malformed one is dropped from the address too, and not kept.
    const bad = host('#/class?teacher=no%20good&x=1');
    expect(takeTeacherToken(bad)).toBeNull();
    expect(bad.replaced).toEqual(['#/class?x=1']);
    forgetTeacherToken(h);
    expect(h.storage.size).toBe(0);
  });

  it('the answer: join addresses, a student refused, not class mode, no server', async () => {
    expect(classInfoUrl({ protocol: 'http:', host: '10.0.0.5:8008' }, 'tok en')).toBe('http://10.0.0.5:8008/class?teacher=tok%20en');
    expect(classInfoUrl({ protocol: 'http:', host: 'h' }, null)).toBe('http://h/class');
    expect(classInfoUrl({ protocol: 'file:', host: '' }, 't')).toBeNull();
    expect(accessFrom({ status: 200, body: { classMode: true, joinUrls: ['http://10.0.0.5:8008/'], reachable: true, hint: null } })).toEqual({
      kind: 'ok',
      info: { classMode: true, joinUrls: ['http://10.0.0.5:8008/'], reachable: true, hint: null },
    });
    expect(accessFrom({ status: 403, body: { classMode: true, reason: 'x' } })).toMatchObject({ kind: 'refused', refusal: { status: 403, student: true, fix: null } });
    expect(accessFrom({ status: 403, body: { classMode: false, reason: 'x' } })).toMatchObject({
      kind: 'refused',
      refusal: { status: 403, title: expect.stringMatching(/not in class mode/), fix: expect.stringMatching(/--class/) },
    });
    expect(accessFrom(null)).toMatchObject({ kind: 'refused', refusal: { status: 404 } });
    expect(accessFrom({ status: 404, body: '<html>' })).toMatchObject({ kind: 'refused', refusal: { status: 404 } });
    const failing = (() => Promise.reject(new Error('offline'))) as unknown as typeof fetch;
    expect(await fetchAccess('http://h/class?teacher=', failing)).toMatchObject({ kind: 'refused', refusal: { status: 404 } });
  });
});

describe("the student's name", () => {
  it('tidied, kept, forgotten when empty', () => {
    expect(tidyName('  Maria   José  ')).toBe('Maria José');
    expect(tidyName('\u0007')).toBeNull();
    expect(tidyName('x'.repeat(50))).toHaveLength(40);
    const kept = new Map<string, string>();
    const storage = { getItem: (k: string) => kept.get(k) ?? null, setItem: (k: string, v: string) => void kept.set(k, v), removeItem: (k: string) => void kept.delete(k) };
    expect(storeStudentName(' Wei ', storage)).toBe('Wei');
    expect(storedStudentName(storage)).toBe('Wei');
    expect(storeStudentName('   ', storage)).toBeNull();
    expect(storedStudentName(storage)).toBeNull();
  });
});

describe('the QR code', () => {
  it('draws the modules of the URL with a quiet zone, the finder patterns in the corners', () => {
    const qr = qrPath('http://192.168.1.20:8008/');
    // Version 2 (25 modules) at level M for a 25-character URL, plus 4 modules of quiet zone each side.
    expect(qr.size).toBe(25 + 8);
    // The top-left finder pattern starts at (4, 4): a run of 7 dark modules.
    expect(qr.d.startsWith('M4 4h7v1h-7z')).toBe(true);
    expect(qrPath('http://10.0.0.7:8008/').d).not.toBe(qr.d);
  });
});
