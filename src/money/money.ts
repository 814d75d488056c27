import { Decimal } from 'decimal.js';

/** decimal.js with a precision no amount reaches, so converting pounds to pence never rounds. */
const Exact = Decimal.clone({ precision: 1000, toExpNeg: -1000, toExpPos: 1000 });

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

/** Whole pence of a contract money string that {@link moneyProblem} accepts: `"-12.50"` -> `-1250n`. */
function penceOf(input: string): bigint {
  return BigInt(input.slice(0, -3) + input.slice(-2));
}

/**
 * An exact amount of pounds sterling with two decimal places, held as whole pence in a
 * `bigint` (so every sum is exact whatever its size, and a sum costs an integer addition).
 *
 * Built only from contract strings (`"1250.00"`) or whole pence, never from a JS number.
 * Serialises with `toString()` / `toJSON()` to the contract form (`"1250.00"`), never to
 * exponent notation, whatever the size.
 */
export class Money {
  private constructor(private readonly pence: bigint) {}

  /** £0.00 */
  static readonly zero: Money = new Money(0n);

  /** Parses a contract money string. Throws {@link MoneyFormatError} naming the problem. */
  static of(input: string): Money {
    const problem = moneyProblem(input);
    if (problem !== null) throw new MoneyFormatError(input, problem);
    return new Money(penceOf(input));
  }

  /** Like {@link Money.of} but returns `null` instead of throwing. */
  static tryParse(input: unknown): Money | null {
    return moneyProblem(input) === null ? new Money(penceOf(input as string)) : null;
  }

  /** From a whole number of pence (bigint, or a decimal string of digits). */
  static fromPence(pence: bigint | string): Money {
    if (typeof pence === 'bigint') return new Money(pence);
    if (!/^-?[0-9]+$/.test(pence)) {
      throw new MoneyFormatError(pence, `expected whole pence, got ${describe(pence)}`);
    }
    return new Money(BigInt(pence));
  }

  /**
   * From a decimal.js `Decimal` holding pounds, for callers that keep money in decimal.js.
   * Exact or refused: a value with fractions of a penny, or not finite, is a {@link MoneyFormatError}.
   */
  static fromDecimal(pounds: Decimal): Money {
    if (!Decimal.isDecimal(pounds) || !pounds.isFinite()) {
      throw new MoneyFormatError(pounds, 'expected a finite decimal.js Decimal of pounds');
    }
    const pence = new Exact(pounds).times(100);
    if (!pence.isInteger()) {
      throw new MoneyFormatError(
        pounds,
        `expected whole pence, got ${pounds.toFixed()} pounds (a fraction of a penny)`,
      );
    }
    return new Money(BigInt(pence.toFixed(0)));
  }

  /** Sum of a list (exact); £0.00 for an empty list. */
  static sum(items: Iterable<Money>): Money {
    let acc = 0n;
    for (const m of items) acc += m.pence;
    return new Money(acc);
  }

  /** This plus another amount, exactly. */
  plus(other: Money): Money {
    return new Money(this.pence + other.pence);
  }

  /** This minus another amount, exactly. */
  minus(other: Money): Money {
    return new Money(this.pence - other.pence);
  }

  /** The same amount with the opposite sign (0.00 stays 0.00). */
  negate(): Money {
    return this.pence === 0n ? this : new Money(-this.pence);
  }

  /** The amount in pounds as a decimal.js `Decimal` (exact), for callers that keep money in decimal.js. */
  toDecimal(): Decimal {
    return new Decimal(this.toString());
  }

  /** Whole pence as a bigint. */
  toPence(): bigint {
    return this.pence;
  }

  /** -1, 0 or 1 as this is less than, equal to or greater than `other`. */
  compare(other: Money): -1 | 0 | 1 {
    return this.pence < other.pence ? -1 : this.pence > other.pence ? 1 : 0;
  }

  /** True when both are the same amount. */
  equals(other: Money): boolean {
    return this.pence === other.pence;
  }

  /** True when this is more than `other`. */
  greaterThan(other: Money): boolean {
    return this.pence > other.pence;
  }

  /** True when this is less than `other`. */
  lessThan(other: Money): boolean {
    return this.pence < other.pence;
  }

  /** True for 0.00. */
  isZero(): boolean {
    return this.pence === 0n;
  }

  /** True above 0.00. */
  isPositive(): boolean {
    return this.pence > 0n;
  }

  /** True below 0.00. */
  isNegative(): boolean {
    return this.pence < 0n;
  }

  /** Contract form, e.g. `"1250.00"`, `"-3.10"`; never `"-0.00"`, never exponent notation. */
  toString(): string {
    const negative = this.pence < 0n;
    const digits = (negative ? -this.pence : this.pence).toString().padStart(3, '0');
    return `${negative ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
  }

  /** The contract form, so `JSON.stringify` writes money as a string (`"12.50"`). */
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
