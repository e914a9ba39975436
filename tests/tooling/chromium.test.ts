import { describe, expect, it } from 'vitest';
import { browserTestsWillRun, CHROMIUM_PATHS, findChromium } from '../e2e/chromium';

describe('findChromium', () => {
  it('takes CHROME_PATH first when it names a file', () => {
    expect(findChromium({ CHROME_PATH: process.execPath })).toBe(process.execPath);
  });

  it('falls back to the usual paths when CHROME_PATH names nothing', () => {
    const found = findChromium({ CHROME_PATH: '/nonexistent/chrome' });
    expect(found === null || (CHROMIUM_PATHS as readonly string[]).includes(found)).toBe(true);
  });
});

describe('browserTestsWillRun', () => {
  it('is true under CI=true even with no browser, so a missing one fails loudly', () => {
    expect(browserTestsWillRun({ CI: 'true', CHROME_PATH: process.execPath })).toBe(true);
    expect(browserTestsWillRun({ CI: 'true' })).toBe(true);
  });
});
