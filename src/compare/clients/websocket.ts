/**
 * WebSocket: one connection, each message a frame up and its echo a frame down. The echoes come
 * back in the order sent (one TCP stream, one server loop), so the nth echo is the nth message.
 */
import { COMPARE_PATHS } from '../../wire/compare.ts';
import { endpointUrl, type ClientContext, type TransportClient } from './types.ts';

const CLOSE_WAIT_MS = 3000;

export function webSocketClient(ctx: ClientContext): TransportClient {
  const pending: number[] = [];
  let settle: { resolve(): void; reject(error: Error): void } | null = null;
  let closed: () => void = () => {};
  const whenClosed = new Promise<void>((resolve) => {
    closed = resolve;
  });
  const ready = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  let open = false;
  const url = endpointUrl(ctx, COMPARE_PATHS.websocket).replace(/^http/, 'ws');
  const socket = ctx.env.openWebSocket(url, {
    open() {
      open = true;
      settle?.resolve();
    },
    message(text) {
      const seq = pending.shift();
      if (seq === undefined) ctx.error('an echo arrived for no message');
      else ctx.echo(seq, text);
    },
    error(reason) {
      ctx.error(`WebSocket: ${reason}`);
    },
    close(code, reason) {
      if (!open) settle?.reject(new Error(`the WebSocket did not open (close ${code}${reason ? ` ${reason}` : ''})`));
      else if (code !== 1000) ctx.error(`the WebSocket closed with ${code}${reason ? ` ${reason}` : ''}`);
      closed();
    },
  });

  return {
    ready,
    send(seq, text) {
      pending.push(seq);
      socket.send(text);
    },
    async close() {
      socket.close(1000, 'done');
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([whenClosed, new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)))]);
      clearTimeout(timer);
    },
  };
}
