/**
 * A saved capture back as the inspector's messages (docs/inspector.md), in the order they came:
 * what a page feeds to the same code that ingests a live `/inspect` socket to reopen a lesson
 * read-only. CaptureRecorder is the way in; this is the way back out.
 */
import type { InspectorMessage } from '../wire/inspector.ts';
import { wallOf, type CaptureConnection, type CaptureFile } from './format.ts';

export function inspectorMessages(capture: CaptureFile): InspectorMessage[] {
  const streams = capture.connections.map((c) => connectionMessages(c));
  // Merge by time, each connection's own order kept (a `read` follows the frames that ended in it).
  const out: InspectorMessage[] = [];
  const next = streams.map(() => 0);
  const seenDropped = new Set<string>();
  for (;;) {
    let best = -1;
    for (let i = 0; i < streams.length; i++) {
      const m = streams[i]![next[i]!];
      if (m !== undefined && (best === -1 || m.t < streams[best]![next[best]!]!.t)) best = i;
    }
    if (best === -1) return out;
    const m = streams[best]![next[best]!++]!;
    if (m.type === 'dropped') {
      // One notice was kept on every connection open at the time: give it once.
      const key = `${m.t} ${m.count} ${m.reason}`;
      if (seenDropped.has(key)) continue;
      seenDropped.add(key);
    }
    out.push(m);
  }
}

function connectionMessages(c: CaptureConnection): InspectorMessage[] {
  const { path, session, client: peer, request, response, t, wall } = c;
  if (c.connection === null) {
    return [{ type: 'refused', t, wall, path, session, peer, status: response.status, reason: c.refusal ?? '', request, response }];
  }
  const connection = c.connection;
  const out: InspectorMessage[] = [{ type: 'open', connection, t, wall, path, session, peer, request, response, ...(c.proxy !== undefined ? { proxy: c.proxy } : {}) }];
  for (const e of c.events) {
    const stamped = { ...e, wall: wallOf(c, e) };
    out.push((e.type === 'dropped' ? stamped : { ...stamped, connection }) as InspectorMessage);
  }
  return out;
}
