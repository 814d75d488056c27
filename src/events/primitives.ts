/**
 * The words and codecs of the log contract that every event type is built from: the closed
 * lists (streams, roles, cohorts, bases, categories, management options, reclaim reasons,
 * outcome instruments...) and an io-ts codec for each field kind (dates, timestamps, ids,
 * references, text, money, shares, splits), each refusing with a message that names the field.
 *
 * Longer than 400 lines on purpose: the lists and the codecs that check them are read side by
 * side (a list and its codec change together), and the file holds nothing but short
 * declarations. Splitting lists from codecs is a possible later step; it is not done while the
 * money rules (issue 12) change lines here.
 */
import * as t from 'io-ts';
import { Money, moneyProblem } from '../money/money.js';

/** Funding streams in the contract's canonical order. */
export const STREAMS = ['health', 'social-care', 'education', 'contribution'] as const;
/** A funding stream: `health`, `social-care`, `education` or `contribution`. */
export type Stream = (typeof STREAMS)[number];

/** The roles an actor can have, as the contract lists them. */
export const ROLES = [
  'holder',
  'representative',
  'coordinator',
  'commissioner',
  'finance',
  'auditor',
  'system',
] as const;
/** One of {@link ROLES}. */
export type Role = (typeof ROLES)[number];

/** The Integrated Personal Commissioning cohorts (and `other`). */
export const COHORTS = [
  'older-people-ltc',
  'children-disabilities',
  'learning-disabilities',
  'serious-mental-illness',
  'other',
] as const;
/** One of {@link COHORTS}. */
export type Cohort = (typeof COHORTS)[number];

/** The legal basis of a budget: NHS Continuing Healthcare, section 117 aftercare, Care Act, EHC plan, or joint. */
export const BASES = ['chc', 's117', 'care-act', 'ehcp', 'joint'] as const;
/** One of {@link BASES}. */
export type Basis = (typeof BASES)[number];

/** What a plan line buys. */
export const CATEGORIES = [
  'personal-assistant',
  'agency-care',
  'respite',
  'equipment',
  'therapy',
  'transport',
  'community-activity',
  'other',
] as const;
/** One of {@link CATEGORIES}. */
export type Category = (typeof CATEGORIES)[number];

/**
 * What a spend paid for, as far as the spending rules care (`SpendRecorded` data v2). The NHS
 * prohibited-spend categories are listed so the rules can refuse them on health money;
 * `unspecified` is what every spend recorded before v2 reads as.
 */
export const PURPOSES = [
  'unspecified',
  'care-and-support',
  'alcohol',
  'tobacco',
  'gambling',
  'debt-repayment',
  'illegal',
  'emergency-care',
  'primary-care',
] as const;
/** One of {@link PURPOSES}. */
export type Purpose = (typeof PURPOSES)[number];

/** How a plan line's money is held (management option). */
export const OPTIONS = ['notional', 'third-party', 'direct-payment', 'managed-account'] as const;
/** One of {@link OPTIONS}. */
export type ManagementOption = (typeof OPTIONS)[number];

/** How cash can be paid out (every management option except notional). */
export const PAYMENT_OPTIONS = ['direct-payment', 'third-party', 'managed-account'] as const;
/** One of {@link PAYMENT_OPTIONS}. */
export type PaymentOption = (typeof PAYMENT_OPTIONS)[number];

/** Why a funder may reclaim surplus. */
export const RECLAIM_REASONS = ['plan-change', 'surplus', 'misuse', 'fraud', 'death'] as const;
/** One of {@link RECLAIM_REASONS}. */
export type ReclaimReason = (typeof RECLAIM_REASONS)[number];

/** What a review can conclude. */
export const REVIEW_OUTCOMES = ['no-change', 'plan-change', 'ended'] as const;
/** One of {@link REVIEW_OUTCOMES}. */
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

/** Stages of an allocation: an early `indicative` estimate or the `agreed` amount. */
export const STAGES = ['indicative', 'agreed'] as const;
/** One of {@link STAGES}. */
export type Stage = (typeof STAGES)[number];

