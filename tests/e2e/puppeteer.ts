/**
 * Firefox (and Chromium, for comparing the two) driven by puppeteer-core: Firefox over WebDriver
 * BiDi, Chromium over CDP. playwright-core cannot drive a stock Firefox; puppeteer can drive
 * Debian's firefox-esr as installed.
 *
 *   describePuppeteer('firefox: the decoder', 'firefox', (suite) => {
 *     it('…', async () => {
 *       const { page, errors } = await suite.open(url);
 *     });
 *   });
 *
 * One browser per describe (Firefox takes seconds to start); a fresh browser context per page.
 */
import puppeteer, { type Browser, type BrowserContext, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { CHROMIUM_ARGS, findChromium, MISSING } from './chromium';
import { findFirefox, FIREFOX_MISSING } from './firefox';

export type BrowserKind = 'firefox' | 'chromium';

export const VIEWPORT = { width: 1280, height: 720 } as const;

export interface PuppeteerPage {
  page: Page;
  errors: string[];
}

export interface PuppeteerSuite {
  readonly kind: BrowserKind;
  readonly browser: Browser;
  /** A new page at 1280x720 in its own browser context, recording its errors. */
  newPage(): Promise<PuppeteerPage>;
  open(url: string): Promise<PuppeteerPage>;
}

function find(kind: BrowserKind): string | null {
  return kind === 'firefox' ? findFirefox() : findChromium();
}

export async function launch(kind: BrowserKind, executablePath: string): Promise<Browser> {
  if (kind === 'firefox') {
    return puppeteer.launch({ browser: 'firefox', executablePath, headless: true });
  }
  return puppeteer.launch({ browser: 'chrome', executablePath, headless: true, args: [...CHROMIUM_ARGS] });
}

/** `describe` with a browser; a missing one skips loudly, or fails under CI=true (as browser.ts does). */
export function describePuppeteer(name: string, kinds: BrowserKind | readonly BrowserKind[], fn: (suites: Record<BrowserKind, PuppeteerSuite>) => void): void {
  const wanted = typeof kinds === 'string' ? [kinds] : kinds;
  const missing = wanted.filter((kind) => find(kind) === null);
  if (missing.length > 0) {
    const why = missing.map((kind) => (kind === 'firefox' ? FIREFOX_MISSING : MISSING)).join('; ');
    if (process.env['CI'] === 'true') {
      describe(name, () => {
        it(`has ${missing.join(' and ')} to run in`, () => {
          throw new Error(`BROWSER TESTS CANNOT RUN under CI: ${why}`);
        });
      });
    } else {
      warnSkipped(name, why);
      describe.skip(name, () => fn({} as Record<BrowserKind, PuppeteerSuite>));
    }
    return;
  }

  describe(name, () => {
    const browsers = new Map<BrowserKind, Browser>();
    beforeAll(async () => {
      await Promise.all(wanted.map(async (kind) => browsers.set(kind, await launch(kind, find(kind)!))));
    });
    afterAll(async () => {
      await Promise.all([...browsers.values()].map((browser) => browser.close().catch(() => {})));
    });
    const suites = {} as Record<BrowserKind, PuppeteerSuite>;
    for (const kind of wanted) {
      const suite: PuppeteerSuite = {
        kind,
        get browser() {
          const browser = browsers.get(kind);
          if (!browser) throw new Error('the browser starts in beforeAll: use it inside a test or hook');
          return browser;
        },
        async newPage() {
          const context: BrowserContext = await suite.browser.createBrowserContext();
          const page = await context.newPage();
          await page.setViewport(VIEWPORT);
          const errors: string[] = [];
          page.on('pageerror', (error) => errors.push(`pageerror: ${error instanceof Error ? error.message : String(error)}`));
          page.on('console', (message) => {
            if (message.type() === 'error') errors.push(`console.error: ${message.text()}`);
          });
          page.on('close', () => void context.close().catch(() => {}));
          return { page, errors };
        },
        async open(url) {
          const opened = await suite.newPage();
          await opened.page.goto(url);
          return opened;
        },
      };
      suites[kind] = suite;
    }
    fn(suites);
  });
}

/** Waits until `fn` (run in the page) returns a truthy value, and returns it. */
export async function until<T>(page: Page, fn: () => T, timeout = 15_000): Promise<T> {
  const handle = await page.waitForFunction(fn, { timeout, polling: 50 });
  return (await handle.jsonValue()) as T;
}

function warnSkipped(name: string, why: string): void {
  const lines = [`BROWSER TESTS SKIPPED: ${why}`, `suite: ${name}`];
  const width = Math.max(...lines.map((line) => line.length)) + 4;
  const bar = '#'.repeat(width);
  const body = lines.map((line) => `# ${line.padEnd(width - 4)} #`);
  process.stderr.write(`\n${[bar, ...body, bar].join('\n')}\n\n`);
}
