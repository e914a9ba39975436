/** One transport's client, as the runner drives it (run.ts). */
import type { CompareSettings } from '../../wire/compare.ts';
import type { RunEnvironment } from '../environment.ts';

export interface ClientContext {
  env: RunEnvironment;
  /** The run token every request carries (`?run=`). */
  run: string;
  settings: CompareSettings;
  /** An echo arrived. */
  echo(seq: number, text: string): void;
  /** Something went wrong (one line a person can read). */
  error(message: string): void;
}

export interface TransportClient {
  /** Settles once messages may be sent (the socket or the stream is open), or rejects with why not. */
  ready: Promise<void>;
  /** Send message `seq`. */
  send(seq: number, text: string): void;
  /** Stop: let requests in flight finish (a held poll is abandoned), close streams and sockets. */
  close(): Promise<void>;
}

/** `ms` from now. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `path` on the server with the query `params`. */
export function endpointUrl(ctx: ClientContext, path: string, params: Record<string, string | number> = {}): string {
  const url = new URL(path, ctx.env.origin);
  url.searchParams.set('run', ctx.run);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, String(value));
  return url.href;
}

/** An error's message, with its cause (undici puts the socket error there). */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.cause instanceof Error ? `${error.message} (${error.cause.message})` : error.message;
  return String(error);
}
