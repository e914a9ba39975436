/**
 * The human-readable output of `npm run decode -- --capture FILE`: a summary line, then each
 * WebSocket connection with its handshake, its frames both ways (one line each, times from the
 * connection's first packet), the messages they add up to, faults, and how each direction ended.
 */
import type { CaptureReport, ImportedConnection, StreamEnd } from '../capture/index.ts';
import { closeCodeInfo, describePayload, opcodeInfo, Opcode, toHex, type Frame } from '../protocol/index.ts';

interface Style {
  bold(s: string): string;
  dim(s: string): string;
  bad(s: string): string;
  warn(s: string): string;
}

const plain: Style = { bold: (s) => s, dim: (s) => s, bad: (s) => s, warn: (s) => s };
const ansi = (open: number, close: number) => (s: string) => (s === '' ? s : `\x1b[${open}m${s}\x1b[${close}m`);
const colored: Style = { bold: ansi(1, 22), dim: ansi(2, 22), bad: ansi(31, 39), warn: ansi(33, 39) };

const ARROW: Record<'c2s' | 's2c', string> = { c2s: 'c2s \u2192', s2c: 's2c \u2190' };

export function formatCaptureHuman(file: string, report: CaptureReport, options: { color: boolean }): string {
  const style = options.color ? colored : plain;
  const blocks: string[] = [];
  const ws = report.connections.length;
  const other = report.nonWebSocketStreams;
  blocks.push(style.bold(
    `${file}: ${report.format ?? 'not a capture'}${report.linkType ? ` (${report.linkType})` : ''}, ${n(report.packets, report.format === 'json' ? 'event' : 'packet')}, ` +
    `${n(ws, 'WebSocket connection')}${report.format === 'json' ? '' : `, ${n(other, 'other TCP stream')}`}`,
  ));
  if (ws === 0 && report.error === null) {
    blocks.push(report.format === 'json' ? 'No WebSocket connection in this capture.' : 'No WebSocket in this capture: no TCP stream in it starts with an HTTP request to upgrade to WebSocket.');
  }
  report.connections.forEach((c, i) => blocks.push(connectionBlock(i + 1, c, style)));
  if (report.notes.length > 0) blocks.push(['notes:', ...report.notes.map((note) => `  ${note}`)].join('\n'));
  if (report.problems.length > 0) {
    blocks.push(report.problems.map((p) => style.bad(`${p.code}${p.atByte !== undefined && p.atByte >= 0 ? ` at byte ${p.atByte}` : ''}: ${p.message}`)).join('\n'));
  }
  return `${blocks.join('\n\n')}\n`;
}

