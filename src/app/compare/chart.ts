/**
 * The comparison's charts as data: each chart is rows of segments, scaled to the chart's largest
 * row. Pure, so the numbers drawn are the numbers measured (chart.test.ts), and the table beside
 * the charts says the same.
 */
import { formatBytes, formatCount } from '../../compare/cost';
import * as m from '../../paraglide/messages.js';
import { overheadOf, type TransportMeasurement } from '../../wire/compare';
import { transportLabel } from './labels';

export type SegmentKind = 'overhead' | 'payload' | 'requests' | 'p50' | 'p99' | 'late' | 'lost';

export interface Segment {
  kind: SegmentKind;
  value: number;
}

export interface BarRow {
  /** Unique in its chart. */
  key: string;
  /** The transport, and which bar of it ("up", "p99"). */
  label: string;
  segments: Segment[];
  /** The numbers as words, shown beside the bar. */
  text: string;
}

export interface Chart {
  rows: BarRow[];
  /** The largest row's total: a full-width bar. */
  max: number;
}

function chart(rows: BarRow[]): Chart {
  const max = Math.max(0, ...rows.map((row) => row.segments.reduce((sum, s) => sum + s.value, 0)));
  return { rows, max };
}

/** A segment's width in percent of the chart; a value too small to see still gets a sliver. */
export function widthPercent(value: number, max: number): number {
  if (max <= 0 || value <= 0) return 0;
  return Math.max(0.4, (value / max) * 100);
}

/** Bytes on the wire: per transport, one bar up and one down, overhead then payload. */
export function bytesChart(measurements: readonly TransportMeasurement[]): Chart {
  return chart(
    measurements.flatMap((t) =>
      (['up', 'down'] as const).map((direction) => {
        const bytes = t.wire[direction];
        const overhead = overheadOf(bytes);
        return {
          key: `${t.name}-${direction}`,
          label: direction === 'up' ? m.compare_bar_up({ transport: transportLabel(t.name) }) : m.compare_bar_down({ transport: transportLabel(t.name) }),
          segments: [
            { kind: 'overhead', value: overhead },
            { kind: 'payload', value: bytes.payload },
          ],
          text: m.compare_bar_bytes({ overhead: formatBytes(overhead), payload: formatBytes(bytes.payload) }),
        } satisfies BarRow;
      }),
    ),
  );
}

/** HTTP requests (a WebSocket makes one: its upgrade). */
export function requestsChart(measurements: readonly TransportMeasurement[]): Chart {
  return chart(
    measurements.map((t) => ({
      key: t.name,
      label: transportLabel(t.name),
      segments: [{ kind: 'requests', value: t.wire.requests }],
      text: m.compare_bar_requests({ count: t.wire.requests, shown: formatCount(t.wire.requests) }),
    })),
  );
}

export function formatMs(value: number | null): string {
  if (value === null) return m.compare_none();
  return value < 10 ? `${value.toFixed(1)} ms` : `${formatCount(value)} ms`;
}

/** Latency from send to echo: the median and the 99th percentile, a bar each. */
export function latencyChart(measurements: readonly TransportMeasurement[]): Chart {
  return chart(
    measurements.flatMap((t) =>
      (['p50', 'p99'] as const).map((kind) => ({
        key: `${t.name}-${kind}`,
        label: m.compare_bar_latency({ transport: transportLabel(t.name), which: kind === 'p50' ? m.compare_median() : m.compare_p99() }),
        segments: [{ kind, value: t.latencyMs[kind] ?? 0 }],
        text: formatMs(t.latencyMs[kind]),
      })),
    ),
  );
}

/** Messages that came back late, and those that never came back, out of those sent. */
export function deliveryChart(measurements: readonly TransportMeasurement[]): Chart {
  const rows = measurements.map((t) => ({
    key: t.name,
    label: transportLabel(t.name),
    segments: [
      { kind: 'late', value: t.late },
      { kind: 'lost', value: t.lost },
    ] satisfies Segment[],
    text: m.compare_bar_delivery({ late: formatCount(t.late), lost: formatCount(t.lost), total: formatCount(t.messages) }),
  }));
  // Scaled to the messages sent, so "none late" is an empty bar and "all late" a full one.
  return { rows, max: Math.max(1, ...measurements.map((m) => m.messages)) };
}
