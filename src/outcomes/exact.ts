/**
 * Exact building blocks of the outcome aggregates: a multiset of whole numbers whose merge is
 * exact (so medians and percentiles of merged parts equal those of the whole, with no sketch
 * error), exact ratios of whole numbers, and durations in days.
 */

/** A rational number `num / den` with `den > 0`. */
export interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

/**
 * A multiset of whole numbers (e.g. lead times in milliseconds), kept as value -> count. Merging
 * adds counts, so it is associative and commutative with the empty multiset as identity, and
 * every quantile of a merge is exactly the quantile of all the values together.
 */
export class ExactMultiset {
  private readonly counts = new Map<number, number>();
  private n = 0;

  /** Number of values (with repeats). */
  get size(): number {
    return this.n;
  }

  /** Adds a value `times` times (default once). Values must be safe integers. */
  add(value: number, times = 1): void {
    if (!Number.isSafeInteger(value)) throw new RangeError(`ExactMultiset: ${value} is not a safe integer`);
    if (!Number.isSafeInteger(times) || times < 0) throw new RangeError(`ExactMultiset: bad count ${times}`);
    if (times === 0) return;
    this.counts.set(value, (this.counts.get(value) ?? 0) + times);
    this.n += times;
  }

  /** Adds every value of another multiset into this one. */
  addAll(other: ExactMultiset): void {
    for (const [v, c] of other.counts) this.add(v, c);
  }

  /** A copy. */
  clone(): ExactMultiset {
    const m = new ExactMultiset();
    m.addAll(this);
    return m;
  }

  /** `[value, count]` pairs in ascending value order (the JSON form). */
  entries(): [number, number][] {
    return [...this.counts.entries()].sort((a, b) => a[0] - b[0]);
  }

  /** Rebuilds a multiset from {@link ExactMultiset.entries}. */
  static fromEntries(entries: Iterable<readonly [number, number]>): ExactMultiset {
    const m = new ExactMultiset();
    for (const [v, c] of entries) m.add(v, c);
    return m;
  }

  /** How many values are at most `limit`. */
  countAtMost(limit: number): number {
    let c = 0;
    for (const [v, k] of this.counts) if (v <= limit) c += k;
    return c;
  }

  /**
   * The `q`-quantile (`q` = `qNum / qDen`, between 0 and 1) by linear interpolation between
   * closest ranks (Hyndman and Fan type 7, the default of R, NumPy and pandas): with the values
   * sorted as x[0..n-1], h = (n - 1) q, the result is x[floor h] + (h - floor h)(x[floor h + 1] -
   * x[floor h]). Exact: returned as a rational. Null for an empty multiset.
   */
  quantile(qNum: number, qDen: number): Rational | null {
    if (this.n === 0) return null;
    if (!Number.isSafeInteger(qNum) || !Number.isSafeInteger(qDen) || qDen <= 0 || qNum < 0 || qNum > qDen) {
      throw new RangeError(`quantile: expected 0 <= ${qNum}/${qDen} <= 1`);
    }
    const h = BigInt(this.n - 1) * BigInt(qNum); // h = hNum / qDen
    const den = BigInt(qDen);
    const k = Number(h / den);
    const frac = h % den;
    const sorted = this.entries();
    const at = (rank: number): bigint => {
      let seen = 0;
      for (const [v, c] of sorted) {
        seen += c;
        if (rank < seen) return BigInt(v);
      }
      throw new RangeError('quantile: rank out of range');
    };
    const lo = at(k);
    if (frac === 0n) return { num: lo, den: 1n };
    const hi = at(k + 1);
    return { num: lo * den + frac * (hi - lo), den };
  }

  /** The median (the 0.5 quantile, type 7: the mean of the two middle values for an even count). */
  median(): Rational | null {
    return this.quantile(1, 2);
  }
}

/** Rounds `num / den` to `decimals` places, halves away from zero, as a decimal string. */
export function roundedDecimal(num: bigint, den: bigint, decimals: number): string {
  if (den === 0n) throw new RangeError('roundedDecimal: division by zero');
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const scale = 10n ** BigInt(decimals);
  const neg = num < 0n;
  const abs = neg ? -num : num;
  const scaled = (abs * scale * 2n + den) / (2n * den); // round half up on the absolute value
  const whole = scaled / scale;
  const frac = (scaled % scale).toString().padStart(decimals, '0');
  const body = decimals > 0 ? `${whole}.${frac}` : `${whole}`;
  return neg && scaled !== 0n ? `-${body}` : body;
}

/** `num / den` as a decimal string with `decimals` places, or null when `den` is 0. */
export function ratio(num: bigint | number, den: bigint | number, decimals = 4): string | null {
  const d = BigInt(den);
  return d === 0n ? null : roundedDecimal(BigInt(num), d, decimals);
}

/** Milliseconds in a day. */
export const MS_PER_DAY = 86_400_000;

/** A duration in milliseconds (a rational) as days, rounded to `decimals` places (a JSON number). */
export function daysOf(ms: Rational | null, decimals = 2): number | null {
  if (ms === null) return null;
  return Number(roundedDecimal(ms.num, ms.den * BigInt(MS_PER_DAY), decimals));
}
