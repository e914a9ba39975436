/** Words for an imported capture: its format, its problems (what and at which byte), a connection, how a stream ended. */
import type { CaptureProblem, StreamEnd } from '../../../capture';
import type { CaptureSummary, ConnectionSummary } from './session';

export function bytesText(n: number): string {
  if (n < 1024) return `${n.toLocaleString('en-US')} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}

const FORMAT_NAMES: Record<NonNullable<CaptureSummary['format']>, string> = {
  pcap: 'pcap',
  pcapng: 'pcapng',
  json: 'Framescope JSON capture',
};

/** "pcapng (ethernet), 42 packets: 2 WebSocket connections, 1 other TCP connection." */
export function formatText(summary: CaptureSummary): string {
  if (summary.format === null) return 'not a capture file this page reads.';
  const ws = summary.connections.length;
  const other = summary.nonWebSocketStreams;
  const what = summary.format === 'json' ? `${summary.packets.toLocaleString('en-US')} events` : `${summary.packets.toLocaleString('en-US')} packets`;
  const link = summary.linkType ? ` (${summary.linkType.replace(/_/g, ' ')})` : '';
  return `${FORMAT_NAMES[summary.format]}${link}, ${bytesText(summary.size)}, ${what}: ${ws.toLocaleString('en-US')} WebSocket connection${ws === 1 ? '' : 's'}${other > 0 ? `, ${other.toLocaleString('en-US')} other TCP connection${other === 1 ? '' : 's'}` : ''}.`;
}

const PROBLEM_WORDS: Record<CaptureProblem['code'], string> = {
  truncated: 'The file is cut short',
  corrupt: 'The file is damaged',
  'payload-missing': 'Bytes are missing',
  unrecognized: 'This is not a capture file this page reads',
};

/** "The file is cut short at byte 1,234: the file ends inside …" */
export function problemText(problem: CaptureProblem): string {
  const where = problem.atByte !== undefined && problem.atByte >= 0 ? ` at byte ${problem.atByte.toLocaleString('en-US')}` : '';
  return `${PROBLEM_WORDS[problem.code]}${where}: ${problem.message}.`.replace(/\.\.$/, '.');
}

/** "127.0.0.1:55748 → 127.0.0.1:8008, GET /echo, 101, 12 frames" */
export function connectionLabel(c: ConnectionSummary): string {
  const hs = c.handshake;
  const request = hs.target !== null ? `${hs.method ?? 'GET'} ${hs.target}` : 'request not captured';
  const status = hs.status !== null ? String(hs.status) : 'no answer';
  return `${c.index + 1}. ${c.client} → ${c.server}, ${request}, ${status}, ${c.frames.toLocaleString('en-US')} frame${c.frames === 1 ? '' : 's'}`;
}

/** How one direction of a connection ended, in words. */
export function endText(end: StreamEnd): string {
  const bytes = `${end.bytes.toLocaleString('en-US')} bytes after the handshake`;
  const how =
    end.end === 'fin' ? 'closed (FIN)'
      : end.end === 'rst' ? 'reset (RST)'
        : end.end === 'eof' ? 'the capture stopped first'
          : end.end === 'gap' ? 'bytes missing'
            : 'still open';
  const missing = end.missing ? `; ${end.missing.bytes.toLocaleString('en-US')} bytes never captured at byte ${end.missing.at.toLocaleString('en-US')}` : '';
  const incomplete = end.incomplete ? `; ends inside a frame at byte ${end.incomplete.offset.toLocaleString('en-US')} (${end.incomplete.needed.toLocaleString('en-US')} more bytes needed)` : '';
  return `${bytes}, ${how}${missing}${incomplete}`;
}
