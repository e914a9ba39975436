/**
 * A request's target as a URL. RFC 9112 §3.2.1: the usual form is origin-form, "absolute-path [
 * "?" query ]", so a target that starts with "/" is a path even when it starts with "//" (which
 * `new URL('//echo', base)` would read as a host named "echo"). Anything else is read as an
 * absolute URL (absolute-form). Throws on a target that is neither.
 */
export function requestUrl(target: string | undefined): URL {
  const text = target ?? '/';
  return text.startsWith('/') ? new URL(`http://localhost${text}`) : new URL(text);
}
