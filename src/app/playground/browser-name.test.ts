import { describe, expect, it } from 'vitest';
import { browserFromUserAgent } from './browser-name';

describe('browserFromUserAgent', () => {
  it('names the browsers of a classroom, with their major version', () => {
    // Debian's firefox-esr and chromium, as they report themselves here.
    expect(browserFromUserAgent('Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0')).toMatchObject({
      label: 'Firefox 153',
      engine: 'gecko',
    });
    const chromium = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36';
    expect(browserFromUserAgent(chromium)).toMatchObject({ label: 'Chromium 156', engine: 'chromium' });
    // Chrome and Chromium share the string; the Client Hints brands tell them apart.
    expect(browserFromUserAgent(chromium, [{ brand: 'Google Chrome', version: '156' }, { brand: 'Chromium', version: '156' }]).label).toBe('Chrome 156');
    expect(browserFromUserAgent(chromium, [{ brand: 'Chromium', version: '156' }]).label).toBe('Chromium 156');
    expect(browserFromUserAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36 Edg/140.0.3485.54').label).toBe('Edge 140');
    expect(browserFromUserAgent('Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1')).toMatchObject({
      label: 'Safari 18',
      engine: 'webkit',
    });
  });

  it('says "this browser" when the user agent names none it knows', () => {
    expect(browserFromUserAgent('')).toMatchObject({ label: 'this browser', version: null, engine: 'unknown' });
    expect(browserFromUserAgent('curl/8.5.0').label).toBe('this browser');
  });
});
