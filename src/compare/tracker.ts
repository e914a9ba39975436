/**
 * What one transport delivered: each message's send time, its echo's arrival, and from those the
 * counts and latencies the page and the CLI report. Pure (times are passed in).
 */
import { percentile, type ScriptedMessage } from '../wire/compare.ts';

export type EchoVerdict = 'delivered' | 'duplicate' | 'unknown' | 'corrupt';

export interface DeliverySummary {
  messages: number;
  delivered: number;
  lost: number;
  late: number;
  corrupt: number;
  latencyMs: { p50: number | null; p99: number | null };
}

export class EchoTracker {
  readonly #texts = new Map<number, string>();
  readonly #sentAt = new Map<number, number>();
  readonly #latencies: number[] = [];
  readonly #lateMs: number;
  #delivered = new Set<number>();
  #late = 0;
  #corrupt = 0;

  constructor(script: readonly ScriptedMessage[], lateMs: number) {
    for (const message of script) this.#texts.set(message.seq, message.text);
    this.#lateMs = lateMs;
  }

  /** Message `seq` was handed to the transport at `at` (ms). */
  sent(seq: number, at: number): void {
    this.#sentAt.set(seq, at);
  }

  /** The echo of `seq` arrived at `at` with `text`. */
  echoed(seq: number, text: string, at: number): EchoVerdict {
    const sentAt = this.#sentAt.get(seq);
    if (sentAt === undefined) return 'unknown';
    if (this.#delivered.has(seq)) return 'duplicate';
    if (text !== this.#texts.get(seq)) {
      this.#corrupt++;
      return 'corrupt';
    }
    this.#delivered.add(seq);
    const latency = at - sentAt;
    this.#latencies.push(latency);
    if (latency > this.#lateMs) this.#late++;
    return 'delivered';
  }

  get sentCount(): number {
    return this.#sentAt.size;
  }

  get deliveredCount(): number {
    return this.#delivered.size;
  }

  /** Every message of the script was sent and came back. */
  get complete(): boolean {
    return this.#delivered.size === this.#texts.size;
  }

  summary(): DeliverySummary {
    const messages = this.#sentAt.size;
    const delivered = this.#delivered.size;
    const round = (value: number | null): number | null => (value === null ? null : Math.round(value * 10) / 10);
    return {
      messages,
      delivered,
      lost: messages - delivered,
      late: this.#late,
      corrupt: this.#corrupt,
      latencyMs: { p50: round(percentile(this.#latencies, 50)), p99: round(percentile(this.#latencies, 99)) },
    };
  }
}
