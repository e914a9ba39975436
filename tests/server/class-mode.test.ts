/**
 * Class mode on the server: the teacher's token guards `/inspect?all` and `GET /class` (403 and the
 * reason without it); the students, one per session, numbered without gaps and named (the chat
 * nickname, the name typed on the playground); a demonstration broadcast to every `/echo`
 * connection; a ping between the fragments of an echo.
 */
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { joinUrls, classBanner, teacherUrl } from '../../server/http/class-info';
import { cleanName, Students } from '../../server/inspector/students';
import { checkTeacherToken, teacherTokenMatches } from '../../server/inspector/teacher';
import { parseCli } from '../../server/args';
import { resolveOptions } from '../../server/options';
import { clientFrame, eventually, openWs, RawClient, startServer, upgradeRequest, type Running } from './helpers';

type Msg = Record<string, unknown> & { type: string };

/** A `ws` client that keeps every JSON message it gets. */
async function listen(url: string): Promise<{ ws: WebSocket; messages: Msg[] }> {
  const messages: Msg[] = [];
  const ws = await openWs(url, {}, (socket) => socket.on('message', (data) => messages.push(JSON.parse(String(data)) as Msg)));
  await eventually(() => messages.some((m) => m.type === 'hello'), 5000, 'the hello');
  return { ws, messages };
}

/** The HTTP status a refused handshake got, and its body. */
function refused(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += String(chunk)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('open', () => reject(new Error('the handshake succeeded')));
    ws.on('error', () => {});
  });
}

async function getJson(s: Running, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${s.port}${path}`);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.headers.get('cache-control')).toBe('no-store');
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('the teacher token', () => {
  it('class mode makes one at random; --teacher-token gives one and turns class mode on', () => {
    const a = resolveOptions({ classMode: true }).teacherToken!;
    const b = resolveOptions({ classMode: true }).teacherToken!;
    expect(a).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(a).not.toBe(b);
    expect(resolveOptions({}).teacherToken).toBeNull();
    expect(resolveOptions({ teacherToken: 'secret-42' })).toMatchObject({ classMode: true, teacherToken: 'secret-42' });
    expect(() => resolveOptions({ teacherToken: 'short' })).toThrow(/8 to 128 characters/);
    expect(parseCli(['--teacher-token', 'lesson-2026'])).toMatchObject({ kind: 'run', options: { classMode: true, teacherToken: 'lesson-2026' } });
    expect(parseCli(['--class'])).toMatchObject({ kind: 'run', options: { classMode: true, teacherToken: null } });
    expect(parseCli(['--teacher-token', 'has space!'])).toMatchObject({ kind: 'error', message: expect.stringMatching(/--teacher-token: a teacher token is 8 to 128/) });
    expect(checkTeacherToken('x'.repeat(129))).not.toBeNull();
    expect(teacherTokenMatches('abcdefgh', 'abcdefgh')).toBe(true);
    expect(teacherTokenMatches('abcdefgh', 'abcdefgi')).toBe(false);
    expect(teacherTokenMatches(null, 'abcdefgh')).toBe(false);
    expect(teacherTokenMatches('abcdefgh', null)).toBe(false);
  });

  it('/inspect?all: 403 without the token or with another, hello with it; /inspect alone: 400', async () => {
    const s = await startServer({ classMode: true });
    try {
      const none = await refused(s.url('/inspect?all'));
      expect(none.status).toBe(403);
      expect(none.body).toMatch(/for the teacher only: it needs the teacher's token/);
      expect((await refused(s.url('/inspect?all&teacher=guessed-token'))).status).toBe(403);
      expect((await refused(s.url('/inspect'))).status).toBe(400);
      const teacher = await listen(s.url(`/inspect?all&teacher=${s.server.teacherToken}`));
      expect(teacher.messages[0]).toMatchObject({ type: 'hello', all: true, classMode: true, students: [] });
      teacher.ws.close();
    } finally {
      await s.stop();
    }
  });

  it('without class mode, /inspect?all is 403 even with a token', async () => {
    const s = await startServer({});
    try {
      expect((await refused(s.url('/inspect?all&teacher=anything-at-all'))).status).toBe(403);
      expect(await getJson(s, '/class?teacher=anything-at-all')).toMatchObject({ status: 403, body: { classMode: false } });
    } finally {
      await s.stop();
    }
  });

  it('GET /class: the join addresses for the teacher, 403 and classMode for anyone else', async () => {
    const s = await startServer({ teacherToken: 'the-teachers-own' });
    try {
      // Anyone may ask whether class mode is on (a student's page shows its name field then).
      expect(await getJson(s, '/class')).toEqual({ status: 200, body: { classMode: true } });
      const student = await getJson(s, '/class?teacher=');
      expect(student.status).toBe(403);
      expect(student.body).toMatchObject({ classMode: true, reason: expect.stringMatching(/teacher only/) });
      expect(student.body).not.toHaveProperty('joinUrls');
      expect((await getJson(s, '/class?teacher=wrong-token')).status).toBe(403);
      const teacher = await getJson(s, '/class?teacher=the-teachers-own');
      expect(teacher.status).toBe(200);
      // Bound to 127.0.0.1: students elsewhere cannot reach it, and the page says how to fix that.
      expect(teacher.body).toEqual({
        classMode: true,
        joinUrls: [`http://127.0.0.1:${s.port}/`],
        reachable: false,
        unreachable: 'loopback',
        hint: expect.stringMatching(/--host 0\.0\.0\.0/),
      });
      const post = await fetch(`http://127.0.0.1:${s.port}/class`, { method: 'POST' });
      expect(post.status).toBe(405);
    } finally {
      await s.stop();
    }
  });
});

