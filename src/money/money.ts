import { Decimal } from 'decimal.js';

/**
 * A private decimal.js constructor for money: a precision no ledger total can reach
 * (1,000 significant digits), no exponent notation, and rounding never used silently
 * (every operation on pence is exact; division only happens inside `allocate`, on integers).
 */
const D = Decimal.clone({ precision: 1000, rounding: Decimal.ROUND_FLOOR, toExpNeg: -1000, toExpPos: 1000 });

/** The contract's money string: pounds with exactly two decimals, no `+`, no exponent. */
export const MONEY_PATTERN = /^-?(0|[1-9][0-9]*)\.[0-9]{2}$/;
/** Longest accepted money string; a clear error beyond it instead of unbounded work. */
export const MAX_MONEY_LENGTH = 24;

/** Why a value is not money, with the offending input shown. */
export class MoneyFormatError extends Error {
  override readonly name = 'MoneyFormatError';
  constructor(
    readonly input: unknown,
    readonly problem: string,
  ) {
    super(problem);
  }
}

function describe(input: unknown): string {
  if (typeof input === 'string') {
    return input.length > 40
      ? `${JSON.stringify(input.slice(0, 40))}... (${input.length} chars)`
      : JSON.stringify(input);
  }
  if (typeof input === 'number') return `the number ${String(input)}`;
  if (input === null) return 'null';
  return typeof input;
}

/** Checks a money string and says what is wrong with it, or returns null when it is fine. */
export function moneyProblem(input: unknown): string | null {
  if (typeof input !== 'string') {
    return `expected money string like "12.50", got ${describe(input)}`;
  }
  if (input.length > MAX_MONEY_LENGTH) {
    return `money string too long: at most ${MAX_MONEY_LENGTH} characters, got ${input.length}`;
  }
  if (!MONEY_PATTERN.test(input)) {
    return `expected money string like "12.50" (pounds, exactly 2 decimals, no "+" or exponent), got ${describe(input)}`;
  }
  if (input === '-0.00')
    return 'expected money string like "12.50", got "-0.00" (negative zero is not allowed)';
  return null;
}

/**
 * An exact amount of pounds sterling with two decimal places.
 *
 * Built only from contract strings (`"1250.00"`) or whole pence, never from a JS number.
 * Serialises with `toString()` / `toJSON()` to the contract form (`"1250.00"`), never to
 * exponent notation, whatever the size.
 */
export class Money {
  private constructor(private readonly d: Decimal) {}

  /** £0.00 */
  static readonly zero: Money = new Money(new D(0));

  /** Parses a contract money string. Throws {@link MoneyFormatError} naming the problem. */
  static of(input: string): Money {
    const problem = moneyProblem(input);
    if (problem !== null) throw new MoneyFormatError(input, problem);
    return new Money(new D(input));
  }

  /** Like {@link Money.of} but returns `null` instead of throwing. */
  static tryParse(input: unknown): Money | null {
    return moneyProblem(input) === null ? new Money(new D(input as string)) : null;
  }

  /** From a whole number of pence (bigint, or a decimal string of digits). */
  static fromPence(pence: bigint | string): Money {
    const s = typeof pence === 'bigint' ? pence.toString() : pence;
    if (!/^-?[0-9]+$/.test(s)) throw new MoneyFormatError(pence, `expected whole pence, got ${describe(s)}`);
    return new Money(new D(s).dividedBy(100));
  }

  /** Sum of a list (exact); £0.00 for an empty list. */
  static sum(items: Iterable<Money>): Money {
    let acc = new D(0);
    for (const m of items) acc = acc.plus(m.d);
    return new Money(acc);
  }

  plus(other: Money): Money {
    return new Money(this.d.plus(other.d));
  }

  minus(other: Money): Money {
    return new Money(this.d.minus(other.d));
  }

  negate(): Money {
    return this.d.isZero() ? this : new Money(this.d.negated());
  }

  /** Whole pence as a bigint. */
  toPence(): bigint {
    return BigInt(this.d.times(100).toFixed(0));
  }

  compare(other: Money): -1 | 0 | 1 {
    return this.d.comparedTo(other.d) as -1 | 0 | 1;
  }

  equals(other: Money): boolean {
    return this.d.eq(other.d);
  }

  greaterThan(other: Money): boolean {
    return this.d.gt(other.d);
  }

  lessThan(other: Money): boolean {
    return this.d.lt(other.d);
  }

  isZero(): boolean {
    return this.d.isZero();
  }

  isPositive(): boolean {
    return this.d.gt(0);
  }

  isNegative(): boolean {
    return this.d.lt(0);
  }

  /** Contract form, e.g. `"1250.00"`, `"-3.10"`; never `"-0.00"`, never exponent notation. */
  toString(): string {
    const s = this.d.toFixed(2);
    return s === '-0.00' ? '0.00' : s;
  }

  toJSON(): string {
    return this.toString();
  }

  /** `£1,250.00` style, for people. */
  format(): string {
    const s = this.toString();
    const neg = s.startsWith('-');
    const [whole = '0', pence = '00'] = (neg ? s.slice(1) : s).split('.');
    const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return `${neg ? '-' : ''}£${grouped}.${pence}`;
  }
}

/**
 * Splits `total` over integer weights by the largest remainder method, in whole pence:
 * each part first gets `floor(pence * weight / sum)`, then the leftover pence go one each
 * to the parts with the largest remainder; ties go to the earlier index.
 * The parts always add up to `total` exactly. A negative total is split as its absolute
 * value and negated, so `allocate(-x) = -allocate(x)` part by part.
 */
export function allocateList(total: Money, weights: readonly number[]): Money[] {
  if (weights.length === 0) throw new RangeError('allocate: at least one weight is needed');
  let sum = 0n;
  const w: bigint[] = [];
  for (const [i, weight] of weights.entries()) {
    if (!Number.isSafeInteger(weight) || weight <= 0) {
      throw new RangeError(`allocate: weight ${i} must be a positive whole number, got ${String(weight)}`);
    }
    w.push(BigInt(weight));
    sum += BigInt(weight);
  }
  const pence = total.toPence();
  const negative = pence < 0n;
  const abs = negative ? -pence : pence;
  const parts: bigint[] = [];
  const rema: { i: number; r: bigint }[] = [];
  let given = 0n;
  for (const [i, wi] of w.entries()) {
    const num = abs * wi;
    const q = num / sum;
    parts.push(q);
    rema.push({ i, r: num % sum });
    given += q;
  }
  let left = abs - given;
  rema.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of rema) {
    if (left === 0n) break;
    parts[i] = (parts[i] ?? 0n) + 1n;
    left -= 1n;
  }
  return parts.map((p) => Money.fromPence(negative ? -p : p));
}

/**
 * Splits `total` over named weights by the largest remainder rule, with ties broken by
 * `order` (for funding streams: the canonical stream order). Keys not in `order` are an
 * error. The result's keys are in `order`, whatever the key order of `weights`.
 */
export function allocate<K extends string>(
  total: Money,
  weights: Readonly<Partial<Record<K, number>>>,
  order: readonly K[],
): Record<K, Money> {
  for (const k of Object.keys(weights)) {
    if (!order.includes(k as K)) throw new RangeError(`allocate: unknown key ${JSON.stringify(k)}`);
  }
  const keys = order.filter((k) => weights[k] !== undefined);
  const parts = allocateList(
    total,
    keys.map((k) => weights[k] as number),
  );
  const out = {} as Record<K, Money>;
  keys.forEach((k, i) => {
    out[k] = parts[i] as Money;
  });
  return out;
}