/**
 * Outcome instruments `OutcomeRecorded` knows, with the score range of one item (both ends
 * inclusive) or null when the instrument sets its own. Higher scores are better on every one
 * (record a scale where lower is better reversed). The list is extensible: a site may use its
 * own instrument as `local:<name>` (see {@link instrumentProblem}).
 */
export const INSTRUMENTS = {
  /** Goal attainment scaling: each goal scored -2 (much less than expected) to +2 (much more). */
  gas: [-2, 2],
  /** Personal Outcomes Evaluation Tool (personal budget outcome questionnaire): items as it scores them. */
  poet: null,
  /** Adult Social Care Outcomes Toolkit: each domain 0 (high needs) to 3 (ideal state). */
  ascot: [0, 3],
  /** Warwick-Edinburgh Mental Wellbeing Scale: 14 items, each 1 to 5. */
  wemwbs: [1, 5],
  /** Short Warwick-Edinburgh Mental Wellbeing Scale: 7 items, each 1 to 5. */
  swemwbs: [1, 5],
} as const satisfies Record<string, readonly [number, number] | null>;
/** A known outcome instrument (a key of {@link INSTRUMENTS}). */
export type KnownInstrument = keyof typeof INSTRUMENTS;
/** The known instrument names, in order. */
export const INSTRUMENT_NAMES = Object.keys(INSTRUMENTS) as KnownInstrument[];
/** A site's own instrument: `local:` and a lowercase name. */
export const LOCAL_INSTRUMENT_RE = /^local:[a-z0-9][a-z0-9-]{0,62}$/;
/** Largest item score accepted (either sign) on instruments without a range of their own. */
export const MAX_OUTCOME_SCORE = 1000;

/** Why a string is not an outcome instrument, or null. */
export function instrumentProblem(s: string): string | null {
  if (Object.prototype.hasOwnProperty.call(INSTRUMENTS, s) || LOCAL_INSTRUMENT_RE.test(s)) return null;
  return `expected one of ${INSTRUMENT_NAMES.join(', ')} or local:<name>, got ${describeValue(s)}`;
}

/** The item score range of an instrument (known ranges, else +-{@link MAX_OUTCOME_SCORE}). */
export function instrumentRange(instrument: string): readonly [number, number] {
  const r = Object.prototype.hasOwnProperty.call(INSTRUMENTS, instrument)
    ? INSTRUMENTS[instrument as KnownInstrument]
    : null;
  return r ?? [-MAX_OUTCOME_SCORE, MAX_OUTCOME_SCORE];
}

/** Who answered an outcome measure: the person, their representative, or a practitioner. */
export const RESPONDENTS = ['person', 'representative', 'practitioner'] as const;
/** One of {@link RESPONDENTS}. */
export type Respondent = (typeof RESPONDENTS)[number];

/** Longest free-text field accepted (reasons, summaries, payees). */
export const MAX_TEXT_LENGTH = 10_000;
/** Longest identifier or reference accepted. */
export const MAX_REF_LENGTH = 256;

/** A short description of any value for error messages (`"abc"`, `12.5`, `null`, `a list`). */
export function describeValue(u: unknown): string {
  if (u === undefined) return 'nothing';
  if (u === null) return 'null';
  if (typeof u === 'string')
    return u.length > 40 ? `${JSON.stringify(u.slice(0, 40))}...` : JSON.stringify(u);
  if (typeof u === 'number' || typeof u === 'boolean') return String(u);
  if (Array.isArray(u)) return 'a list';
  return typeof u === 'object' ? 'an object' : typeof u;
}

/** A string codec checked by a function that returns the problem, or null when fine. */
function checkedString(name: string, problem: (s: string) => string | null): t.Type<string, string, unknown> {
  return new t.Type<string, string, unknown>(
    name,
    (u): u is string => typeof u === 'string' && problem(u) === null,
    (u, c) => {
      if (typeof u !== 'string') return t.failure(u, c, `expected ${name}, got ${describeValue(u)}`);
      const p = problem(u);
      return p === null ? t.success(u) : t.failure(u, c, p);
    },
    t.identity,
  );
}