function connectionBlock(index: number, c: ImportedConnection, style: Style): string {
  const hs = c.handshake;
  const lines: string[] = [];
  const answer = hs.status === null ? 'no answer captured' : hs.response?.split(/\r?\n/)[0]?.replace(/^HTTP\/\S+ /, '') ?? String(hs.status);
  lines.push(style.bold(`connection ${index}: ${c.client} \u2192 ${c.server}  ${hs.method ?? '?'} ${hs.target ?? '(request not captured)'} \u2192 ${answer}`));
  if (hs.secWebSocketKey !== null || hs.secWebSocketAccept !== null) {
    const verdict = hs.acceptValid === null ? '' : hs.acceptValid ? ' (matches the key, RFC 6455 §4.2.2)' : style.bad(' (does NOT match the key: a browser fails the connection, RFC 6455 §4.2.2)');
    lines.push(`  Sec-WebSocket-Key: ${hs.secWebSocketKey ?? '(none)'}   Sec-WebSocket-Accept: ${hs.secWebSocketAccept ?? '(none)'}${verdict}`);
  }
  if (hs.secWebSocketProtocol !== null) lines.push(`  Sec-WebSocket-Protocol: ${hs.secWebSocketProtocol}`);
  if (hs.secWebSocketExtensions !== null) {
    lines.push(`  Sec-WebSocket-Extensions: ${hs.secWebSocketExtensions}${hs.deflate ? ' (permessage-deflate: RSV1 marks compressed messages, RFC 7692)' : ''}`);
  }
  if (hs.status !== 101) {
    lines.push(style.warn(`  The server did not switch protocols${hs.status !== null ? ` (${hs.status})` : ''}: no frames follow.`));
    return lines.join('\n');
  }
  if (c.frames.length > 0) {
    lines.push(`  frames (${c.frames.length.toLocaleString('en-US')}):`);
    const width = String(c.frames.length).length;
    c.frames.forEach((f, i) => {
      const time = `+${(f.time - c.start).toFixed(3)} ms`;
      lines.push(`    ${String(i + 1).padStart(width)}  ${time.padStart(13)}  ${ARROW[f.dir]}  ${frameLine(f.frame)}`);
    });
  } else {
    lines.push('  no frames');
  }
  if (c.messages.length > 0) {
    lines.push(`  messages (${c.messages.length.toLocaleString('en-US')}):`);
    for (const m of c.messages) {
      const name = opcodeInfo(m.opcode).name;
      const parts = m.opcode === Opcode.Text || m.opcode === Opcode.Binary ? `${name} message${m.frames > 1 ? ` from ${m.frames} frames` : ''}` : name;
      const body = m.opcode === Opcode.Close ? closeLine(m.payload) : describePayload(m.compressed && !m.inflated ? Opcode.Binary : m.opcode, m.payload);
      const deflate = m.inflated ? ' (inflated)' : '';
      lines.push(`    ${ARROW[m.dir]}  ${parts}${deflate}: ${body}${m.error ? style.warn(`  [${m.error}]`) : ''}`);
    }
  }
  for (const { dir, fault } of c.faults) {
    lines.push(style.bad(`  fault in ${dir} at stream byte ${fault.offset} (frame at ${fault.frameOffset}): ${fault.closeCode} ${closeCodeInfo(fault.closeCode).name} \u2014 ${fault.message}`));
  }
  lines.push(`  client\u2192server: ${streamLine(c.c2s)}`);
  lines.push(`  server\u2192client: ${streamLine(c.s2c)}`);
  return lines.join('\n');
}

function frameLine(f: Frame): string {
  const parts = [opcodeInfo(f.opcode).name, f.fin ? 'final' : 'not final'];
  const rsv = [f.rsv1 && 'RSV1', f.rsv2 && 'RSV2', f.rsv3 && 'RSV3'].filter(Boolean);
  if (rsv.length > 0) parts.push(`${rsv.join(', ')} set`);
  parts.push(f.masked && f.maskingKey ? `masked (key ${toHex(f.maskingKey)})` : 'unmasked');
  if (f.lengthForm !== 7) parts.push(`${f.lengthForm}-bit length`);
  const payload = f.rsv1 ? `${n(f.payloadLength, 'byte')} (compressed)` : describePayload(f.opcode, f.payload);
  return `${parts.join(', ')}: ${payload}`;
}

function closeLine(payload: Uint8Array): string {
  if (payload.length < 2) return 'no status code (1005)';
  const code = (payload[0]! << 8) | payload[1]!;
  const reason = new TextDecoder().decode(payload.subarray(2));
  return `${code} ${closeCodeInfo(code).name}${reason ? `, reason ${JSON.stringify(reason)}` : ''}`;
}

function streamLine(s: StreamEnd): string {
  const how = s.end === 'fin' ? 'ended with FIN' : s.end === 'rst' ? 'ended with RST' : s.end === 'eof' ? 'still open when the capture stopped' : s.end === 'gap' ? 'bytes missing' : 'open';
  const parts = [`${n(s.bytes, 'byte')} after the handshake, ${how}`];
  if (s.missing) parts.push(`${n(s.missing.bytes, 'byte')} never captured at byte ${s.missing.at.toLocaleString('en-US')}`);
  if (s.incomplete) parts.push(`ends inside the frame at byte ${s.incomplete.offset.toLocaleString('en-US')} (${n(s.incomplete.needed, 'more byte')} needed)`);
  return parts.join('; ');
}

function n(count: number, noun: string): string {
  return `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
}
