/**
 * Which browser this is, in words for a sentence ("Firefox 153", "Chromium 156"), from its user
 * agent string (and, where the browser offers them, its User-Agent Client Hints brands).
 */
import * as m from '../../paraglide/messages.js';

export interface BrowserName {
  /** "Firefox", "Chromium", "Chrome", "Edge", "Opera", "Safari", or "this browser". */
  name: string;
  /** The major version, or null when the user agent does not say. */
  version: string | null;
  /** `name` and `version` together: "Firefox 153". */
  label: string;
  /** The engine family, for comparing browsers: 'gecko', 'chromium', 'webkit' or 'unknown'. */
  engine: 'gecko' | 'chromium' | 'webkit' | 'unknown';
}

function named(name: string, version: string | null, engine: BrowserName['engine']): BrowserName {
  return { name, version, label: version ? `${name} ${version}` : name, engine };
}

/** A browser the user agent does not name: "this browser", said in the page's language when read. */
function unnamed(): BrowserName {
  return {
    get name() {
      return m.frame_browser_this();
    },
    get label() {
      return m.frame_browser_this();
    },
    version: null,
    engine: 'unknown',
  };
}

/**
 * `brands`: `navigator.userAgentData.brands` where present (Chromium-based browsers). Chrome and
 * Chromium send the same user agent string ("Chrome/156.0.0.0"); only the brands tell them apart.
 */
export function browserFromUserAgent(userAgent: string, brands: readonly { brand: string; version: string }[] = []): BrowserName {
  const major = (pattern: RegExp): string | null => pattern.exec(userAgent)?.[1] ?? null;
  const firefox = major(/\bFirefox\/(\d+)/);
  if (firefox) return named('Firefox', firefox, 'gecko');
  const edge = major(/\bEdg(?:e|A|iOS)?\/(\d+)/);
  if (edge) return named('Edge', edge, 'chromium');
  const opera = major(/\bOPR\/(\d+)/);
  if (opera) return named('Opera', opera, 'chromium');
  const chrome = major(/\b(?:Headless)?Chrome\/(\d+)/);
  if (chrome) {
    const brand = (name: RegExp): boolean => brands.some((b) => name.test(b.brand));
    return named(brand(/^Google Chrome$/) ? 'Chrome' : brand(/^Chromium$/) || brands.length === 0 ? 'Chromium' : 'Chrome', chrome, 'chromium');
  }
  const safari = /\bSafari\//.test(userAgent) ? major(/\bVersion\/(\d+)/) : null;
  if (safari) return named('Safari', safari, 'webkit');
  return unnamed();
}

/** This page's browser (`navigator`), or "this browser" outside one. */
export function currentBrowser(): BrowserName {
  if (typeof navigator === 'undefined') return browserFromUserAgent('');
  const data = (navigator as Navigator & { userAgentData?: { brands?: { brand: string; version: string }[] } }).userAgentData;
  return browserFromUserAgent(navigator.userAgent, data?.brands ?? []);
}
