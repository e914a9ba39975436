import { describe, expect, it } from 'vitest';
import { checkSettings, conversationScript } from '../wire/compare';
import { EchoTracker } from './tracker';

const settings = (() => {
  const checked = checkSettings({ messages: 4, size: 10, largeMessages: 0, lateMs: 100 });
  if (!checked.ok) throw new Error('bad settings');
  return checked.settings;
})();

describe('EchoTracker', () => {
  it('counts delivered, late, lost, and the latency percentiles', () => {
    const script = conversationScript(settings);
    const tracker = new EchoTracker(script, settings.lateMs);
    script.forEach((m, i) => tracker.sent(m.seq, i * 10));
    expect(tracker.echoed(1, script[0]!.text, 5)).toBe('delivered'); // 5 ms
    expect(tracker.echoed(1, script[0]!.text, 6)).toBe('duplicate');
    expect(tracker.echoed(2, 'something else', 20)).toBe('corrupt');
    expect(tracker.echoed(3, script[2]!.text, 220)).toBe('delivered'); // 200 ms: late
    expect(tracker.echoed(99, 'x', 1)).toBe('unknown');
    expect(tracker.complete).toBe(false);
    expect(tracker.summary()).toEqual({ messages: 4, delivered: 2, lost: 2, late: 1, corrupt: 1, latencyMs: { p50: 5, p99: 200 } });
    expect(tracker.echoed(2, script[1]!.text, 30)).toBe('delivered');
    expect(tracker.echoed(4, script[3]!.text, 31)).toBe('delivered');
    expect(tracker.complete).toBe(true);
  });

  it('has no latency when nothing came back', () => {
    const tracker = new EchoTracker(conversationScript(settings), 100);
    tracker.sent(1, 0);
    expect(tracker.summary()).toMatchObject({ messages: 1, delivered: 0, lost: 1, latencyMs: { p50: null, p99: null } });
  });
});