describe('join addresses', () => {
  const lan = {
    lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true, netmask: '255.0.0.0', mac: '', cidr: null }],
    eth0: [
      { address: '192.168.1.20', family: 'IPv4', internal: false, netmask: '255.255.255.0', mac: '', cidr: null },
      { address: 'fe80::1', family: 'IPv6', internal: false, netmask: 'ffff::', mac: '', cidr: null, scopeid: 2 },
    ],
    wlan0: [{ address: '10.0.0.7', family: 'IPv4', internal: false, netmask: '255.0.0.0', mac: '', cidr: null }],
  } as unknown as Parameters<typeof joinUrls>[1];

  it('one per LAN address when listening on every address; this machine only otherwise, with the fix', () => {
    expect(joinUrls({ address: '0.0.0.0', port: 8008 }, lan)).toEqual({
      joinUrls: ['http://192.168.1.20:8008/', 'http://10.0.0.7:8008/'],
      reachable: true,
      hint: null,
    });
    expect(joinUrls({ address: '::', port: 80 }, lan).joinUrls).toHaveLength(2);
    expect(joinUrls({ address: '192.168.1.20', port: 9000 }, lan)).toEqual({ joinUrls: ['http://192.168.1.20:9000/'], reachable: true, hint: null });
    expect(joinUrls({ address: '127.0.0.1', port: 8008 }, lan)).toMatchObject({ reachable: false, unreachable: 'loopback', hint: expect.stringMatching(/--host/) });
    expect(joinUrls({ address: '0.0.0.0', port: 8008 }, { lo: lan!['lo']! })).toMatchObject({ reachable: false, unreachable: 'no-address', hint: expect.stringMatching(/no network address/) });
  });

  it('the banner: the teacher link with its token, then each join address', () => {
    expect(teacherUrl({ address: '0.0.0.0', port: 8008 }, 'tok-12345')).toBe('http://127.0.0.1:8008/#/class?teacher=tok-12345');
    const banner = classBanner({ address: '0.0.0.0', port: 8008 }, 'tok-12345', lan);
    expect(banner.split('\n')).toEqual([
      "Class mode. The teacher's page (keep this link to yourself: it shows every student's traffic):",
      '  http://127.0.0.1:8008/#/class?teacher=tok-12345',
      'Students join at any of:',
      '  http://192.168.1.20:8008/',
      '  http://10.0.0.7:8008/',
      '',
    ]);
  });
});

