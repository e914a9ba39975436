// Where e2e screenshots go. A test run writes them to test-results/screenshots/ (to look at,
// never committed); `npm run screenshots` writes README's pictures into docs/screenshots/.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const target = process.env['FRAMESCOPE_SCREENSHOTS'] === 'docs' ? '../../docs/screenshots/' : '../../test-results/screenshots/';

/** The folder (with a trailing slash), created on first use. */
export const screenshotDir: string = fileURLToPath(new URL(target, import.meta.url));
mkdirSync(screenshotDir, { recursive: true });
