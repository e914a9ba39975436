/**
 * From one run's measured figures to what a teacher asks next: per message, and for a whole class
 * (1,000 students each holding the same conversation at the same rate). Pure arithmetic on the
 * measurement: nothing here is assumed beyond "every student costs what this one did".
 */
import { overheadOf, totalOf, type TransportMeasurement } from '../wire/compare.ts';

export interface PerMessage {
  /** Every byte both ways, per message delivered. */
  bytes: number;
  /** Headers and framing both ways, per message delivered. */
  overhead: number;
  /** HTTP requests per message delivered. */
  requests: number;
}

/**
 * What each message cost, per message delivered: when every message comes back, the same as per
 * message sent; when a transport cannot keep up (lost messages were never posted, so their
 * requests were never made), dividing by the messages sent would make it look cheaper the more
 * it loses.
 */
export function perMessage(m: TransportMeasurement): PerMessage {
  const n = Math.max(1, m.delivered);
  return {
    bytes: (totalOf(m.wire.up) + totalOf(m.wire.down)) / n,
    overhead: (overheadOf(m.wire.up) + overheadOf(m.wire.down)) / n,
    requests: m.wire.requests / n,
  };
}

export interface ClassCost {
  students: number;
  /** HTTP requests for everyone's whole conversation. */
  requests: number;
  /** Bits a second on the server's link while the conversations run, both ways. */
  bitsPerSecond: number;
  /** Of those, headers and framing. */
  overheadBitsPerSecond: number;
  /** Every byte of everyone's whole conversation. */
  totalBytes: number;
}

/** `students` each holding the measured conversation (`rate` messages a second), at the measured cost per message. */
export function classCost(m: TransportMeasurement, students: number, rate: number): ClassCost {
  const per = perMessage(m);
  const messages = students * m.messages;
  const messagesPerSecond = students * rate;
  return {
    students,
    requests: per.requests * messages,
    bitsPerSecond: per.bytes * 8 * messagesPerSecond,
    overheadBitsPerSecond: per.overhead * 8 * messagesPerSecond,
    totalBytes: per.bytes * messages,
  };
}

/** "1.2 KB", "3.4 MB", "12 B" (decimal units, as network links are sold). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** "850 kbit/s", "23 Mbit/s". */
export function formatBitRate(bits: number): string {
  if (bits < 1000) return `${Math.round(bits)} bit/s`;
  const units = ['kbit/s', 'Mbit/s', 'Gbit/s'];
  let value = bits / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** A whole number with thousands separators: 12,345. */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
