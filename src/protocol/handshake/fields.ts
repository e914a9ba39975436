/**
 * HTTP field helpers shared by both sides of the handshake: tokens (RFC 9110 §5.6.2), optional
 * whitespace (§5.6.3), comma lists (§5.6.1), a header's values, and quoting a value for a message.
 */

/** RFC 9110 §5.6.2: token = 1*tchar. */
export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
export const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

/** HTTP's optional whitespace (RFC 9110 §5.6.3): spaces and tabs, nothing else. */
export function trimOws(value: string): string {
  return value.replace(/^[ \t]+|[ \t]+$/g, '');
}


/** A value quoted for a message: control characters escaped, long values cut. */
export function shown(value: string, max = 60): string {
  const cut = value.length > max ? `${value.slice(0, max)}\u2026` : value;
  const escaped = cut.replace(/[\x00-\x1f\x7f-\x9f'\\]/g, (ch) => {
    if (ch === "'" || ch === '\\') return `\\${ch}`;
    return `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
  return `'${escaped}'`;
}

export function describeChar(cp: number): string {
  const code = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  if (cp < 0x21 || (cp >= 0x7f && cp <= 0xa0)) return code;
  return `'${String.fromCodePoint(cp)}' (${code})`;
}

/** The values of a header in a node-style record: none, one, or (sent more than once) several. */
export function fieldValues(headers: Record<string, string | string[] | undefined>, name: string): string[] {
  const value = headers[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** A header's value, a repeated header's values joined as a comma list (RFC 9110 §5.3); undefined if absent. */
export function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const values = fieldValues(headers, name.toLowerCase());
  return values.length === 0 ? undefined : values.join(', ');
}

/**
 * The elements of a comma-separated list (RFC 9110 §5.6.1), trimmed, empty ones dropped. Commas
 * inside a quoted string (an extension parameter's value) do not split.
 */
export function splitList(value: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (quoted && ch === '\\') {
      current += ch + (value[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      out.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  out.push(current);
  return out.map(trimOws).filter((element) => element !== '');
}

export function hasToken(values: string[], token: string): boolean {
  return values.some((value) => splitList(value).some((element) => element.toLowerCase() === token));
}

/** The extension name of an offer such as "permessage-deflate; client_max_window_bits". */
export function extensionName(offer: string): string {
  return trimOws(offer.split(';')[0] ?? '').toLowerCase();
}

export function isHttp11OrHigher(version: string): boolean {
  const m = /^(?:HTTP\/)?(\d+)\.(\d+)$/.exec(version);
  if (m === null) return false;
  const major = Number(m[1]);
  return major > 1 || (major === 1 && Number(m[2]) >= 1);
}
