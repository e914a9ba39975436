/**
 * Server-Sent Events: one event stream down (EventSource in the browser), each message up in a
 * POST. The stream's event IDs are the seqs, so a reconnecting stream resumes where it stopped.
 */
import { COMPARE_PATHS } from '../../wire/compare.ts';
import { MessageSender } from './sender.ts';
import { endpointUrl, type ClientContext, type TransportClient } from './types.ts';

export function sseClient(ctx: ClientContext): TransportClient {
  const sender = new MessageSender(ctx, 'sse');
  let opened = false;
  let settle: { resolve(): void; reject(error: Error): void } | null = null;
  const ready = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const stream = ctx.env.openEventSource(endpointUrl(ctx, COMPARE_PATHS.events), {
    open() {
      opened = true;
      settle?.resolve();
    },
    message(data, lastEventId) {
      ctx.echo(Number(lastEventId), data);
    },
    error(reason, fatal) {
      ctx.error(`event stream: ${reason}`);
      if (fatal || !opened) settle?.reject(new Error(`the event stream did not open: ${reason}`));
    },
  });

  return {
    ready,
    send: (seq, text) => sender.send(seq, text),
    async close() {
      await sender.close();
      stream.close();
    },
  };
}
