/**
 * The comparison's charts as data: each chart is rows of segments, scaled to the chart's largest
 * row. Pure, so the numbers drawn are the numbers measured (chart.test.ts), and the table beside
 * the charts says the same.
 */
import { formatBytes, formatCount } from '../../compare/cost';
import { overheadOf, TRANSPORT_LABELS, type TransportMeasurement } from '../../wire/compare';

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
    measurements.flatMap((m) =>
      (['up', 'down'] as const).map((direction) => {
        const bytes = m.wire[direction];
        const overhead = overheadOf(bytes);
        return {
          key: `${m.name}-${direction}`,
          label: `${TRANSPORT_LABELS[m.name]}, ${direction === 'up' ? 'up (to the server)' : 'down (to the page)'}`,
          segments: [
            { kind: 'overhead', value: overhead },
            { kind: 'payload', value: bytes.payload },
          ],
          text: `${formatBytes(overhead)} overhead + ${formatBytes(bytes.payload)} payload`,
        } satisfies BarRow;
      }),
    ),
  );
}

/** HTTP requests (a WebSocket makes one: its upgrade). */
export function requestsChart(measurements: readonly TransportMeasurement[]): Chart {
  return chart(
    measurements.map((m) => ({
      key: m.name,
      label: TRANSPORT_LABELS[m.name],
      segments: [{ kind: 'requests', value: m.wire.requests }],
      text: `${formatCount(m.wire.requests)} ${m.wire.requests === 1 ? 'request' : 'requests'}`,
    })),
  );
}

export function formatMs(value: number | null): string {
  if (value === null) return 'none';
  return value < 10 ? `${value.toFixed(1)} ms` : `${formatCount(value)} ms`;
}

/** Latency from send to echo: the median and the 99th percentile, a bar each. */
export function latencyChart(measurements: readonly TransportMeasurement[]): Chart {
  return chart(
    measurements.flatMap((m) =>
      (['p50', 'p99'] as const).map((kind) => ({
        key: `${m.name}-${kind}`,
        label: `${TRANSPORT_LABELS[m.name]}, ${kind === 'p50' ? 'median' : '99th percentile'}`,
        segments: [{ kind, value: m.latencyMs[kind] ?? 0 }],
        text: formatMs(m.latencyMs[kind]),
      })),
    ),
  );
}

/** Messages that came back late, and those that never came back, out of those sent. */
export function deliveryChart(measurements: readonly TransportMeasurement[]): Chart {
  const rows = measurements.map((m) => ({
    key: m.name,
    label: TRANSPORT_LABELS[m.name],
    segments: [
      { kind: 'late', value: m.late },
      { kind: 'lost', value: m.lost },
    ] satisfies Segment[],
    text: `${formatCount(m.late)} late, ${formatCount(m.lost)} lost of ${formatCount(m.messages)}`,
  }));
  // Scaled to the messages sent, so "none late" is an empty bar and "all late" a full one.
  return { rows, max: Math.max(1, ...measurements.map((m) => m.messages)) };
}