function enumCodec<T extends string>(name: string, values: readonly T[]): t.Type<T, T, unknown> {
  const set = new Set<string>(values);
  return new t.Type<T, T, unknown>(
    name,
    (u): u is T => typeof u === 'string' && set.has(u),
    (u, c) =>
      typeof u === 'string' && set.has(u)
        ? t.success(u as T)
        : t.failure(u, c, `expected one of ${values.join(', ')}, got ${describeValue(u)}`),
    t.identity,
  );
}

/** Codec of a {@link Respondent}. */
export const RespondentC = enumCodec('respondent', RESPONDENTS);
/** Codec of an outcome instrument: a known one or `local:<name>`. */
export const InstrumentC = checkedString('instrument', instrumentProblem);
/** Codec of an outcome item code: 1 to 64 characters of lowercase letters, digits, `.`, `_`, `-`. */
export const ItemCodeC = checkedString('item code', (s) =>
  /^[a-z0-9][a-z0-9._-]{0,63}$/.test(s)
    ? null
    : `expected an item code (1 to 64 lowercase letters, digits, ".", "_", "-"), got ${describeValue(s)}`,
);
/** Codec of a whole number score (either sign). */
export const ScoreC = new t.Type<number, number, unknown>(
  'score',
  (u): u is number => typeof u === 'number' && Number.isSafeInteger(u),
  (u, c) =>
    typeof u === 'number' && Number.isSafeInteger(u)
      ? t.success(u)
      : t.failure(u, c, `expected a whole number score, got ${describeValue(u)}`),
  t.identity,
);

/** Codec of a {@link Stream}. */
export const StreamC = enumCodec('stream', STREAMS);
/** Codec of a {@link Role}. */
export const RoleC = enumCodec('role', ROLES);
/** Codec of a {@link Cohort}. */
export const CohortC = enumCodec('cohort', COHORTS);
/** Codec of a {@link Basis}. */
export const BasisC = enumCodec('basis', BASES);
/** Codec of a {@link Category}. */
export const CategoryC = enumCodec('category', CATEGORIES);
/** Codec of a {@link ManagementOption}. */
export const OptionC = enumCodec('management option', OPTIONS);
/** Codec of a {@link PaymentOption}. */
export const PaymentOptionC = enumCodec('payment option', PAYMENT_OPTIONS);
/** Codec of a {@link ReclaimReason}. */
export const ReclaimReasonC = enumCodec('reclaim reason', RECLAIM_REASONS);
/** Codec of a {@link ReviewOutcome}. */
export const ReviewOutcomeC = enumCodec('review outcome', REVIEW_OUTCOMES);
/** Codec of a {@link Stage}. */
export const StageC = enumCodec('stage', STAGES);
/** Codec of a spend's {@link Purpose}. */
export const PurposeC = enumCodec('purpose', PURPOSES);

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}
function realDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const max = m === 2 && isLeap(y) ? 29 : (DAYS_IN_MONTH[m - 1] ?? 0);
  return d <= max;
}

const DATE_RE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
const TS_RE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})\.[0-9]{3}Z$/;

/** Problem with a `YYYY-MM-DD` calendar date, or null. */
export function dateProblem(s: string): string | null {
  const m = DATE_RE.exec(s);
  if (m === null) return `expected a date like "2025-04-01", got ${describeValue(s)}`;
  if (!realDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
    return `expected a real calendar date, got ${describeValue(s)}`;
  }
  return null;
}

/** Problem with a `YYYY-MM-DDTHH:mm:ss.sssZ` UTC instant, or null. */
export function timestampProblem(s: string): string | null {
  const m = TS_RE.exec(s);
  if (m === null) {
    return `expected a UTC time exactly like "2025-04-01T09:30:00.000Z", got ${describeValue(s)}`;
  }
  if (!realDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
    return `expected a real calendar date, got ${describeValue(s)}`;
  }
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59) {
    return `expected a real time of day (no second 60), got ${describeValue(s)}`;
  }
  return null;
}

