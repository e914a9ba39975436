/**
 * Chromium for the e2e tests, driven by playwright-core (no browser download: Debian's chromium).
 *
 *   import { expect, it } from 'vitest';
 *   import { useBuiltApp } from './app';
 *   import { describeBrowser } from './browser';
 *
 *   describeBrowser('the decoder page', (suite) => {
 *     const app = useBuiltApp(); // the static build, served on 127.0.0.1 for this describe
 *     it('shows its heading', async () => {
 *       const { page, errors } = await suite.open(app.url('#/decode'));
 *       await page.getByRole('heading', { level: 1, name: 'Decoder' }).waitFor();
 *       expect(errors).toEqual([]);
 *     });
 *   });
 */
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { CHROMIUM_ARGS, findChromium, MISSING } from './chromium';

export { CHROMIUM_ARGS, CHROMIUM_PATHS, findChromium } from './chromium';

/** The projector the app is designed for. */
export const VIEWPORT = { width: 1280, height: 720 } as const;

/** Headless Chromium with the flags a container and a quiet network need. */
export async function launchBrowser(executablePath: string | null = findChromium()): Promise<Browser> {
  if (!executablePath) throw new Error(`Cannot launch a browser: ${MISSING}`);
  return chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS] });
}

/** A page plus what went wrong in it: uncaught exceptions and console errors. */
export interface OpenedPage {
  page: Page;
  errors: string[];
}

export interface BrowserSuite {
  /** The suite's browser; launched before the suite's first test, closed after its last. */
  readonly browser: Browser;
  /** A new page at 1280x720 in its own context (cookies, storage), recording its errors. */
  newPage(options?: BrowserContextOptions): Promise<OpenedPage>;
  /** `newPage()` then `page.goto(url)`. */
  open(url: string, options?: BrowserContextOptions): Promise<OpenedPage>;
}

/**
 * `describe` for tests that need Chromium. With no Chromium: a loud warning and a skipped suite
 * on a developer's machine, a failing test under CI=true (CI must never pass by skipping).
 */
export function describeBrowser(name: string, fn: (suite: BrowserSuite) => void): void {
  const executablePath = findChromium();
  if (!executablePath) {
    if (process.env['CI'] === 'true') {
      describe(name, () => {
        it('has a Chromium to run in', () => {
          throw new Error(`BROWSER TESTS CANNOT RUN under CI: ${MISSING}`);
        });
      });
    } else {
      warnSkipped(name);
      describe.skip(name, () => fn(unavailableSuite));
    }
    return;
  }

  describe(name, () => {
    let browser: Browser | undefined;
    beforeAll(async () => {
      browser = await launchBrowser(executablePath);
    });
    afterAll(async () => {
      await browser?.close();
    });

    const suite: BrowserSuite = {
      get browser() {
        if (!browser) throw new Error('the browser starts in beforeAll: use it inside a test or hook');
        return browser;
      },
      async newPage(options = {}) {
        // English unless a test asks for another language (the page follows the browser's).
        const context = await suite.browser.newContext({ viewport: VIEWPORT, locale: 'en-US', ...options });
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
        page.on('console', (message) => {
          if (message.type() === 'error') errors.push(`console.error: ${message.text()}`);
        });
        page.on('close', () => void context.close().catch(() => {}));
        return { page, errors };
      },
      async open(url, options) {
        const opened = await suite.newPage(options);
        await opened.page.goto(url);
        return opened;
      },
    };
    fn(suite);
  });
}

const unavailableSuite: BrowserSuite = {
  get browser(): Browser {
    throw new Error(MISSING);
  },
  newPage: () => Promise.reject(new Error(MISSING)),
  open: () => Promise.reject(new Error(MISSING)),
};

function warnSkipped(name: string): void {
  const lines = [`BROWSER TESTS SKIPPED: ${MISSING}`, `suite: ${name}`];
  const width = Math.max(...lines.map((line) => line.length)) + 4;
  const bar = '#'.repeat(width);
  const body = lines.map((line) => `# ${line.padEnd(width - 4)} #`);
  process.stderr.write(`\n${[bar, ...body, bar].join('\n')}\n\n`);
}