describe('students', () => {
  it('numbered in order of arrival, once per session, named; the oldest without a page forgotten past the limit', () => {
    const reports: unknown[] = [];
    const students = new Students((s) => reports.push(s), 2);
    students.page('a', 1);
    students.seen('a');
    students.seen('b');
    students.name('a', 'Maria');
    students.nickname('b', 'wei');
    expect(students.list()).toEqual([
      { session: 'a', number: 1, nickname: null, name: 'Maria', pages: 1 },
      { session: 'b', number: 2, nickname: 'wei', name: null, pages: 0 },
    ]);
    students.seen('c');
    expect(students.list().map((s) => [s.session, s.number])).toEqual([
      ['a', 1],
      ['c', 3],
    ]);
    expect(reports.length).toBeGreaterThan(4);
  });

  it('cleanName: trimmed, spaces collapsed, 1 to 40 characters, no control characters', () => {
    expect(cleanName('  Maria   José ')).toEqual({ ok: true, name: 'Maria José' });
    expect(cleanName('王小明')).toEqual({ ok: true, name: '王小明' });
    expect(cleanName('   ')).toMatchObject({ ok: false });
    expect(cleanName('a\u0007b')).toMatchObject({ ok: false, reason: expect.stringMatching(/control/) });
    expect(cleanName('x'.repeat(41))).toMatchObject({ ok: false, reason: expect.stringMatching(/at most 40/) });
    expect(cleanName('😀'.repeat(40))).toMatchObject({ ok: true });
    expect(cleanName(7)).toMatchObject({ ok: false });
  });

  it('the teacher hears of each page once, with its number, its typed name and its chat nickname', async () => {
    const s = await startServer({ classMode: true });
    try {
      const teacher = await listen(s.url(`/inspect?all&teacher=${s.server.teacherToken}`));
      const students = (): Msg[] => teacher.messages.filter((m) => m.type === 'student');
      // Student A: the page's tap, then its echo; then it names itself.
      const pageA = await listen(s.url('/inspect?session=pageA'));
      const echoA = await openWs(s.url('/echo?session=pageA&conn=1'));
      pageA.ws.send(JSON.stringify({ type: 'name', name: '  Maria ' }));
      // Student B: an echo only, then the chat room under a nickname, same session.
      const echoB = await openWs(s.url('/echo?session=pageB&conn=1'));
      const chatB = await openWs(s.url('/chat?session=pageB'));
      chatB.send(JSON.stringify({ type: 'join', name: 'Wei' }));
      await eventually(() => students().some((m) => m.nickname === 'Wei'), 5000, 'the nickname');
      await eventually(() => students().some((m) => m.name === 'Maria'), 5000, 'the name');
      const last = new Map(students().map((m) => [m.session, m]));
      expect(last.get('pageA')).toMatchObject({ number: 1, name: 'Maria', nickname: null, pages: 1 });
      expect(last.get('pageB')).toMatchObject({ number: 2, name: null, nickname: 'Wei', pages: 0 });
      // A teacher arriving now gets them in its hello.
      const late = await listen(s.url(`/inspect?all&teacher=${s.server.teacherToken}`));
      expect((late.messages[0]!.students as Msg[]).map((m) => [m.session, m.number])).toEqual([
        ['pageA', 1],
        ['pageB', 2],
      ]);
      // A bad name is refused with the reason; the page closing counts down.
      pageA.ws.send(JSON.stringify({ type: 'name', name: '' }));
      await eventually(() => pageA.messages.some((m) => m.type === 'error'), 5000, 'the error');
      expect(pageA.messages.find((m) => m.type === 'error')).toMatchObject({ message: expect.stringMatching(/at least one character/) });
      pageA.ws.close();
      await eventually(() => students().at(-1)?.pages === 0 && students().at(-1)?.session === 'pageA', 5000, 'the page closing');
      for (const ws of [echoA, echoB, chatB, teacher.ws, late.ws]) ws.close();
    } finally {
      await s.stop();
    }
  });
});

