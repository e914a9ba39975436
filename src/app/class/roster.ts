/**
 * The class as the teacher's page lists it: one entry per student (a session: the page and its own
 * inspector socket, its echo and chat connections), named by the chat nickname, else the name the
 * student typed, else "student N"; and one entry per connection opened without a session (a
 * student's own client). Plain TypeScript over the capture's records.
 */
import type { ConnectionRecord } from '../inspector/capture';
import type { StudentInfo } from '../inspector/messages';
import { shortSession } from './class-watch';
import { CLASS_TEXT } from './strings';

export interface RosterEntry {
  /** Stable key: `s:SESSION`, or `c:ID` for a connection without a session. */
  key: string;
  /** What the teacher reads: "Maria", "student 3", "no page (127.0.0.1:53130)". */
  name: string;
  source: 'nickname' | 'name' | 'none';
  student: StudentInfo | null;
  /** Its connections, oldest first (the tap's records). */
  connections: ConnectionRecord[];
  /** Their server ids, for the frame filter. */
  ids: ReadonlySet<number>;
  open: number;
  framesIn: number;
  framesOut: number;
  /**
   * Here now: a student with a page open or a connection open; a connection without a page while
   * open. A student who closed the tab is not (a new tab is a new session, so a new entry).
   */
  present: boolean;
  /** When the last of its connections closed (the server's clock), for one that left; else null. */
  leftAt: number | null;
}

/** The roster as the teacher reads it: who is here, then who left (the newest to leave first). */
export interface ArrangedRoster {
  /** Students here now in the order they came, then connections without a page still open. */
  present: RosterEntry[];
  /** Students and connections gone, the most recent to leave first. */
  left: RosterEntry[];
  /** Students (sessions) here now: what the class count says. */
  students: number;
}

/** The name shown for a student. */
export function studentName(student: StudentInfo): { name: string; source: RosterEntry['source'] } {
  if (student.nickname !== null) return { name: student.nickname, source: 'nickname' };
  if (student.name !== null) return { name: student.name, source: 'name' };
  return { name: CLASS_TEXT.studentN(student.number), source: 'none' };
}

/** Students in the order they came (then connections without a session, by id). */
export function roster(students: ReadonlyMap<string, StudentInfo>, records: ReadonlyMap<number, ConnectionRecord>): RosterEntry[] {
  const bySession = new Map<string, ConnectionRecord[]>();
  const loose: ConnectionRecord[] = [];
  for (const record of [...records.values()].sort((a, b) => a.connection - b.connection)) {
    const session = record.info.session;
    if (session === null) loose.push(record);
    else bySession.set(session, [...(bySession.get(session) ?? []), record]);
  }
  const entries: RosterEntry[] = [];
  const known = [...students.values()].sort((a, b) => a.number - b.number);
  for (const student of known) {
    const { name, source } = studentName(student);
    entries.push(entry(`s:${student.session}`, name, source, student, bySession.get(student.session) ?? []));
    bySession.delete(student.session);
  }
  // A session the server named before this page heard of it (an older server): its own entry.
  for (const [session, list] of bySession) entries.push(entry(`s:${session}`, shortSession(session), 'none', null, list));
  for (const record of loose) entries.push(entry(`c:${record.connection}`, CLASS_TEXT.noPage(record.info.peer), 'none', null, [record]));
  return entries;
}

/** Splits the roster into who is here and who left; counts the students here. */
export function arrange(entries: readonly RosterEntry[]): ArrangedRoster {
  const present = entries.filter((e) => e.present);
  const left = entries
    .map((e, i) => ({ e, i }))
    .filter(({ e }) => !e.present)
    .sort((a, b) => (b.e.leftAt ?? -Infinity) - (a.e.leftAt ?? -Infinity) || b.i - a.i)
    .map(({ e }) => e);
  return { present, left, students: present.filter((e) => e.key.startsWith('s:')).length };
}

function entry(key: string, name: string, source: RosterEntry['source'], student: StudentInfo | null, connections: ConnectionRecord[]): RosterEntry {
  let open = 0;
  let framesIn = 0;
  let framesOut = 0;
  let leftAt: number | null = null;
  for (const record of connections) {
    if (!record.closed) open++;
    else leftAt = Math.max(leftAt ?? record.closed.t, record.closed.t);
    framesIn += record.framesIn;
    framesOut += record.framesOut;
  }
  const present = open > 0 || (student !== null && student.pages > 0);
  if (present) leftAt = null;
  return { key, name, source, student, connections, ids: new Set(connections.map((r) => r.connection)), open, framesIn, framesOut, present, leftAt };
}
