import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS } from '../../wire/compare';
import type { RunEnvironment } from '../environment';
import { MessageSender } from './sender';
import type { ClientContext } from './types';

function context(fetch: RunEnvironment['fetch'], errors: string[]): ClientContext {
  const env: RunEnvironment = {
    origin: 'http://127.0.0.1:9',
    fetch,
    now: () => 0,
    openWebSocket: () => ({ send() {}, close() {} }),
    openEventSource: () => ({ close() {} }),
  };
  return { env, run: 'sender-test-run', settings: { ...DEFAULT_SETTINGS, rate: 20 }, echo() {}, error: (message) => errors.push(message) };
}

describe('MessageSender', () => {
  it('posts one message at a time, in order, each with its seq', async () => {
    const urls: string[] = [];
    const fetch = vi.fn((url: string | URL | Request) => {
      urls.push(String(url));
      return Promise.resolve(new Response(null, { status: 204 }));
    });
    const errors: string[] = [];
    const sender = new MessageSender(context(fetch as RunEnvironment['fetch'], errors), 'sse');
    for (let seq = 1; seq <= 3; seq++) sender.send(seq, `m${seq}`);
    expect(fetch).toHaveBeenCalledTimes(1); // the next waits for this one's answer
    await expect.poll(() => fetch.mock.calls.length).toBe(3);
    await sender.close();
    expect(urls.map((url) => new URL(url).searchParams.get('seq'))).toEqual(['1', '2', '3']);
    expect(errors).toEqual([]);
  });

  it('on close, drops the messages still waiting and says how many were never sent', async () => {
    let answer: () => void = () => {};
    const fetch = vi.fn(() => new Promise<Response>((resolve) => (answer = () => resolve(new Response(null, { status: 204 })))));
    const errors: string[] = [];
    const sender = new MessageSender(context(fetch as RunEnvironment['fetch'], errors), 'short-polling');
    for (let seq = 1; seq <= 3; seq++) sender.send(seq, `m${seq}`);
    const closing = sender.close();
    expect(errors).toEqual(['2 messages were never sent: one POST at a time did not keep up with 20 messages a second']);
    answer(); // the POST on its way is let finish
    await closing;
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});
