/**
 * A capture recorded from the inspector's messages (docs/inspector.md), in the order they come:
 * a page (or any subscriber) hands each message to `accept`, and `toCapture` gives the file to
 * save. Messages that are not about a connection's traffic (answers to commands, `hello`'s limits)
 * are not kept; `dropped` notices are kept on every connection open at the time, since the gap
 * they announce may be on any of them.
 */
import type { ConnectionInfo, InspectorMessage } from '../wire/inspector.ts';
import { CAPTURE_FORMAT, CAPTURE_VERSION, type CaptureConnection, type CaptureEvent, type CaptureFile } from './format.ts';

export interface CaptureMeta {
  savedAt?: number | null;
  name?: string | null;
  source?: string | null;
  /** The server's address ("127.0.0.1:8008"), when the caller knows it (a page knows its own origin). */
  server?: string | null;
}

export class CaptureRecorder {
  readonly #connections: CaptureConnection[] = [];
  readonly #byId = new Map<number, CaptureConnection>();
  readonly #open = new Set<CaptureConnection>();

  accept(message: InspectorMessage): void {
    switch (message.type) {
      case 'hello':
        for (const info of message.connections) this.#start(info);
        break;
      case 'open':
        this.#start(message);
        break;
      case 'refused': {
        const { type: _type, status: _status, reason, t, wall, path, session, peer, request, response } = message;
        this.#connections.push({ connection: null, path, session, client: peer, server: null, t, wall, request, response, refusal: reason, events: [] });
        break;
      }
      case 'read':
      case 'frame':
      case 'fault':
      case 'finding':
      case 'socket-error':
      case 'closed': {
        const conn = this.#byId.get(message.connection);
        if (conn === undefined) break;
        const { connection: _connection, ...event } = message;
        conn.events.push(event as CaptureEvent);
        if (message.type === 'closed') this.#open.delete(conn);
        break;
      }
      case 'dropped':
        for (const conn of this.#open) conn.events.push({ ...message });
        break;
      default:
        break;
    }
  }

  /** Connections recorded so far (shared, not copied: read, do not change). */
  get connections(): readonly CaptureConnection[] {
    return this.#connections;
  }

  /** The capture file as of now. `meta.server` fills in connections whose server address is not known. */
  toCapture(meta: CaptureMeta = {}): CaptureFile {
    return {
      format: CAPTURE_FORMAT,
      version: CAPTURE_VERSION,
      savedAt: meta.savedAt ?? null,
      name: meta.name ?? null,
      source: meta.source ?? null,
      connections: this.#connections.map((c) => ({ ...c, server: c.server ?? meta.server ?? null, events: [...c.events] })),
    };
  }

  #start(info: ConnectionInfo & { type?: string }): void {
    if (this.#byId.has(info.connection)) return;
    const conn: CaptureConnection = {
      connection: info.connection,
      path: info.path,
      session: info.session,
      client: info.peer,
      server: null,
      t: info.t,
      wall: info.wall,
      request: info.request,
      response: info.response,
      ...(info.proxy !== undefined ? { proxy: info.proxy } : {}),
      events: [],
    };
    this.#connections.push(conn);
    this.#byId.set(info.connection, conn);
    this.#open.add(conn);
  }
}
