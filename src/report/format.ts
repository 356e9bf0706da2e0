/**
 * Numbers written for people, shared by the figures (which render in Node too) and the pages.
 */

/** 1.23e12 -> "1.23e12"; small counts stay plain. */
export function formatFlops(flops: number): string {
  if (!Number.isFinite(flops)) return '–';
  if (Math.abs(flops) < 1e4) return String(Math.round(flops));
  const [mantissa, exponent] = flops.toExponential(2).split('e') as [string, string];
  // "1.00e10" -> "1e10", "2.50e10" -> "2.5e10": axis ticks stay short.
  return `${mantissa.replace(/\.?0+$/, '')}e${Number(exponent)}`;
}

export function formatPercent(fraction: number | null | undefined, digits = 0): string {
  return fraction === null || fraction === undefined || !Number.isFinite(fraction)
    ? '–'
    : `${(fraction * 100).toFixed(digits)}%`;
}
