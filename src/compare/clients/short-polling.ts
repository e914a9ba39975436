/**
 * Short polling: a GET every `pollIntervalMs` asking for the echoes after the last one received,
 * whether or not there are any (a tick is skipped while the previous poll is still out).
 */
import { COMPARE_PATHS, type PollResponse } from '../../wire/compare.ts';
import { MessageSender } from './sender.ts';
import { describeError, endpointUrl, type ClientContext, type TransportClient } from './types.ts';

export function shortPollingClient(ctx: ClientContext): TransportClient {
  const sender = new MessageSender(ctx, 'short-polling');
  let last = 0;
  let inFlight: Promise<void> | null = null;

  const poll = async (): Promise<void> => {
    try {
      const response = await ctx.env.fetch(endpointUrl(ctx, COMPARE_PATHS.poll('short-polling'), { after: last }), { cache: 'no-store' });
      if (!response.ok) {
        ctx.error(`GET ${COMPARE_PATHS.poll('short-polling')} got ${response.status}: ${(await response.text()).trim()}`);
        return;
      }
      const body = (await response.json()) as PollResponse;
      for (const item of body.messages) {
        if (item.seq > last) last = item.seq;
        ctx.echo(item.seq, item.text);
      }
    } catch (error) {
      ctx.error(`GET ${COMPARE_PATHS.poll('short-polling')} failed: ${describeError(error)}`);
    }
  };
  const tick = (): void => {
    inFlight ??= poll().finally(() => {
      inFlight = null;
    });
  };
  tick();
  const timer = setInterval(tick, ctx.settings.pollIntervalMs);

  return {
    ready: Promise.resolve(),
    send: (seq, text) => sender.send(seq, text),
    async close() {
      clearInterval(timer);
      await sender.close();
      await inFlight;
    },
  };
}
