import { describe, expect, it } from 'vitest';
import { FakeSocket } from './fake-socket';
import { describeClose, openSocket, readyStateName, type CloseSummary } from './socket';

describe('readyState and close words', () => {
  it('names readyState values as the WebSocket API does', () => {
    expect([0, 1, 2, 3, null].map(readyStateName)).toEqual(['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED', 'none']);
  });

  it('names close codes from the IANA registry, with the reason after a colon', () => {
    expect(describeClose(1006, '')).toBe('1006 Abnormal Closure');
    expect(describeClose(1001, 'bye')).toBe('1001 Going Away: bye');
    expect(describeClose(1008, 'too many errors')).toBe('1008 Policy Violation: too many errors');
  });
});

describe('openSocket', () => {
  it('opens with binaryType arraybuffer and hands each event to its handler, typed', () => {
    const seen: unknown[] = [];
    let made: FakeSocket | undefined;
    const opened = openSocket(
      'ws://127.0.0.1:1/echo',
      {
        open: (socket) => seen.push(['open', socket.readyState]),
        message: (data) => seen.push(['message', data]),
        error: () => seen.push(['error']),
        close: (close: CloseSummary) => seen.push(['close', close]),
      },
      (url) => (made = new FakeSocket(url)),
    );
    expect(opened.ok).toBe(true);
    expect(made?.url).toBe('ws://127.0.0.1:1/echo');
    expect(made?.binaryType).toBe('arraybuffer');
    made!.open();
    made!.receive('hi');
    const buffer = new Uint8Array([1, 2]).buffer;
    made!.receive(buffer);
    made!.fail();
    expect(seen).toEqual([
      ['open', 1],
      ['message', 'hi'],
      ['message', buffer],
      ['error'],
      ['close', { code: 1006, reason: '', wasClean: false }],
    ]);
  });

  it('stops calling the handlers after detach', () => {
    const seen: string[] = [];
    let made: FakeSocket | undefined;
    const opened = openSocket('ws://x/', { message: (data) => seen.push(data as string) }, (url) => (made = new FakeSocket(url)));
    made!.open();
    made!.receive('before');
    if (opened.ok) opened.detach();
    made!.receive('after');
    expect(seen).toEqual(['before']);
  });

  it('returns the constructor’s exception as a message', () => {
    const opened = openSocket('http://x/', {}, () => {
      throw new SyntaxError("The URL's scheme must be either 'ws' or 'wss'.");
    });
    expect(opened).toEqual({ ok: false, message: "The URL's scheme must be either 'ws' or 'wss'." });
  });
});
