/**
 * Where the page's sockets go: its own server (`socketBase`), and the session token that ties a
 * tab's connections (`/echo?session=`, `/chat?session=`) to its inspector tap
 * (`/inspect?session=`), so the tap shows the tab its own connections only.
 */

/**
 * A random token, 16 bytes (128 bits) from Web Crypto as base64url: 22 characters from
 * `A-Z a-z 0-9 - _`, inside what the server accepts (1 to 128 of `A-Z a-z 0-9 . _ ~ -`,
 * docs/inspector.md) and safe in a URL query as it is.
 */
export function newSessionToken(random: (bytes: Uint8Array) => Uint8Array = (b) => globalThis.crypto.getRandomValues(b)): string {
  const bytes = random(new Uint8Array(16));
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Where `location` says the page came from: `ws://host` for http, `wss://host` for https, else null. */
export function socketBase(location: { protocol: string; host: string }): string | null {
  if (location.protocol !== 'http:' && location.protocol !== 'https:') return null;
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`;
}

/**
 * For an address typed without a scheme ("localhost:8008/echo", "10.0.0.5:8008/chat"): the same
 * address with ws:// in front, to suggest; null when it has a scheme (`ws://`, `http://`, …).
 */
export function withoutScheme(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed === '' || /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) return null;
  // "localhost:8008/echo" parses as a URL of scheme "localhost:": a host and port, not a scheme.
  return `ws://${trimmed.replace(/^\/+/, '')}`;
}
