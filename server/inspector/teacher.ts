/**
 * The teacher's token (class mode): the secret that `/inspect?all` and `GET /class` ask for, so a
 * student who guesses the teacher's address sees nothing of the classmates' traffic. Made at random
 * when the server starts in class mode (`--class`), or given (`--teacher-token`).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** The query parameter that carries it: `/inspect?all&teacher=TOKEN`, `/class?teacher=TOKEN`. */
export const TEACHER_PARAM = 'teacher';

const TOKEN = /^[A-Za-z0-9._~-]{8,128}$/;

/** 144 random bits as 24 URL-safe characters. */
export function newTeacherToken(): string {
  return randomBytes(18).toString('base64url');
}

/** Why `token` cannot be a teacher's token, or null when it can. */
export function checkTeacherToken(token: string): string | null {
  return TOKEN.test(token) ? null : 'a teacher token is 8 to 128 characters from A-Z a-z 0-9 . _ ~ -';
}

/** Is `given` the teacher's `token`? Compared in constant time (of digests, so lengths leak nothing). */
export function teacherTokenMatches(given: string | null, token: string | null): boolean {
  if (given === null || token === null) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}
