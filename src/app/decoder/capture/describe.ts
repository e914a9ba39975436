/** Words for an imported capture: its format, its problems (what and at which byte), a connection, how a stream ended. */
import type { CaptureProblem, StreamEnd } from '../../../capture';
import * as m from '../../../paraglide/messages.js';
import { formatCount, formatOneDecimal } from '../../components/format';
import type { CaptureSummary, ConnectionSummary } from './session';

/** "512 bytes", "1.5 KiB", "98.2 MiB". */
export function bytesText(n: number): string {
  if (n < 1024) return m.capture_bytes({ count: n, shown: formatCount(n) });
  if (n < 1024 * 1024) return `${formatOneDecimal(n / 1024)} KiB`;
  return `${formatOneDecimal(n / (1024 * 1024))} MiB`;
}

/** "pcapng (ethernet), 1.2 KiB, 42 packets: 2 WebSocket connections, 1 other TCP connection." */
export function formatText(summary: CaptureSummary): string {
  if (summary.format === null) return m.capture_format_none();
  const ws = summary.connections.length;
  const other = summary.nonWebSocketStreams;
  const format = summary.format === 'json' ? m.capture_format_json() : summary.format;
  const link = summary.linkType ? m.capture_format_link({ format, link: summary.linkType.replace(/_/g, ' ') }) : format;
  const what =
    summary.format === 'json'
      ? m.capture_events({ count: summary.packets, shown: formatCount(summary.packets) })
      : m.capture_packets({ count: summary.packets, shown: formatCount(summary.packets) });
  const connections = m.capture_websocket_connections({ count: ws, shown: formatCount(ws) });
  return other > 0
    ? m.capture_format_others({ format: link, size: bytesText(summary.size), what, connections, others: m.capture_other_tcp({ count: other, shown: formatCount(other) }) })
    : m.capture_format({ format: link, size: bytesText(summary.size), what, connections });
}

/** "The file is cut short at byte 1,234: the file ends inside …" */
export function problemText(problem: CaptureProblem): string {
  const what =
    problem.code === 'truncated' ? m.capture_problem_truncated()
      : problem.code === 'corrupt' ? m.capture_problem_corrupt()
        : problem.code === 'payload-missing' ? m.capture_problem_payload_missing()
          : m.capture_problem_unrecognized();
  const detail = problemDetail(problem.message);
  return problem.atByte !== undefined && problem.atByte >= 0
    ? m.capture_problem_at({ what, at: formatCount(problem.atByte), detail })
    : m.capture_problem({ what, detail });
}

const number = (text: string | undefined): string => formatCount(Number((text ?? '0').replace(/,/g, '')));

/**
 * The importer's (src/capture) detail in the page's language: the details a broken or wrong file
 * gives most (empty, too short, not a capture, cut inside a header or a record) are matched and
 * said again from the catalogue; any other is shown as the importer wrote it.
 */