describe('broadcast', () => {
  it('a ping to every open /echo connection (not /chat), acked with their ids; a student may not broadcast', async () => {
    const s = await startServer({ classMode: true });
    try {
      const teacher = await listen(s.url(`/inspect?all&teacher=${s.server.teacherToken}`));
      const pings: string[] = [];
      const echoes = await Promise.all(
        ['a', 'b', 'c'].map((session) =>
          openWs(s.url(`/echo?session=${session}`), {}, (ws) => ws.on('ping', (data) => pings.push(`${session}:${String(data)}`))),
        ),
      );
      const chat = await openWs(s.url('/chat?session=d'));
      let chatPinged = false;
      chat.on('ping', () => (chatPinged = true));
      await eventually(() => teacher.messages.filter((m) => m.type === 'open').length === 4, 5000, 'four opens');
      teacher.ws.send(JSON.stringify({ type: 'broadcast', id: 9, action: 'ping', payload: 'class' }));
      await eventually(() => pings.length === 3, 5000, 'three pings');
      expect(pings.sort()).toEqual(['a:class', 'b:class', 'c:class']);
      // The ack comes on the teacher's socket, the pings on the students': either may arrive first.
      await eventually(() => teacher.messages.some((m) => m.type === 'broadcast-ack'), 5000, 'the ack');
      const ack = teacher.messages.find((m) => m.type === 'broadcast-ack')!;
      const echoIds = teacher.messages.filter((m) => m.type === 'open' && m.path === '/echo').map((m) => m.connection);
      expect(ack).toMatchObject({ id: 9, action: 'ping', connections: echoIds, skipped: [], detail: expect.stringMatching(/on 3 connections$/) });
      expect(chatPinged).toBe(false);
      // Each browser answers: the teacher sees the pongs.
      await eventually(() => teacher.messages.filter((m) => m.type === 'frame' && m.direction === 'in' && m.opcode === 0xa).length === 3, 5000, 'three pongs');

      // A bad argument: one error, nothing sent.
      teacher.ws.send(JSON.stringify({ type: 'broadcast', id: 10, action: 'fragment-next', count: 0 }));
      await eventually(() => teacher.messages.some((m) => m.type === 'error' && m.id === 10), 5000, 'the error');

      const student = await listen(s.url('/inspect?session=a'));
      student.ws.send(JSON.stringify({ type: 'broadcast', id: 1, action: 'ping' }));
      await eventually(() => student.messages.some((m) => m.type === 'error'), 5000, 'the refusal');
      expect(student.messages.find((m) => m.type === 'error')).toMatchObject({ id: 1, message: expect.stringMatching(/only the teacher/) });
      for (const ws of [...echoes, chat, teacher.ws, student.ws]) ws.close();
    } finally {
      await s.stop();
    }
  });

  it('fragment-next with ping: the next echo in fragments with a ping after the first (RFC 6455 §5.4)', async () => {
    const s = await startServer({});
    try {
      const sub = await listen(s.url('/inspect?session=frag'));
      const raw = await RawClient.connect(s.port);
      raw.write(upgradeRequest('/echo?session=frag', {}, s.port));
      await raw.readHead();
      await eventually(() => sub.messages.some((m) => m.type === 'open'), 5000, 'the open');
      const id = sub.messages.find((m) => m.type === 'open')!.connection;
      sub.ws.send(JSON.stringify({ type: 'command', id: 1, connection: id, action: 'fragment-next', count: 3, ping: true }));
      await eventually(() => sub.messages.some((m) => m.type === 'ack'), 5000, 'the ack');
      expect(sub.messages.find((m) => m.type === 'ack')).toMatchObject({ detail: expect.stringMatching(/with a ping after the first/) });
      raw.write(clientFrame({ opcode: 1, payload: Buffer.from('abcdef') }));
      await eventually(() => sub.messages.filter((m) => m.type === 'frame' && m.direction === 'out').length === 4, 5000, 'four frames out');
      const out = sub.messages.filter((m) => m.type === 'frame' && m.direction === 'out');
      expect(out.map((m) => [m.opcode, m.fin])).toEqual([
        [1, false],
        [9, true],
        [0, false],
        [0, true],
      ]);
      // The browser's side (here a raw client) gets the same four frames.
      await eventually(() => raw.frames.length === 4, 5000, 'four frames at the client');
      expect(raw.frames.map((f) => Buffer.from(f.payload).toString())).toEqual(['ab', 'between fragments', 'cd', 'ef']);
      raw.destroy();
      sub.ws.close();
    } finally {
      await s.stop();
    }
  });
});
