import { describe, expect, it } from 'vitest';
import { emptyWireCounts, type TransportMeasurement, type TransportName } from '../../wire/compare';
import { bytesChart, deliveryChart, latencyChart, requestsChart, widthPercent } from './chart';
import { tableRows } from './table';

function measured(name: TransportName, requests: number, upHeaders: number, downHeaders: number): TransportMeasurement {
  const wire = emptyWireCounts();
  wire.requests = requests;
  wire.up = { headers: upHeaders, framing: 0, payload: 2000 };
  wire.down = { headers: downHeaders, framing: 100, payload: 2000 };
  return { name, messages: 100, delivered: 99, lost: 1, late: 10, wire, latencyMs: { p50: 4.25, p99: 1234 }, durationMs: 5000, errors: [] };
}

const results = [measured('short-polling', 120, 60_000, 15_000), measured('websocket', 1, 500, 129)];

describe('the charts', () => {
  it('draws bytes as overhead then payload, per direction, scaled to the largest bar', () => {
    const chart = bytesChart(results);
    expect(chart.max).toBe(62_000);
    expect(chart.rows.map((r) => r.key)).toEqual(['short-polling-up', 'short-polling-down', 'websocket-up', 'websocket-down']);
    expect(chart.rows[1]).toEqual({
      key: 'short-polling-down',
      label: 'Short polling, down (to the page)',
      segments: [
        { kind: 'overhead', value: 15_100 },
        { kind: 'payload', value: 2000 },
      ],
      text: '15.1 kB overhead + 2.0 kB payload',
    });
  });

  it('draws requests, latency and delivery from the same numbers', () => {
    expect(requestsChart(results).rows.map((r) => r.text)).toEqual(['120 requests', '1 request']);
    expect(latencyChart(results).rows.map((r) => r.text)).toEqual(['4.3 ms', '1,234 ms', '4.3 ms', '1,234 ms']);
    const delivery = deliveryChart(results);
    expect(delivery.max).toBe(100);
    expect(delivery.rows[0]!.text).toBe('10 late, 1 lost of 100');
  });

  it('gives a tiny value a sliver and nothing none', () => {
    expect([widthPercent(0, 100), widthPercent(0.001, 100), widthPercent(50, 100), widthPercent(5, 0)]).toEqual([0, 0.4, 50, 0]);
  });
});

describe('the table', () => {
  it('has a row per figure and a column per transport, exact bytes', () => {
    const rows = tableRows(results);
    const byKey = Object.fromEntries(rows.map((r) => [r.key, r.cells]));
    expect(byKey['requests']).toEqual(['120', '1']);
    expect(byKey['up-headers']).toEqual(['60,000', '500']);
    expect(byKey['down-framing']).toEqual(['100', '100']);
    // Per message delivered: (60,000 + 15,100) / 99 and (500 + 229) / 99, rounded.
    expect(byKey['overhead-per-message']).toEqual(['759', '7']);
    expect(byKey['lost']).toEqual(['1', '1']);
  });
});