/** A `YYYY-MM-DD` real calendar date. */
export const DateC = checkedString('date', dateProblem);
/** A `YYYY-MM-DDTHH:mm:ss.sssZ` real UTC instant. */
export const TimestampC = checkedString('timestamp', timestampProblem);

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Codec of a lowercase UUID string. */
export const UuidC = checkedString('uuid', (s) =>
  UUID_RE.test(s) ? null : `expected a lowercase UUID, got ${describeValue(s)}`,
);

/** What a budget id may be: 1-128 characters of `A-Z a-z 0-9 . _ : -`. */
export const BUDGET_ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;
/** Codec of a budget id (see {@link BUDGET_ID_RE}). */
export const BudgetIdC = checkedString('budget id', (s) =>
  BUDGET_ID_RE.test(s) ? null : `expected 1-128 characters of A-Z a-z 0-9 . _ : -, got ${describeValue(s)}`,
);

const HEX64_RE = /^[0-9a-f]{64}$/;
/** Codec of a SHA-256 hash: 64 lowercase hex digits. */
export const Hex64C = checkedString('hash', (s) =>
  HEX64_RE.test(s) ? null : `expected 64 lowercase hex digits, got ${describeValue(s)}`,
);

/** A non-empty identifier or reference of at most {@link MAX_REF_LENGTH} characters. */
export const RefC = checkedString('reference', (s) =>
  s.length === 0
    ? 'expected a non-empty reference, got ""'
    : s.length > MAX_REF_LENGTH
      ? `reference too long: at most ${MAX_REF_LENGTH} characters, got ${s.length}`
      : null,
);

/** Free text of at most {@link MAX_TEXT_LENGTH} characters (may be empty in a log; rules ask for content). */
export const TextC = checkedString('text', (s) =>
  s.length > MAX_TEXT_LENGTH ? `text too long: at most ${MAX_TEXT_LENGTH} characters, got ${s.length}` : null,
);

function intCodec(name: string, min: number): t.Type<number, number, unknown> {
  return new t.Type<number, number, unknown>(
    name,
    (u): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u >= min,
    (u, c) =>
      typeof u === 'number' && Number.isSafeInteger(u) && u >= min
        ? t.success(u)
        : t.failure(u, c, `expected a whole number >= ${min}, got ${describeValue(u)}`),
    t.identity,
  );
}
/** Codec of a whole number >= 1. */
export const PositiveIntC = intCodec('positive integer', 1);

type MoneyRule = 'any' | 'positive' | 'non-negative' | 'non-zero';
function moneyCodec(rule: MoneyRule): t.Type<Money, string, unknown> {
  const name = rule === 'any' ? 'money' : `${rule} money`;
  return new t.Type<Money, string, unknown>(
    name,
    (u): u is Money => u instanceof Money,
    (u, c) => {
      // typed Money is checked like its JSON form: a caller's Money may be negative or too long
      const p = moneyProblem(u instanceof Money ? u.toString() : u);
      if (p !== null) return t.failure(u, c, p);
      const m = u instanceof Money ? u : Money.of(u as string);
      if (rule === 'positive' && !m.isPositive())
        return t.failure(u, c, `expected an amount above 0.00, got "${m}"`);
      if (rule === 'non-negative' && m.isNegative())
        return t.failure(u, c, `expected an amount of 0.00 or more, got "${m}"`);
      if (rule === 'non-zero' && m.isZero()) return t.failure(u, c, 'expected a non-zero amount, got "0.00"');
      return t.success(m);
    },
    (m) => m.toString(),
  );
}
/** Codec of any amount of money: a contract money string in JSON, {@link Money} in the domain. */
export const MoneyC = moneyCodec('any');
/** Codec of money above 0.00. */
export const PositiveMoneyC = moneyCodec('positive');
/** Codec of money of 0.00 or more. */
export const NonNegativeMoneyC = moneyCodec('non-negative');
/** Codec of money other than 0.00 (may be negative). */
export const NonZeroMoneyC = moneyCodec('non-zero');

