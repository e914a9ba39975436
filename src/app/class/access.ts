/**
 * Who may open the class view: the teacher's token (from the teacher link's `#/class?teacher=…`,
 * then kept in this tab's sessionStorage and taken out of the address bar, which a projector shows),
 * and what the server's `GET /class` answered: the join addresses (200), or a refusal the page
 * explains (403 for a student or a server not in class mode, 404 for a plain file host).
 */
import { CLASS_TEXT } from './strings';

export const TEACHER_PARAM = 'teacher';
const STORAGE_KEY = 'framescope.teacher';
const TOKEN = /^[A-Za-z0-9._~-]{8,128}$/;

/** What `GET /class` answers the teacher (server/http/class-info.ts). */
export interface ClassInfo {
  classMode: true;
  joinUrls: string[];
  reachable: boolean;
  hint: string | null;
  /** Why students elsewhere cannot reach it: the page says it in its own language (`hint` is the server's English). */
  unreachable?: 'no-address' | 'loopback';
}

export interface Refusal {
  status: 403 | 404 | null;
  title: string;
  text: string;
  /** How to fix it, with `code` spans; null when there is nothing the reader can fix (a student). */
  fix: string | null;
  /** The reader is most likely a student: offer the playground. */
  student: boolean;
}

export type Access = { kind: 'checking' } | { kind: 'ok'; info: ClassInfo } | { kind: 'refused'; refusal: Refusal };

interface TokenHost {
  readonly location: { hash: string };
  readonly history: { replaceState(data: unknown, unused: string, url?: string): void };
  readonly sessionStorage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
}

/**
 * The teacher's token: from the address (`#/class?teacher=…`, then removed from it and kept in
 * sessionStorage), else from sessionStorage; null when there is none.
 */
export function takeTeacherToken(host: TokenHost): string | null {
  const hash = host.location.hash;
  const query = hash.indexOf('?');
  const params = new URLSearchParams(query < 0 ? '' : hash.slice(query + 1));
  const given = params.get(TEACHER_PARAM);
  if (given !== null) {
    params.delete(TEACHER_PARAM);
    const rest = params.toString();
    host.history.replaceState(null, '', `${query < 0 ? hash : hash.slice(0, query)}${rest ? `?${rest}` : ''}`);
    if (TOKEN.test(given)) {
      try {
        host.sessionStorage?.setItem(STORAGE_KEY, given);
      } catch {
        // Storage may be off; the token still works until the tab reloads.
      }
      return given;
    }
  }
  try {
    const kept = host.sessionStorage?.getItem(STORAGE_KEY) ?? null;
    return kept !== null && TOKEN.test(kept) ? kept : null;
  } catch {
    return null;
  }
}

export function forgetTeacherToken(host: Pick<TokenHost, 'sessionStorage'>): void {
  try {
    host.sessionStorage?.removeItem(STORAGE_KEY);
  } catch {
    // Nothing kept.
  }
}

/** The URL of `GET /class` for a page at `location` (http(s) only), with the token. */
export function classInfoUrl(location: { protocol: string; host: string }, token: string | null): string | null {
  if (location.protocol !== 'http:' && location.protocol !== 'https:') return null;
  const query = token === null ? '' : `?${TEACHER_PARAM}=${encodeURIComponent(token)}`;
  return `${location.protocol}//${location.host}/class${query}`;
}

/** What the page says for the server's answer to `GET /class`: null `answer` for no answer at all. */
export function accessFrom(answer: { status: number; body: unknown } | null): Access {
  const body = (answer?.body ?? null) as Record<string, unknown> | null;
  if (answer === null || body === null || typeof body !== 'object' || typeof body.classMode !== 'boolean') {
    return { kind: 'refused', refusal: { status: 404, title: CLASS_TEXT.noServerTitle(), text: CLASS_TEXT.noServerText(), fix: CLASS_TEXT.noServerFix(), student: false } };
  }
  if (answer.status === 200 && body.classMode && Array.isArray(body.joinUrls) && body.joinUrls.every((u) => typeof u === 'string')) {
    return {
      kind: 'ok',
      info: {
        classMode: true,
        joinUrls: body.joinUrls as string[],
        reachable: body.reachable === true,
        hint: typeof body.hint === 'string' ? body.hint : null,
        ...(body.unreachable === 'no-address' || body.unreachable === 'loopback' ? { unreachable: body.unreachable } : {}),
      },
    };
  }
  if (!body.classMode) {
    return { kind: 'refused', refusal: { status: 403, title: CLASS_TEXT.notClassTitle(), text: CLASS_TEXT.notClassText(), fix: CLASS_TEXT.notClassFix(), student: false } };
  }
  return { kind: 'refused', refusal: { status: 403, title: CLASS_TEXT.teacherOnlyTitle(), text: CLASS_TEXT.teacherOnlyText(), fix: null, student: true } };
}

/** Asks the server (`GET /class`); never throws. */
export async function fetchAccess(url: string | null, fetcher: typeof fetch = fetch): Promise<Access> {
  if (url === null) return accessFrom(null);
  try {
    const response = await fetcher(url, { cache: 'no-store' });
    const body: unknown = await response.json().catch(() => null);
    return accessFrom({ status: response.status, body });
  } catch {
    return accessFrom(null);
  }
}
