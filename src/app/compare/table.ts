/**
 * The comparison's numbers as a table: a row per figure, a column per transport (so four narrow
 * columns fit a phone). The charts' equivalent for a screen reader, and the exact bytes. Pure.
 */
import { formatCount } from '../../compare/cost';
import { perMessage } from '../../compare/cost';
import type { TransportMeasurement, WireBytes } from '../../wire/compare';
import { formatMs } from './chart';

export interface TableRow {
  key: string;
  /** The figure ("Up: headers"). */
  label: string;
  /** A line under the label, saying what it counts. */
  note?: string;
  cells: string[];
}

const bytes = (value: number): string => formatCount(value);

function direction(name: 'up' | 'down', pick: (m: TransportMeasurement) => WireBytes, ms: readonly TransportMeasurement[]): TableRow[] {
  const title = name === 'up' ? 'Up' : 'Down';
  return [
    { key: `${name}-headers`, label: `${title}: headers, bytes`, note: 'HTTP heads, the WebSocket handshake', cells: ms.map((m) => bytes(pick(m).headers)) },
    { key: `${name}-framing`, label: `${title}: framing, bytes`, note: 'chunk sizes, JSON, SSE fields, frame headers', cells: ms.map((m) => bytes(pick(m).framing)) },
    { key: `${name}-payload`, label: `${title}: payload, bytes`, note: 'the messages', cells: ms.map((m) => bytes(pick(m).payload)) },
  ];
}

export function tableRows(ms: readonly TransportMeasurement[]): TableRow[] {
  return [
    { key: 'messages', label: 'Messages sent', cells: ms.map((m) => formatCount(m.messages)) },
    { key: 'requests', label: 'HTTP requests', cells: ms.map((m) => formatCount(m.wire.requests)) },
    ...direction('up', (m) => m.wire.up, ms),
    ...direction('down', (m) => m.wire.down, ms),
    { key: 'overhead-per-message', label: 'Overhead per message, bytes', note: 'headers and framing, both ways, per message delivered', cells: ms.map((m) => bytes(Math.round(perMessage(m).overhead))) },
    { key: 'p50', label: 'Latency, median', note: 'send to echo', cells: ms.map((m) => formatMs(m.latencyMs.p50)) },
    { key: 'p99', label: 'Latency, 99th percentile', cells: ms.map((m) => formatMs(m.latencyMs.p99)) },
    { key: 'delivered', label: 'Delivered', cells: ms.map((m) => formatCount(m.delivered)) },
    { key: 'late', label: 'Delivered late', cells: ms.map((m) => formatCount(m.late)) },
    { key: 'lost', label: 'Lost', cells: ms.map((m) => formatCount(m.lost)) },
  ];
}
