/**
 * Number formatting for views that draw many numbers (frame rows, reads): shared Intl formatters,
 * since `toLocaleString()` builds a new one on every call.
 */
import * as m from '../../paraglide/messages.js';
import { getLocale } from '../../paraglide/runtime.js';

/** One formatter per language and style, made on first use. */
const formatters = new Map<string, Intl.NumberFormat>();
function formatter(style: 'count' | 'one-decimal'): Intl.NumberFormat {
  const locale = getLocale();
  const key = `${locale} ${style}`;
  let made = formatters.get(key);
  if (!made) {
    made = new Intl.NumberFormat(locale, style === 'count' ? {} : { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    formatters.set(key, made);
  }
  return made;
}
const COUNT = { format: (n: number): string => formatter('count').format(n) };
const ONE_DECIMAL = { format: (n: number): string => formatter('one-decimal').format(n) };

/** 1234567 → "1,234,567". */
export function formatCount(n: number): string {
  return COUNT.format(n);
}

/** 1234.56 → "1,234.6". */
export function formatOneDecimal(n: number): string {
  return ONE_DECIMAL.format(n);
}

/** 65536 → "64 KiB", 1048576 → "1 MiB", 500 → "500 bytes" ("500 字节"): sizes as a reader says them. */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${COUNT.format(n / (1024 * 1024))} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${COUNT.format(n / 1024)} KiB`;
  return m.app_bytes({ count: n, shown: COUNT.format(n) });
}
