/**
 * Class mode on plain HTTP: `GET /class?teacher=TOKEN` answers the teacher's page with the addresses
 * students join at (one per LAN address when the server listens on every address), as JSON; with no
 * token or another one, 403 and the reason. `GET /class` without `teacher=` only says whether class
 * mode is on (a student's page offers its name field then). The lines `npm start -- --class` prints
 * come from here too.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { TEACHER_PARAM, teacherTokenMatches } from '../inspector/teacher.ts';
import { requestUrl } from './target.ts';

/** The path of the class-mode information. */
export const CLASS_PATH = '/class';

/** What `GET /class` answers the teacher (200). */
export interface ClassInfo {
  classMode: true;
  /** The addresses students open, one per network address of this machine the server listens on. */
  joinUrls: string[];
  /** False when the server listens on this machine only (127.0.0.1): students elsewhere cannot reach it. */
  reachable: boolean;
  /** How to make it reachable, when it is not (English, as the console prints it). */
  hint: string | null;
  /** Why it is not reachable, as an id the page turns into a sentence in its own language. */
  unreachable?: 'no-address' | 'loopback';
}

/** What it answers anyone else (403), and (without `reason`) a request with no `teacher=` at all (200). */
export interface ClassRefusal {
  classMode: boolean;
  reason?: string;
}

type Interfaces = ReturnType<typeof os.networkInterfaces>;

/** This machine's IPv4 addresses on a network (not loopback), in the order the system lists them. */
export function lanAddresses(interfaces: Interfaces = os.networkInterfaces()): string[] {
  const out: string[] = [];
  for (const list of Object.values(interfaces)) {
    for (const entry of list ?? []) {
      if (entry.family === 'IPv4' && !entry.internal && !out.includes(entry.address)) out.push(entry.address);
    }
  }
  return out;
}

const WILDCARD = new Set(['0.0.0.0', '::', '']);

function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address === 'localhost' || address === '::ffff:127.0.0.1';
}

function hostPart(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

/** Where students join a server listening at `bound`, and whether they can from another machine. */
export function joinUrls(bound: Pick<AddressInfo, 'address' | 'port'>, interfaces?: Interfaces): Omit<ClassInfo, 'classMode'> {
  const port = bound.port;
  if (WILDCARD.has(bound.address)) {
    const lan = lanAddresses(interfaces);
    if (lan.length > 0) return { joinUrls: lan.map((a) => `http://${a}:${port}/`), reachable: true, hint: null };
    return {
      joinUrls: [`http://127.0.0.1:${port}/`],
      reachable: false,
      unreachable: 'no-address',
      hint: 'This machine has no network address: connect it to the classroom network (Wi-Fi or cable), then reload.',
    };
  }
  if (isLoopback(bound.address)) {
    return {
      joinUrls: [`http://${hostPart(bound.address)}:${port}/`],
      reachable: false,
      unreachable: 'loopback',
      hint: 'The server listens on this machine only. Restart it reachable from the classroom network: npm start -- --class --host 0.0.0.0 (with the dev server: FRAMESCOPE_CLASS=1 npm run dev -- --host).',
    };
  }
  return { joinUrls: [`http://${hostPart(bound.address)}:${port}/`], reachable: true, hint: null };
}

/** The teacher's link: the class page with the token, on an address of this machine. */
export function teacherUrl(bound: Pick<AddressInfo, 'address' | 'port'>, token: string): string {
  const host = WILDCARD.has(bound.address) ? '127.0.0.1' : hostPart(bound.address);
  return `http://${host}:${bound.port}/#/class?${TEACHER_PARAM}=${encodeURIComponent(token)}`;
}

/** The lines a server in class mode prints when it starts. */
export function classBanner(bound: Pick<AddressInfo, 'address' | 'port'>, token: string, interfaces?: Interfaces): string {
  const join = joinUrls(bound, interfaces);
  const lines = [
    `Class mode. The teacher's page (keep this link to yourself: it shows every student's traffic):`,
    `  ${teacherUrl(bound, token)}`,
    `Students join at${join.joinUrls.length > 1 ? ' any of' : ''}:`,
    ...join.joinUrls.map((url) => `  ${url}`),
  ];
  if (join.hint !== null) lines.push(join.hint);
  return `${lines.join('\n')}\n`;
}

/** `GET /class`: the join addresses for the teacher (200), a 403 and the reason for anyone else. */
export function answerClassRequest(
  req: IncomingMessage,
  res: ServerResponse,
  options: { classMode: boolean; teacherToken: string | null; bound: Pick<AddressInfo, 'address' | 'port'> | null },
): void {
  const url = requestUrl(req.url);
  let status: number;
  let body: ClassInfo | ClassRefusal;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    status = 405;
    body = { classMode: options.classMode, reason: `${CLASS_PATH} answers GET only.` };
  } else if (!url.searchParams.has(TEACHER_PARAM)) {
    status = 200;
    body = { classMode: options.classMode };
  } else if (!options.classMode) {
    status = 403;
    body = { classMode: false, reason: 'The server was not started in class mode: npm start -- --class (with the dev server: FRAMESCOPE_CLASS=1 npm run dev).' };
  } else if (!teacherTokenMatches(url.searchParams.get(TEACHER_PARAM), options.teacherToken)) {
    status = 403;
    body = { classMode: true, reason: 'This page is for the teacher only: it needs the teacher link the server printed when it started (with its token).' };
  } else {
    const bound = options.bound ?? { address: req.socket.localAddress ?? '127.0.0.1', port: req.socket.localPort ?? 80 };
    status = 200;
    body = { classMode: true, ...joinUrls(bound) };
  }
  const bytes = Buffer.from(`${JSON.stringify(body)}\n`, 'utf8');
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(bytes.length),
    'Cache-Control': 'no-store',
    ...(status === 405 ? { Allow: 'GET, HEAD' } : {}),
  });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}