function isPlainObject(u: unknown): u is Record<string, unknown> {
  return typeof u === 'object' && u !== null && !Array.isArray(u);
}

/** Shares: an object from stream to positive whole-number weight, at least one stream. */
export type Shares = Partial<Record<Stream, number>>;
/** Codec of {@link Shares}: each stream a whole-number weight >= 1, at least one stream. */
export const SharesC = new t.Type<Shares, Shares, unknown>(
  'shares',
  (u): u is Shares => isPlainObject(u),
  (u, c) => {
    if (!isPlainObject(u))
      return t.failure(u, c, `expected an object from stream to weight, got ${describeValue(u)}`);
    const keys = Object.keys(u);
    if (keys.length === 0) return t.failure(u, c, 'expected at least one stream with a weight, got {}');
    const out: Shares = {};
    for (const s of STREAMS) {
      if (!(s in u)) continue;
      const w = u[s];
      if (typeof w !== 'number' || !Number.isSafeInteger(w) || w < 1) {
        return t.failure(
          w,
          [...c, { key: s, type: PositiveIntC, actual: w }],
          `expected a whole-number weight >= 1, got ${describeValue(w)}`,
        );
      }
      out[s] = w;
    }
    for (const k of keys) {
      if (!(STREAMS as readonly string[]).includes(k)) {
        return t.failure(u, c, `unknown stream ${describeValue(k)} (expected ${STREAMS.join(', ')})`);
      }
    }
    return t.success(out);
  },
  (s) => s,
);

/** A split: an object from stream to its exact part of a spend. */
export type Split = Partial<Record<Stream, Money>>;
/** Codec of a {@link Split}: each stream's part of a spend, 0.00 or more. */
export const SplitC = new t.Type<Split, Partial<Record<Stream, string>>, unknown>(
  'split',
  (u): u is Split => isPlainObject(u),
  (u, c) => {
    if (!isPlainObject(u))
      return t.failure(u, c, `expected an object from stream to amount, got ${describeValue(u)}`);
    for (const k of Object.keys(u)) {
      if (!(STREAMS as readonly string[]).includes(k)) {
        return t.failure(u, c, `unknown stream ${describeValue(k)} (expected ${STREAMS.join(', ')})`);
      }
    }
    const out: Split = {};
    for (const s of STREAMS) {
      if (!(s in u)) continue;
      const v = u[s];
      const p = moneyProblem(v);
      if (p !== null) return t.failure(v, [...c, { key: s, type: MoneyC, actual: v }], p);
      const m = Money.of(v as string);
      if (m.isNegative())
        return t.failure(
          v,
          [...c, { key: s, type: MoneyC, actual: v }],
          `expected a part of 0.00 or more, got "${m}"`,
        );
      out[s] = m;
    }
    if (Object.keys(out).length === 0)
      return t.failure(u, c, 'expected at least one stream in the split, got {}');
    return t.success(out);
  },
  (s) => {
    const o: Partial<Record<Stream, string>> = {};
    for (const k of STREAMS) {
      const m = s[k];
      if (m !== undefined) o[k] = m.toString();
    }
    return o;
  },
);

/** A non-empty list of distinct streams. */
export const StreamListC = new t.Type<Stream[], Stream[], unknown>(
  'stream list',
  (u): u is Stream[] => Array.isArray(u),
  (u, c) => {
    if (!Array.isArray(u) || u.length === 0)
      return t.failure(u, c, `expected a non-empty list of streams, got ${describeValue(u)}`);
    const seen = new Set<string>();
    for (const [i, s] of u.entries()) {
      if (typeof s !== 'string' || !(STREAMS as readonly string[]).includes(s)) {
        return t.failure(
          s,
          [...c, { key: String(i), type: StreamC, actual: s }],
          `expected one of ${STREAMS.join(', ')}, got ${describeValue(s)}`,
        );
      }
      if (seen.has(s))
        return t.failure(
          s,
          [...c, { key: String(i), type: StreamC, actual: s }],
          `stream ${s} is listed twice`,
        );
      seen.add(s);
    }
    return t.success(u as Stream[]);
  },
  (s) => s,
);
