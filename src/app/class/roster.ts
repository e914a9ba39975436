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

function entry(key: string, name: string, source: RosterEntry['source'], student: StudentInfo | null, connections: ConnectionRecord[]): RosterEntry {
  let open = 0;
  let framesIn = 0;
  let framesOut = 0;
  for (const record of connections) {
    if (!record.closed) open++;
    framesIn += record.framesIn;
    framesOut += record.framesOut;
  }
  return { key, name, source, student, connections, ids: new Set(connections.map((r) => r.connection)), open, framesIn, framesOut };
}
