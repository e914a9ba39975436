/**
 * Redis addresses as people type them, and errors as people can read them: `--redis` checks the
 * URL before anything starts, and a password never appears in a log line or an error.
 */

/** `null` when `text` is a usable Redis URL, else why not. */
export function checkRedisUrl(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `--redis takes a URL like redis://127.0.0.1:6379/0, not ${JSON.stringify(redactRedisUrl(text))}`;
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    return `--redis takes a redis:// (or rediss:// for TLS) URL, not ${url.protocol}//…`;
  }
  if (url.hostname === '') return `--redis needs a host: redis://127.0.0.1:6379/0, not ${JSON.stringify(redactRedisUrl(text))}`;
  const db = url.pathname.replace(/^\//u, '');
  if (db !== '' && !/^\d+$/u.test(db)) {
    return `--redis: the path is a database number (redis://host:6379/0), not ${JSON.stringify(url.pathname)}`;
  }
  return null;
}

/** The URL with its password replaced by `***` (whatever sits before an `@`, if it does not parse). */
export function redactRedisUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return text.replace(/^([^/]*\/\/)?[^/]*@/u, (_, scheme: string | undefined) => `${scheme ?? ''}***@`);
  }
}

/** A line about why a Redis connection failed. */
export function describeRedisError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // The client library wraps the socket's error when it stops retrying.
  const socketError = (error as { socketError?: unknown }).socketError;
  if (socketError instanceof Error) return describeRedisError(socketError);
  const code = (error as NodeJS.ErrnoException).code;
  const errors = (error as { errors?: unknown[] }).errors;
  // Node's connect to "localhost" tries ::1 and 127.0.0.1 and reports both (AggregateError).
  if (error.message === '' && Array.isArray(errors) && errors[0] instanceof Error) return describeRedisError(errors[0]);
  switch (code) {
    case 'ECONNREFUSED':
      return `nothing is listening there (${error.message})`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `no such host (${error.message})`;
    case 'ECONNRESET':
    case 'EPIPE':
      return `the connection was reset (${error.message})`;
    default:
      return error.message || error.name;
  }
}

/** Redis could not be reached when the server started: what, where, and what to do. */
export class RedisUnavailableError extends Error {
  constructor(where: string, cause: unknown) {
    super(
      `cannot use Redis at ${where}: ${describeRedisError(cause)}. ` +
        'Start it (redis-server, or: sudo systemctl start redis-server) or check --redis / REDIS_URL; ' +
        'without --redis the chat room lives in this one process.',
      { cause },
    );
    this.name = 'RedisUnavailableError';
  }
}
