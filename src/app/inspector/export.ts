/**
 * What the page holds, as a Framescope capture file (src/capture, docs/capture-format.md): the
 * handshake of every connection the tap reported, then its events in the server's time order —
 * the frames still in the ring, the TCP reads each connection keeps, faults, findings, socket
 * errors, the close, and the `dropped` notices where the record may have gaps. What you see is what
 * you save: frames the ring let go (or Clear emptied) are not in it, and a reader says so (their
 * bytes are missing from the stream).
 */
import type { CaptureConnection, CaptureEvent, CaptureFile, CaptureMeta } from '../../capture';
import { CAPTURE_FORMAT, CAPTURE_VERSION } from '../../capture';
import { toHex } from '../../protocol';
import type { Capture, CapturedFrame, ConnectionRecord } from './capture';

/** The page's capture as a file. `meta.server` is the server's "address:port" when the page knows it. */
export function captureFile(capture: Capture, meta: CaptureMeta = {}): CaptureFile {
  const byId = new Map<number, CaptureConnection>();
  const connections: CaptureConnection[] = [];
  for (const record of capture.connections.values()) {
    const conn = connectionOf(record, meta.server ?? null);
    byId.set(record.connection, conn);
    connections.push(conn);
  }
  const frames = capture.frames;
  for (let i = 0; i < frames.length; i++) {
    const frame = frames.at(i)!;
    // A faulty frame is in the ring as the fault reported it: the record's fault event says it whole.
    if (frame.fault !== null) continue;
    byId.get(frame.connection)?.events.push(frameEvent(frame));
  }
  for (const record of capture.connections.values()) {
    const events = byId.get(record.connection)!.events;
    for (const m of record.reads.slice()) events.push(strip(m));
    for (const m of record.outReads.slice()) events.push(strip(m));
    for (const m of record.faults) events.push(strip(m));
    for (const m of record.findings) events.push(strip(m));
    for (const m of record.socketErrors) events.push(strip(m));
    if (record.closed) events.push(strip(record.closed));
  }
  for (const m of capture.droppedLog) {
    const { type: _type, t, wall, count, reason } = m;
    // The gap may be on any connection open at the time.
    for (const record of capture.connections.values()) {
      if (record.info.t <= t && (record.closed === null || record.closed.t >= t)) {
        byId.get(record.connection)!.events.push({ type: 'dropped', t, wall, count, reason: reason ?? 'queue' });
      }
    }
  }
  // The server's clock orders each connection's events (sort is stable: equal times keep their order).
  for (const conn of connections) conn.events.sort((a, b) => a.t - b.t);
  for (const r of capture.refused) {
    connections.push({
      connection: null,
      path: r.path,
      session: r.session,
      client: r.peer,
      server: meta.server ?? null,
      t: r.t,
      wall: r.wall,
      request: r.request,
      response: r.response,
      refusal: r.reason,
      events: [],
    });
  }
  connections.sort((a, b) => a.t - b.t);
  return {
    format: CAPTURE_FORMAT,
    version: CAPTURE_VERSION,
    savedAt: meta.savedAt ?? null,
    name: meta.name ?? null,
    source: meta.source ?? null,
    connections,
  };
}

/** Frames in the file (not counting faults). */
export function frameCount(file: CaptureFile): number {
  let n = 0;
  for (const c of file.connections) for (const e of c.events) if (e.type === 'frame') n++;
  return n;
}

function connectionOf(record: ConnectionRecord, server: string | null): CaptureConnection {
  const { info } = record;
  return {
    connection: record.connection,
    path: info.path,
    session: info.session,
    client: info.peer,
    server,
    t: info.t,
    wall: info.wall,
    request: info.request,
    response: info.response,
    ...(info.proxy !== undefined ? { proxy: info.proxy } : {}),
    events: [],
  };
}

function frameEvent(f: CapturedFrame): CaptureEvent {
  return {
    type: 'frame',
    t: f.t,
    direction: f.direction === 'client-to-server' ? 'in' : 'out',
    offset: f.offset,
    size: f.size,
    opcode: f.opcode,
    fin: f.fin,
    masked: f.masked,
    payloadLength: f.payloadLength,
    headerLength: f.headerLength,
    bytes: toHex(f.bytes),
    truncated: f.truncated,
    ...(f.misbehave !== null ? { misbehave: f.misbehave } : {}),
  };
}

/** An inspector message as a capture event: without its `connection`. */
function strip<M extends { connection: number }>(message: M): CaptureEvent {
  const { connection: _connection, ...event } = message;
  return event as unknown as CaptureEvent;
}
