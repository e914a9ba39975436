import { describe, expect, it } from 'vitest';
import {
  appendEntries,
  formatTime,
  messageEntry,
  newHistory,
  noticeEntry,
  presenceEntry,
  presenceText,
  privateEntry,
  privateLabel,
} from './log';

const message = { type: 'message' as const, id: 1, from: 'Alice', colour: '#b42318', text: 'hi', time: '2025-01-01T12:34:56.000Z' };
const priv = { ...message, type: 'private' as const, to: 'Bob', toColour: '#0b5cad' };

describe('log entries', () => {
  it('marks your own messages and private direction', () => {
    expect(messageEntry(message, 'Alice').mine).toBe(true);
    expect(messageEntry(message, 'Bob').mine).toBe(false);
    expect(messageEntry(message, null).mine).toBe(false);
    expect(privateLabel(privateEntry(priv, 'Alice'))).toBe('Private to Bob');
    expect(privateLabel(privateEntry(priv, 'Bob'))).toBe('Private to you');
    expect(privateLabel(privateEntry({ ...priv, to: 'Alice' }, 'Alice'))).toBe('Private note to yourself');
  });

  it('words join and leave lines', () => {
    const join = { type: 'join' as const, name: 'Bob', colour: '', time: '', users: [] };
    expect(presenceText(presenceEntry(join, 'Alice'))).toBe('Bob joined');
    expect(presenceText(presenceEntry(join, 'Bob'))).toBe('You joined as Bob');
    expect(presenceText(presenceEntry({ ...join, type: 'leave' }, 'Alice'))).toBe('Bob left');
  });

  it('gives every entry its own key', () => {
    const keys = new Set([messageEntry(message, null), messageEntry(message, null), noticeEntry(() => 'x', 'info', '')].map((e) => e.key));
    expect(keys.size).toBe(3);
  });

  it('keeps the newest entries up to the capacity', () => {
    const list = Array.from({ length: 5 }, (_, i) => noticeEntry(() => `n${i}`, 'info', ''));
    const next = appendEntries(list, [noticeEntry(() => 'new', 'info', '')], 4);
    expect(next.map((entry) => entry.kind === 'notice' && entry.text)).toEqual(['n2', 'n3', 'n4', 'new']);
  });

  it('drops history messages the log already has', () => {
    const list = [messageEntry(message, null)];
    expect(newHistory(list, [message, { ...message, id: 2 }])).toEqual([{ ...message, id: 2 }]);
    // A restarted server numbers from 1 again, at another time: not the same message.
    expect(newHistory(list, [{ ...message, time: '2025-01-02T00:00:00.000Z' }])).toHaveLength(1);
  });

  it('formats times and tolerates a missing one', () => {
    expect(formatTime(message.time, 'UTC')).toMatch(/12.34/);
    expect(formatTime('')).toBe('');
    expect(formatTime('not a time')).toBe('');
  });
});
