/**
 * Keepalive's clocks (server/connection/keepalive.ts) on fake timers: a ping every interval, a
 * peer dropped when the next ping comes with the last one unanswered, the idle timeout measured
 * from the last byte received. (tests/server/lifecycle.test.ts checks the same on real sockets.)
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Keepalive, type KeepaliveHost } from '../../server/connection/keepalive';

function host(): KeepaliveHost & { log: string[]; isOpenNow: boolean } {
  const h = {
    log: [] as string[],
    isOpenNow: true,
    isOpen: () => h.isOpenNow,
    ping: () => void h.log.push('ping'),
    noPong: (ms: number) => void h.log.push(`no pong ${ms}`),
    idle: (ms: number) => void h.log.push(`idle ${ms}`),
  };
  return h;
}

describe('Keepalive', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());
  const now = (): number => Date.now();

  it('pings every interval while answered; gives up at the next ping after one went unanswered', () => {
    const h = host();
    const k = new Keepalive(h, { pingInterval: 1000, idleTimeout: 0, now });
    k.start();
    vi.advanceTimersByTime(999);
    expect(h.log).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(h.log).toEqual(['ping']);
    k.pong();
    vi.advanceTimersByTime(1000);
    expect(h.log).toEqual(['ping', 'ping']);
    vi.advanceTimersByTime(1000); // the second ping was not answered
    expect(h.log).toEqual(['ping', 'ping', 'no pong 1000']);
    k.stop();
    vi.advanceTimersByTime(10_000);
    expect(h.log).toHaveLength(3);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('an unsolicited pong counts as an answer (RFC 6455 §5.5.3 allows one)', () => {
    const h = host();
    const k = new Keepalive(h, { pingInterval: 1000, idleTimeout: 0, now });
    k.start();
    vi.advanceTimersByTime(1000);
    vi.advanceTimersByTime(500);
    k.pong();
    vi.advanceTimersByTime(500);
    expect(h.log).toEqual(['ping', 'ping']);
  });

  it('idle: measured from the last byte received, not from the start', () => {
    const h = host();
    const k = new Keepalive(h, { pingInterval: 0, idleTimeout: 1000, now });
    k.start();
    vi.advanceTimersByTime(600);
    k.received();
    vi.advanceTimersByTime(600); // 1200 since start, 600 since the last byte
    expect(h.log).toEqual([]);
    vi.advanceTimersByTime(400);
    expect(h.log).toEqual(['idle 1000']);
  });

  it('nothing is sent or decided while the connection is not open; 0 turns each clock off', () => {
    const h = host();
    h.isOpenNow = false;
    const k = new Keepalive(h, { pingInterval: 100, idleTimeout: 100, now });
    k.start();
    vi.advanceTimersByTime(1000);
    expect(h.log).toEqual([]);
    k.stop();
    const off = new Keepalive(host(), { pingInterval: 0, idleTimeout: 0, now });
    off.start();
    expect(vi.getTimerCount()).toBe(0);
  });
});
