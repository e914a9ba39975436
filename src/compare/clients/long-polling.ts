/**
 * Long polling: a GET that the server holds until there are echoes after the last one received
 * (or until its hold time, answered empty); the next GET goes out as soon as the answer is in.
 */
import { COMPARE_PATHS, type PollResponse } from '../../wire/compare.ts';
import { MessageSender } from './sender.ts';
import { describeError, endpointUrl, sleep, type ClientContext, type TransportClient } from './types.ts';

export function longPollingClient(ctx: ClientContext): TransportClient {
  const sender = new MessageSender(ctx, 'long-polling');
  const controller = new AbortController();
  let last = 0;
  let closed = false;
  const path = COMPARE_PATHS.poll('long-polling');

  const loop = async (): Promise<void> => {
    while (!closed) {
      try {
        const response = await ctx.env.fetch(endpointUrl(ctx, path, { after: last }), { cache: 'no-store', signal: controller.signal });
        if (!response.ok) {
          ctx.error(`GET ${path} got ${response.status}: ${(await response.text()).trim()}`);
          await sleep(1000);
          continue;
        }
        const body = (await response.json()) as PollResponse;
        for (const item of body.messages) {
          if (item.seq > last) last = item.seq;
          ctx.echo(item.seq, item.text);
        }
      } catch (error) {
        if (closed) return;
        ctx.error(`GET ${path} failed: ${describeError(error)}`);
        await sleep(500);
      }
    }
  };
  const running = loop();

  return {
    ready: Promise.resolve(),
    send: (seq, text) => sender.send(seq, text),
    async close() {
      await sender.close();
      closed = true;
      // The poll being held is let go: the server sees its client leave and frees the slot.
      controller.abort();
      await running;
    },
  };
}
