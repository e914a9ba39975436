/**
 * The server's log: one line per event worth a line (a connection opened or closed, a fault, a
 * refused handshake). `--quiet` and the tests use the silent logger.
 */

export interface Logger {
  info(line: string): void;
  warn(line: string): void;
}

export const silentLogger: Logger = {
  info() {},
  warn() {},
};

function stamp(): string {
  return new Date().toISOString().slice(11, 23);
}

export const consoleLogger: Logger = {
  info(line) {
    process.stdout.write(`${stamp()} ${line}\n`);
  },
  warn(line) {
    process.stderr.write(`${stamp()} ${line}\n`);
  },
};

/** A logger that keeps its lines (for tests that check what was logged). */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info(line) {
      lines.push(line);
    },
    warn(line) {
      lines.push(line);
    },
  };
}

/** "1.5 KiB", "16.0 MiB", "12 B". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 * 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  return `${(n / (1024 * 1024 * 1024)).toFixed(2)} GiB`;
}

/** A reason for a log line: quoted, control characters escaped, long ones cut. */
export function quote(text: string, max = 120): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(cut);
}

/** What the close line reports (the inspector's `closed` message carries the same). */
export interface CloseReport {
  code: number;
  reason: string;
  wasClean: boolean;
  initiator: 'client' | 'server' | null;
  cause: string | null;
  /** Milliseconds. */
  duration: number;
  framesIn: number;
  framesOut: number;
  bytesIn: number;
  bytesOut: number;
}

/** The log line of a closed connection: code, reason, who closed, why, how long, frames and bytes each way. */
export function closeLine(c: { id: number; path: string; peer: string }, r: CloseReport): string {
  return (
    `close #${c.id} ${c.path} ${c.peer} ${r.code}${r.reason !== '' ? ` ${quote(r.reason)}` : ''}` +
    ` ${r.wasClean ? 'clean' : 'not clean'}${r.initiator ? `, closed by ${r.initiator}` : ''}` +
    `${r.cause !== null && r.cause !== 'server' ? ` (${r.cause})` : ''}` +
    ` after ${(r.duration / 1000).toFixed(2)} s; in ${r.framesIn} frames ${formatBytes(r.bytesIn)},` +
    ` out ${r.framesOut} frames ${formatBytes(r.bytesOut)}`
  );
}
