/**
 * Number formatting for views that draw many numbers (frame rows, reads): shared Intl formatters,
 * since `toLocaleString()` builds a new one on every call.
 */
const COUNT = new Intl.NumberFormat('en-US');
const ONE_DECIMAL = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** 1234567 → "1,234,567". */
export function formatCount(n: number): string {
  return COUNT.format(n);
}

/** 1234.56 → "1,234.6". */
export function formatOneDecimal(n: number): string {
  return ONE_DECIMAL.format(n);
}

/** 65536 → "64 KiB", 1048576 → "1 MiB", 500 → "500 bytes": sizes as a reader says them. */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${COUNT.format(n / (1024 * 1024))} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${COUNT.format(n / 1024)} KiB`;
  return `${COUNT.format(n)} byte${n === 1 ? '' : 's'}`;
}