export function problemDetail(message: string): string {
  const text = message.replace(/\.$/, '');
  let found: RegExpExecArray | null;
  if (/^the file is empty$/.test(text)) return m.capture_detail_empty();
  if ((found = /^the file has only (\d+) bytes?: too short for a capture$/.exec(text))) return m.capture_detail_too_short({ bytes: bytesText(Number(found[1])) });
  if (/^this is not a capture file this reader knows: /.test(text)) {
    if (/gzip/.test(text)) return m.capture_detail_gzip();
    if (/zip archive/.test(text)) return m.capture_detail_zip();
    return m.capture_detail_not_capture();
  }
  if (/^not a pcap file: the magic number is wrong$/.test(text)) return m.capture_detail_not_pcap();
  if ((found = /^the file ends inside the 24-byte pcap file header \(it has (\d+) bytes\)$/.exec(text))) return m.capture_detail_cut_pcap_header({ have: number(found[1]) });
  if ((found = /^the file ends inside the header of packet record (\d+) \(([\d,]+) of its (\d+) bytes\)$/.exec(text))) {
    return m.capture_detail_cut_record_header({ record: number(found[1]), have: number(found[2]), size: number(found[3]) });
  }
  if ((found = /^the file ends inside packet record (\d+): it has ([\d,]+) of the ([\d,]+) captured bytes its header announces$/.exec(text))) {
    return m.capture_detail_cut_record({ record: number(found[1]), have: number(found[2]), size: number(found[3]) });
  }
  if ((found = /^the file ends inside the header of block (\d+) \(([\d,]+) bytes of it\)$/.exec(text))) return m.capture_detail_cut_block_header({ block: number(found[1]), have: number(found[2]) });
  if ((found = /^the file ends inside block (\d+): it has ([\d,]+) of the ([\d,]+) bytes the block's header announces$/.exec(text))) {
    return m.capture_detail_cut_block({ block: number(found[1]), have: number(found[2]), size: number(found[3]) });
  }
  if (/^not a pcapng file: it does not start with a section header block$/.test(text)) return m.capture_detail_not_pcapng();
  if ((found = /^not valid JSON: (.*)$/s.exec(text))) return m.capture_detail_not_json({ reason: found[1]! });
  return m.capture_detail_as_written({ detail: text });
}

/** "1. 127.0.0.1:55748 → 127.0.0.1:8008, GET /echo, 101, 12 frames" */
export function connectionLabel(c: ConnectionSummary): string {
  const hs = c.handshake;
  return m.capture_connection_label({
    number: String(c.index + 1),
    client: c.client,
    server: c.server,
    request: hs.target !== null ? `${hs.method ?? 'GET'} ${hs.target}` : m.capture_request_not_captured(),
    status: hs.status !== null ? String(hs.status) : m.capture_no_answer(),
    frames: m.capture_frames({ count: c.frames, shown: formatCount(c.frames) }),
  });
}

/** How one direction of a connection ended, in words. */
export function endText(end: StreamEnd): string {
  const how =
    end.end === 'fin' ? m.capture_end_fin()
      : end.end === 'rst' ? m.capture_end_rst()
        : end.end === 'eof' ? m.capture_end_eof()
          : end.end === 'gap' ? m.capture_end_gap()
            : m.capture_end_open();
  let text: string = m.capture_end({ bytes: formatCount(end.bytes), how });
  if (end.missing) text += m.capture_end_missing({ bytes: formatCount(end.missing.bytes), at: formatCount(end.missing.at) });
  if (end.incomplete) text += m.capture_end_incomplete({ at: formatCount(end.incomplete.offset), needed: formatCount(end.incomplete.needed) });
  return text;
}

/** Why a file was not read to its end: stopped, the worker died, or the browser could not read it. */
export type CaptureFailure = { kind: 'stopped' } | { kind: 'worker-stopped' } | { kind: 'unreadable'; reason: string };

/** A failure as a sentence. */
export function failureText(failure: CaptureFailure): string {
  switch (failure.kind) {
    case 'stopped':
      return m.capture_failure_stopped();
    case 'worker-stopped':
      return m.capture_failure_worker_stopped();
    case 'unreadable':
      return m.capture_failure_unreadable({ reason: failure.reason });
  }
}

/** The importer's notes (what it passed over) in the page's language; any other as written. */
export function noteText(note: string): string {
  const n = (text: string | undefined): number => Number((text ?? '0').replace(/,/g, ''));
  let found: RegExpExecArray | null;
  if ((found = /^([\d,]+) packets? (?:was|were) not TCP \((.*)\)$/.exec(note))) {
    const count = n(found[1]);
    return m.capture_note_not_tcp({ count, shown: formatCount(count), kinds: found[2]! });
  }
  if ((found = /^([\d,]+) packets? of link type (\S+) (?:was|were) skipped: /.exec(note))) {
    const count = n(found[1]);
    return m.capture_note_link_type({ count, shown: formatCount(count), link: found[2]! });
  }
  if ((found = /^([\d,]+) IP fragments? (?:was|were) not reassembled$/.exec(note))) {
    const count = n(found[1]);
    return m.capture_note_fragments({ count, shown: formatCount(count) });
  }
  if ((found = /^([\d,]+) packets? (?:was|were) cut before the end of their headers$/.exec(note))) {
    const count = n(found[1]);
    return m.capture_note_header_cut({ count, shown: formatCount(count) });
  }
  if ((found = /^([\d,]+) TCP connections? carried TLS /.exec(note))) {
    const count = n(found[1]);
    return m.capture_note_tls({ count, shown: formatCount(count) });
  }
  if ((found = /^([\d,]+) TCP connections? began before the capture did /.exec(note))) {
    const count = n(found[1]);
    return m.capture_note_no_syn({ count, shown: formatCount(count) });
  }
  return m.capture_detail_as_written({ detail: note });
}
