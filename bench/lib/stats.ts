/**
 * Small statistics for benchmark rounds: the median and the spread (min–max) of a list of
 * figures, and ratios of medians.
 */

export interface Summary {
  /** The median of the rounds. */
  median: number;
  min: number;
  max: number;
  /** Every round's figure, in the order measured. */
  rounds: number[];
}

export function summarize(values: number[]): Summary {
  if (values.length === 0) return { median: NaN, min: NaN, max: NaN, rounds: [] };
  const sorted = [...values].sort((a, b) => a - b);
  return { median: quantile(sorted, 0.5), min: sorted[0]!, max: sorted[sorted.length - 1]!, rounds: values };
}

/** The q-quantile of an ascending list, interpolated between neighbours. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const at = (n - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

export function median(values: number[]): number {
  return summarize(values).median;
}
