/** Statistics of pass rates. */

/** Wilson score interval for `successes` of `n` trials (z = 1.96: 95 %). Better than the normal interval at small n and near 0 or 1. */
export function wilsonInterval(successes: number, n: number, z = 1.96): { low: number; high: number } {
  if (n === 0) return { low: 0, high: 1 };
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Unbiased pass@k from n samples with c passes (Chen et al. 2021): 1 − C(n−c, k)/C(n, k), computed as a stable product. */
export function passAtK(n: number, c: number, k: number): number {
  if (k > n || k < 1) throw new Error(`pass@k needs 1 <= k <= n (k=${k}, n=${n})`);
  if (n - c < k) return 1;
  let fail = 1;
  for (let i = n - c + 1; i <= n; i++) fail *= 1 - k / i;
  return 1 - fail;
}
