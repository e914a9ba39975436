/** Numbers as a reader wants them in a table: 3 significant digits and a unit prefix. */

export function si(value: number, unit: string): string {
  if (!Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  const [scaled, prefix] =
    abs >= 1e9 ? [value / 1e9, 'G'] : abs >= 1e6 ? [value / 1e6, 'M'] : abs >= 1e3 ? [value / 1e3, 'k'] : [value, ''];
  return `${sig(scaled)} ${prefix}${unit}`;
}

/** Bytes with binary prefixes (KiB, MiB). */
export function bytes(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (value >= 1024 * 1024) return `${sig(value / (1024 * 1024))} MiB`;
  if (value >= 1024) return `${sig(value / 1024)} KiB`;
  return `${Math.round(value)} B`;
}

export function ms(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (value < 1) return `${sig(value * 1000)} µs`;
  return `${sig(value)} ms`;
}

export function sig(value: number, digits = 3): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(abs)));
  return value.toFixed(Math.min(decimals, 3));
}

export function ratio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : '–';
}
