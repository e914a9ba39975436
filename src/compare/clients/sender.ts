/**
 * Messages up over HTTP, for the three HTTP transports: one POST per message, one at a time, so
 * they reach the server in the order they were sent (a chat that keeps order must wait, or
 * number and reorder; this one waits, and the wait counts in the latency). A POST that fails or
 * is told to wait (503) is tried again a few times; a seq the server already has is answered 204
 * again, so a retry never doubles a message.
 */
import { COMPARE_PATHS, type HttpTransportName } from '../../wire/compare.ts';
import { formatCount } from '../cost.ts';
import { describeError, endpointUrl, sleep, type ClientContext } from './types.ts';

const ATTEMPTS = 5;

export class MessageSender {
  readonly #ctx: ClientContext;
  readonly #transport: HttpTransportName;
  readonly #queue: { seq: number; text: string }[] = [];
  #running: Promise<void> | null = null;

  constructor(ctx: ClientContext, transport: HttpTransportName) {
    this.#ctx = ctx;
    this.#transport = transport;
  }

  send(seq: number, text: string): void {
    this.#queue.push({ seq, text });
    this.#running ??= this.#drain().finally(() => {
      this.#running = null;
    });
  }

  /**
   * Stop: messages still waiting their turn are never sent (the run's time is up: they count as
   * lost), the POST on its way is let finish. Settles when it has.
   */
  close(): Promise<void> {
    const unsent = this.#queue.length;
    if (unsent > 0) {
      this.#ctx.error(`${formatCount(unsent)} messages were never sent: one POST at a time did not keep up with ${this.#ctx.settings.rate} messages a second`);
    }
    this.#queue.length = 0;
    return this.#running ?? Promise.resolve();
  }

  async #drain(): Promise<void> {
    for (let next = this.#queue.shift(); next !== undefined; next = this.#queue.shift()) await this.#post(next.seq, next.text);
  }

  async #post(seq: number, text: string): Promise<void> {
    const url = endpointUrl(this.#ctx, COMPARE_PATHS.send(this.#transport), { seq });
    let problem = '';
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        const response = await this.#ctx.env.fetch(url, { method: 'POST', body: text, cache: 'no-store' });
        const reason = (await response.text()).trim();
        if (response.ok) return;
        problem = `POST ${COMPARE_PATHS.send(this.#transport)} got ${response.status}: ${reason}`;
        if (response.status !== 503) break;
        await sleep(1000 * Math.min(5, Number(response.headers.get('retry-after')) || 1));
      } catch (error) {
        problem = `POST ${COMPARE_PATHS.send(this.#transport)} failed: ${describeError(error)}`;
        await sleep(250);
      }
    }
    this.#ctx.error(`message ${seq} not sent: ${problem}`);
  }
}
