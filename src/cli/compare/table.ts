/**
 * `npm run compare`'s output: the human table and the JSON object. Pure (measurements in, text out).
 */
import { classCost, formatBitRate, formatBytes, formatCount, perMessage } from '../../compare/cost.ts';
import {
  overheadOf,
  TRANSPORT_LABELS,
  toTransportResult,
  type CompareSettings,
  type TransportMeasurement,
  type TransportResult,
} from '../../wire/compare.ts';

export const STUDENTS = 1000;

/** `--json`: exactly `{ transports: [...], settings }`. */
export function jsonReport(measurements: readonly TransportMeasurement[], settings: CompareSettings): { transports: TransportResult[]; settings: CompareSettings } {
  return { transports: measurements.map(toTransportResult), settings };
}

function describeSettings(s: CompareSettings): string {
  const parts: string[] = [];
  if (s.messages > 0) parts.push(`${formatCount(s.messages)} messages of ${formatCount(s.size)} B`);
  if (s.largeMessages > 0) parts.push(`${parts.length > 0 ? 'then ' : ''}${formatCount(s.largeMessages)} of ${formatCount(s.largeSize)} B`);
  return `${parts.join(', ')}, ${s.rate} a second (short polling asks every ${s.pollIntervalMs} ms)`;
}

const ms = (value: number | null): string => (value === null ? '-' : value < 10 ? value.toFixed(1) : String(Math.round(value)));

export function humanReport(measurements: readonly TransportMeasurement[], settings: CompareSettings, origin: string): string {
  const header = ['transport', 'requests', 'up overhead', 'up payload', 'down overhead', 'down payload', 'overhead/msg', 'p50 ms', 'p99 ms', 'late', 'lost'];
  const rows = measurements.map((m) => [
    TRANSPORT_LABELS[m.name],
    formatCount(m.wire.requests),
    formatCount(overheadOf(m.wire.up)),
    formatCount(m.wire.up.payload),
    formatCount(overheadOf(m.wire.down)),
    formatCount(m.wire.down.payload),
    `${formatCount(perMessage(m).overhead)} B`,
    ms(m.latencyMs.p50),
    ms(m.latencyMs.p99),
    formatCount(m.late),
    formatCount(m.lost),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd();

  const out: string[] = [];
  out.push(`Why WebSocket: ${describeSettings(settings)}`);
  out.push(`Server: Framescope in this process, ${origin}`);
  out.push('');
  out.push(line(header));
  for (const row of rows) out.push(line(row));
  out.push('');
  out.push('Bytes as the server counted them on its sockets. Overhead: HTTP request and response heads,');
  out.push('chunk sizes, JSON and SSE fields, WebSocket frame headers and close frames. Payload: the messages.');
  out.push(`Late: echoed more than ${settings.lateMs} ms after sending. Overhead/msg: per message delivered.`);
  out.push('Not counted: TCP/IP headers (40-60 bytes a packet, and ACKs), TLS.');

  const ws = measurements.find((m) => m.name === 'websocket');
  const short = measurements.find((m) => m.name === 'short-polling');
  if (ws && short && perMessage(ws).overhead > 0) {
    const ratio = perMessage(short).overhead / perMessage(ws).overhead;
    out.push('');
    out.push(`Per message, short polling spends ${ratio.toFixed(ratio < 10 ? 1 : 0)} times the overhead bytes of WebSocket.`);
  }
  out.push('');
  out.push(`${formatCount(STUDENTS)} students each holding this conversation at once (${settings.rate} messages a second each):`);
  const width = Math.max(...measurements.map((m) => TRANSPORT_LABELS[m.name].length));
  for (const m of measurements) {
    const cost = classCost(m, STUDENTS, settings.rate);
    out.push(
      `  ${TRANSPORT_LABELS[m.name].padEnd(width)}  ${formatCount(cost.requests)} requests, ${formatBytes(cost.totalBytes)} in all, ${formatBitRate(cost.bitsPerSecond)} while it runs (${formatBitRate(cost.overheadBitsPerSecond)} of it overhead)`,
    );
  }
  const problems = measurements.flatMap((m) => m.errors.map((error) => `  ${TRANSPORT_LABELS[m.name]}: ${error}`));
  if (problems.length > 0) {
    out.push('');
    out.push('Problems:');
    out.push(...problems);
  }
  return `${out.join('\n')}\n`;
}
