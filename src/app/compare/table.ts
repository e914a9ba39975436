/**
 * The comparison's numbers as a table: a row per figure, a column per transport (so four narrow
 * columns fit a phone). The charts' equivalent for a screen reader, and the exact bytes. Pure.
 */
import { formatCount } from '../../compare/cost';
import { perMessage } from '../../compare/cost';
import * as m from '../../paraglide/messages.js';
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

function direction(name: 'up' | 'down', pick: (t: TransportMeasurement) => WireBytes, ms: readonly TransportMeasurement[]): TableRow[] {
  const up = name === 'up';
  return [
    { key: `${name}-headers`, label: up ? m.compare_row_up_headers() : m.compare_row_down_headers(), note: m.compare_note_headers(), cells: ms.map((t) => bytes(pick(t).headers)) },
    { key: `${name}-framing`, label: up ? m.compare_row_up_framing() : m.compare_row_down_framing(), note: m.compare_note_framing(), cells: ms.map((t) => bytes(pick(t).framing)) },
    { key: `${name}-payload`, label: up ? m.compare_row_up_payload() : m.compare_row_down_payload(), note: m.compare_note_payload(), cells: ms.map((t) => bytes(pick(t).payload)) },
  ];
}

export function tableRows(ms: readonly TransportMeasurement[]): TableRow[] {
  return [
    { key: 'messages', label: m.compare_row_messages(), cells: ms.map((t) => formatCount(t.messages)) },
    { key: 'requests', label: m.compare_row_requests(), cells: ms.map((t) => formatCount(t.wire.requests)) },
    ...direction('up', (t) => t.wire.up, ms),
    ...direction('down', (t) => t.wire.down, ms),
    { key: 'overhead-per-message', label: m.compare_row_overhead(), note: m.compare_note_overhead(), cells: ms.map((t) => bytes(Math.round(perMessage(t).overhead))) },
    { key: 'p50', label: m.compare_row_p50(), note: m.compare_note_p50(), cells: ms.map((t) => formatMs(t.latencyMs.p50)) },
    { key: 'p99', label: m.compare_row_p99(), cells: ms.map((t) => formatMs(t.latencyMs.p99)) },
    { key: 'delivered', label: m.compare_row_delivered(), cells: ms.map((t) => formatCount(t.delivered)) },
    { key: 'late', label: m.compare_row_late(), cells: ms.map((t) => formatCount(t.late)) },
    { key: 'lost', label: m.compare_row_lost(), cells: ms.map((t) => formatCount(t.lost)) },
  ];
}
