/**
 * The `Sec-WebSocket-Extensions` header read as RFC 6455 §9.1 writes it:
 *
 *   Sec-WebSocket-Extensions = extension-list
 *   extension-list = 1#extension
 *   extension = extension-token *( ";" extension-param )
 *   extension-param = token [ "=" (token | quoted-string) ]
 *
 * "When using the quoted-string syntax variant, the value after quoted-string unescaping MUST
 * conform to the 'token' ABNF" (§9.1). Each element of the list is one offer (or, in a response,
 * one accepted extension); a client may offer the same extension several times, most preferred
 * first (RFC 7692 §5: "a client may offer multiple PMCE choices to the server by including
 * multiple elements in the "Sec-WebSocket-Extensions" header").
 */
import { splitList, TOKEN, trimOws } from '../handshake/fields.ts';

export interface ExtensionParam {
  /** As written (the comparisons below ignore case). */
  name: string;
  /** The value, unquoted; null when the parameter has none. */
  value: string | null;
  /** The value was a quoted-string. */
  quoted: boolean;
}

export interface ExtensionElement {
  /** The extension token, lowercase ("permessage-deflate"). */
  name: string;
  params: ExtensionParam[];
  /** The element as sent, trimmed. */
  text: string;
  /** Why the element does not follow §9.1's grammar, or null. */
  error: string | null;
}

/** Split on `sep` outside quoted strings. */
function splitOutsideQuotes(value: string, sep: string): string[] {
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
    if (ch === sep && !quoted) {
      out.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  out.push(current);
  return out;
}

/** RFC 9110 §5.6.4: quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE; null when malformed. */
function unquote(text: string): string | null {
  if (text.length < 2 || !text.endsWith('"')) return null;
  let out = '';
  for (let i = 1; i < text.length - 1; i++) {
    const ch = text[i]!;
    if (ch === '"') return null;
    if (ch === '\\') {
      i++;
      if (i >= text.length - 1) return null;
      out += text[i];
    } else {
      out += ch;
    }
  }
  return out;
}

function parseParam(raw: string): ExtensionParam | string {
  const text = trimOws(raw);
  const eq = text.indexOf('=');
  const name = trimOws(eq === -1 ? text : text.slice(0, eq));
  if (!TOKEN.test(name)) return `${JSON.stringify(text)} is not a parameter (a token, optionally = a value)`;
  if (eq === -1) return { name, value: null, quoted: false };
  const rawValue = trimOws(text.slice(eq + 1));
  if (rawValue.startsWith('"')) {
    const value = unquote(rawValue);
    if (value === null) return `the value of ${name} is an unfinished quoted string: ${rawValue}`;
    // RFC 6455 §9.1: "the value after quoted-string unescaping MUST conform to the 'token' ABNF".
    if (!TOKEN.test(value)) return `the value of ${name}, ${rawValue}, is not a token once unquoted (RFC 6455 §9.1)`;
    return { name, value, quoted: true };
  }
  if (!TOKEN.test(rawValue)) return `the value of ${name}, ${JSON.stringify(rawValue)}, is not a token or a quoted string`;
  return { name, value: rawValue, quoted: false };
}

/** One element of the list: the extension token and its parameters. */
export function parseExtensionElement(element: string): ExtensionElement {
  const text = trimOws(element);
  const [head = '', ...rest] = splitOutsideQuotes(text, ';');
  const name = trimOws(head).toLowerCase();
  const out: ExtensionElement = { name, params: [], text, error: null };
  if (!TOKEN.test(name)) {
    out.error = `${JSON.stringify(text)} does not start with an extension name`;
    return out;
  }
  for (const raw of rest) {
    const param = parseParam(raw);
    if (typeof param === 'string') {
      out.error = param;
      return out;
    }
    out.params.push(param);
  }
  return out;
}

/** Every element of the header's values (a repeated header's values in order), parsed. */
export function parseExtensions(values: string | readonly string[] | undefined | null): ExtensionElement[] {
  if (values === undefined || values === null) return [];
  const joined = typeof values === 'string' ? values : values.join(',');
  return splitList(joined).map(parseExtensionElement);
}
