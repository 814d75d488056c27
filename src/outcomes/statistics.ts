/**
 * Summary statistics of outcome cells, exact until the last rounding: durations (count,
 * median, 90th percentile, share within 7 days) and the change in outcome measures of the
 * people measured at least twice.
 */
import { epochDay } from '../events/time.js';
import { ExactMultiset, MS_PER_DAY, daysOf, ratio, roundedDecimal } from './exact.js';
import type { PersonMeasure } from './cells.js';
import type { DurationStatsJson, OutcomeChangeJson } from './results.js';

/** Count, median, 90th percentile and share within 7 days of a multiset of durations in ms. */
export function durationStats(m: ExactMultiset): DurationStatsJson {
  const within = m.countAtMost(7 * MS_PER_DAY);
  return {
    count: m.size,
    medianDays: daysOf(m.median()),
    p90Days: daysOf(m.quantile(9, 10)),
    within7Days: within,
    shareWithin7Days: ratio(within, m.size, 4),
  };
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

/** Outcome change of one instrument from the measures of each person (sorted by key). */
export function outcomeChange(instrument: string, byPerson: ReadonlyMap<string, readonly PersonMeasure[]>) {
  let twice = 0;
  let improved = 0;
  let unchanged = 0;
  let worse = 0;
  // Sum of the changes as an exact fraction.
  let num = 0n;
  let den = 1n;
  const gaps = new ExactMultiset();
  for (const ms of byPerson.values()) {
    if (ms.length < 2) continue;
    twice += 1;
    const first = ms[0] as PersonMeasure;
    const latest = ms[ms.length - 1] as PersonMeasure;
    // latest.sum / latest.count - first.sum / first.count
    const cn = BigInt(latest.sum) * BigInt(first.count) - BigInt(first.sum) * BigInt(latest.count);
    const cd = BigInt(latest.count) * BigInt(first.count);
    if (cn > 0n) improved += 1;
    else if (cn < 0n) worse += 1;
    else unchanged += 1;
    num = num * cd + cn * den;
    den *= cd;
    const g = gcd(num, den);
    if (g > 1n) {
      num /= g;
      den /= g;
    }
    for (let i = 1; i < ms.length; i++)
      gaps.add(
        epochDay((ms[i] as PersonMeasure).measuredOn) - epochDay((ms[i - 1] as PersonMeasure).measuredOn),
      );
  }
  const days = (r: { num: bigint; den: bigint } | null): number | null =>
    r === null ? null : Number(roundedDecimal(r.num, r.den, 2));
  const out: OutcomeChangeJson = {
    instrument,
    peopleMeasured: byPerson.size,
    peopleMeasuredTwice: twice,
    meanChange: twice === 0 ? null : roundedDecimal(num, den * BigInt(twice), 2),
    improved,
    unchanged,
    worse,
    shareImproved: ratio(improved, twice, 4),
    shareUnchanged: ratio(unchanged, twice, 4),
    shareWorse: ratio(worse, twice, 4),
    daysBetween: { count: gaps.size, median: days(gaps.median()), p90: days(gaps.quantile(9, 10)) },
  };
  return out;
}
