/**
 * What both `npm run decode` commands (frames: decode-core.ts, a capture: capture.ts) take and
 * give: a file reader in, `{ stdout, stderr, exitCode }` out. Here so neither imports the other.
 */

export interface DecodeOutput {
  stdout: string;
  stderr: string;
  exitCode: 0 | 1 | 2;
}

export interface DecodeOptions {
  /** ANSI colour in the human-readable output (the shell decides: a TTY and no NO_COLOR). */
  color?: boolean;
}

/** Reads a file's bytes; throws (with a Node `code` such as ENOENT) when it cannot. */
export type ReadFile = (path: string) => Uint8Array;

/** Why a file could not be read, in a few words ("no such file"). */
export function fileError(err: unknown): string {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
  switch (code) {
    case 'ENOENT': return 'no such file';
    case 'EISDIR': return 'it is a directory';
    case 'EACCES': return 'permission denied';
    default: return err instanceof Error ? err.message : String(err);
  }
}
