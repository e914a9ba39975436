/**
 * The students of a class (class mode): one entry per session token, which is one page's tab (its
 * `/inspect` socket and its `/echo`, `/chat` connections carry the same token), so a student's page
 * and its own inspector socket are one student, not two numbers. Each is numbered in the order the
 * server first saw it ("student 3") and carries the names the student gave: the chat room's
 * nickname and the name typed on the playground. Every change is reported to the teacher's view.
 */
import { MAX_STUDENT_NAME, type StudentInfo } from './messages.ts';

/** Sessions kept at most; past it the oldest without an open page is forgotten. */
export const MAX_STUDENTS = 10_000;

export class Students {
  readonly #bySession = new Map<string, StudentInfo>();
  readonly #report: (student: StudentInfo) => void;
  readonly #max: number;
  #next = 1;

  /** `report` hears of each new or changed student (the hub sends it to `?all` subscribers). */
  constructor(report: (student: StudentInfo) => void, max = MAX_STUDENTS) {
    this.#report = report;
    this.#max = max;
  }

  get size(): number {
    return this.#bySession.size;
  }

  /** Every student known, in the order they came. */
  list(): StudentInfo[] {
    return [...this.#bySession.values()].map((student) => ({ ...student }));
  }

  get(session: string): StudentInfo | undefined {
    return this.#bySession.get(session);
  }

  /** A connection with this session opened: the student exists from now on. */
  seen(session: string): void {
    this.#entry(session);
  }

  /** One of this session's pages opened (+1) or closed (-1) its `/inspect` socket. */
  page(session: string, delta: 1 | -1): void {
    const student = this.#entry(session);
    student.pages = Math.max(0, student.pages + delta);
    this.#report({ ...student });
  }

  /** The name typed on the playground (already checked with `cleanName`). */
  name(session: string, name: string | null): void {
    const student = this.#entry(session);
    if (student.name === name) return;
    student.name = name;
    this.#report({ ...student });
  }

  /** The chat room's nickname of this session's newest connection to it. */
  nickname(session: string, nickname: string | null): void {
    const student = this.#entry(session);
    if (student.nickname === nickname) return;
    student.nickname = nickname;
    this.#report({ ...student });
  }

  #entry(session: string): StudentInfo {
    let student = this.#bySession.get(session);
    if (student !== undefined) return student;
    student = { session, number: this.#next++, nickname: null, name: null, pages: 0 };
    this.#bySession.set(session, student);
    this.#forgetOldest();
    this.#report({ ...student });
    return student;
  }

  #forgetOldest(): void {
    if (this.#bySession.size <= this.#max) return;
    for (const [session, student] of this.#bySession) {
      if (student.pages === 0) {
        this.#bySession.delete(session);
        return;
      }
    }
  }
}

/**
 * A name as a student typed it, made fit to show: NFC, spaces collapsed, trimmed, 1 to
 * `MAX_STUDENT_NAME` characters, no control characters. Returns the name or why it is not one.
 */
export function cleanName(raw: unknown): { ok: true; name: string } | { ok: false; reason: string } {
  if (typeof raw !== 'string') return { ok: false, reason: '"name" must be a string' };
  const name = raw.normalize('NFC').replace(/\s+/gu, ' ').trim();
  if (name === '') return { ok: false, reason: 'a name has at least one character that is not a space' };
  if (/\p{Cc}/u.test(name)) return { ok: false, reason: 'a name may not hold control characters' };
  const length = [...name].length;
  if (length > MAX_STUDENT_NAME) return { ok: false, reason: `a name has at most ${MAX_STUDENT_NAME} characters; this one has ${length}` };
  return { ok: true, name };
}
