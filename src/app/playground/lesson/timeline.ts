/**
 * A saved connection's readyState timeline, rebuilt from the server's record: the browser's own
 * events are not in a capture, but the frames say what it did and saw. OPEN is the server's 101
 * (time 0: the capture's times are the server's, from its answer on); the client's data frames are
 * its send() calls, the server's are message events, the first Close frame starts CLOSING, and
 * TCP gone is CLOSED with the close the server recorded.
 */
import * as m from '../../../paraglide/messages.js';
import { Opcode } from '../../../protocol';
import { payloadHead } from '../../components/frame-row';
import type { CapturedFrame, ConnectionRecord } from '../../inspector/capture';
import type { FrameSource } from '../../inspector/capture.svelte';
import { createTimeline, MAX_ENTRIES, type StateStep, type Timeline, type TimelineEntry } from '../../socket/timeline';

export function lessonTimeline(record: ConnectionRecord, frames: FrameSource<CapturedFrame>): Timeline {
  const start = record.info.t;
  const base = createTimeline(record.label ?? record.connection, record.info.request.url, record.info.wall);
  const steps: StateStep[] = [
    { state: 'CONNECTING', t: null, note: m.lesson_saved_note_connecting() },
    { state: 'OPEN', t: 0, note: m.lesson_saved_note_open({ status: record.info.response.status }) },
  ];
  const entries: TimelineEntry[] = [];
  let omitted = 0;
  const add = (entry: TimelineEntry): void => {
    entries.push(entry);
    if (entries.length > MAX_ENTRIES) {
      entries.shift();
      omitted++;
    }
  };
  add({ type: 'open', t: 0, protocol: '', extensions: '' });
  let sent = 0;
  let received = 0;
  /** The data message each direction is in the middle of: its kind and size so far. */
  const pending: Record<CapturedFrame['direction'], { kind: 'text' | 'binary'; size: number } | null> = {
    'client-to-server': null,
    'server-to-client': null,
  };
  let closing = false;
  for (let i = 0; i < frames.length; i++) {
    const frame = frames.at(i);
    if (!frame || frame.connection !== record.connection) continue;
    const t = frame.t - start;
    if (frame.fault) {
      add({ type: 'error', t });
      continue;
    }
    const fromClient = frame.direction === 'client-to-server';
    if (frame.opcode === Opcode.Text || frame.opcode === Opcode.Binary || frame.opcode === Opcode.Continuation) {
      const message = frame.opcode === Opcode.Continuation ? pending[frame.direction] : { kind: frame.opcode === Opcode.Text ? 'text' as const : 'binary' as const, size: 0 };
      if (!message) continue;
      message.size += frame.payloadLength;
      pending[frame.direction] = frame.fin ? null : message;
      if (!frame.fin) continue;
      if (fromClient) {
        sent++;
        add({ type: 'send', t, kind: message.kind, size: message.size, bufferedAmount: 0 });
      } else {
        received++;
        add({ type: 'message', t, kind: message.kind, size: message.size });
      }
    } else if (frame.opcode === Opcode.Close && !closing) {
      closing = true;
      const head = payloadHead(frame, 125);
      const code = head.length >= 2 ? (head[0]! << 8) | head[1]! : 1005;
      const reason = new TextDecoder().decode(head.subarray(2));
      if (fromClient) add({ type: 'close-called', t, code, reason });
      steps.push({
        state: 'CLOSING',
        t,
        note: fromClient ? m.lesson_saved_note_closing_client({ code }) : m.lesson_saved_note_closing_server({ code }),
      });
    }
  }
  const closed = record.closed;
  let state: Timeline['state'] = closing ? 'CLOSING' : 'OPEN';
  let close: Timeline['close'] = null;
  if (closed) {
    const t = closed.t - start;
    close = { code: closed.code, reason: closed.reason, wasClean: closed.wasClean };
    add({ type: 'close', t, ...close });
    steps.push({
      state: 'CLOSED',
      t,
      note: closed.wasClean
        ? m.lesson_saved_note_closed_clean({ code: closed.code })
        : closed.cause
          ? m.lesson_saved_note_closed_cause({ code: closed.code, cause: closed.cause })
          : m.lesson_saved_note_closed({ code: closed.code }),
    });
    state = 'CLOSED';
  }
  return {
    ...base,
    state,
    steps,
    entries,
    omitted,
    close,
    failed: record.faults.length > 0 || record.socketErrors.length > 0,
    messagesSent: sent,
    messagesReceived: received,
  };
}
