import { describe, expect, it } from 'vitest';
import { defaultName, fileName, serverAddress } from './files';

describe('capture files', () => {
  it('names a file after the capture: letters, digits and dashes', () => {
    expect(fileName('Lesson 3: fragments', 'json')).toBe('lesson-3-fragments.json');
    expect(fileName('Überraschung — ping/pong', 'pcapng')).toBe('uberraschung-ping-pong.pcapng');
    expect(fileName('   ', 'json')).toBe('framescope-capture.json');
    expect(fileName('<script>', 'pcapng')).toBe('script.pcapng');
  });

  it('names a capture by what made it and when', () => {
    expect(defaultName('Playground', new Date(2026, 11, 8, 9, 5))).toBe('Playground, 2026-12-08 09:05');
  });

  it('gives the server\u2019s address only when the page\u2019s host is an IP address', () => {
    expect(serverAddress('127.0.0.1:8008')).toBe('127.0.0.1:8008');
    expect(serverAddress('[::1]:5173')).toBe('[::1]:5173');
    expect(serverAddress('192.168.1.20')).toBe('192.168.1.20:80');
    expect(serverAddress('localhost:5173')).toBeNull();
    expect(serverAddress('teacher.local')).toBeNull();
  });
});
