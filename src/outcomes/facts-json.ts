/**
 * The JSON form of outcome facts: what crosses a worker boundary or is saved. Money as
 * contract strings (pounds), maps as sorted [key, value] lists, so equal facts have equal JSON
 * text.
 */
import { BASES, CATEGORIES, COHORTS, OPTIONS, STREAMS, type Shares } from '../events/primitives.js';
import { moneyProblem } from '../money/money.js';
import {
  type BudgetFacts,
  type LineFact,
  type OpenedFact,
  type OutcomeFacts,
  type OutcomeRecordFact,
  type PlanFact,
  type SpendFact,
} from './facts.js';

/** The JSON form of {@link OutcomeFacts}. */
export interface OutcomeFactsJson {
  readonly schema: 'ipb.outcome-facts/1';
  readonly counted: number;
  readonly latest: string | null;
  readonly budgets: ReadonlyArray<readonly [string, BudgetFactsJson]>;
}

/** A spend (`[seq, spendId, lineId, spentOn, health, social-care, education, contribution]`) or a reversal (`[seq, spendId]`). */
export type SpendFactJson =
  readonly [number, string] | readonly [number, string, string, string, string, string, string, string];

/** The JSON form of {@link BudgetFacts}. */
export interface BudgetFactsJson {
  readonly opened: Record<string, unknown> | null;
  readonly closed: ReadonlyArray<readonly [number, string]>;
  readonly funding: ReadonlyArray<readonly [string, string]>;
  readonly reclaims: ReadonlyArray<readonly [string, number, string]>;
  /** Money given back on reconsideration: `[date \t streamIndex, amount]` (absent: none). */
  readonly returned?: ReadonlyArray<readonly [string, string]>;
  /** Counted events: `[date \t tallyIndex, count, amount]` (absent: none). */
  readonly tallies?: ReadonlyArray<readonly [string, number, string]>;
  readonly plans: readonly Record<string, unknown>[];
  /** `[seq, spendId, lineId, spentOn, ...parts]` for a spend, `[seq, spendId]` for a reversal. */
  readonly spends: readonly SpendFactJson[];
  readonly changeRequests: ReadonlyArray<readonly [number, string, string]>;
  readonly declines: ReadonlyArray<readonly [number, string, string]>;
  /** `[seq, instrument, measuredOn, sum of scores, number of items]`. */
  readonly outcomes: ReadonlyArray<readonly [number, string, string, number, number]>;
  readonly reviews: ReadonlyArray<readonly [string, number]>;
  readonly offPlan: ReadonlyArray<readonly [string, number]>;
}

/** Whole pence as a contract money string (`12345n` -> `"123.45"`), exactly, without decimal.js. */
export function penceString(p: bigint): string {
  const neg = p < 0n;
  const abs = neg ? -p : p;
  const s = `${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
  return neg ? `-${s}` : s;
}

/** A contract money string as whole pence (`"123.45"` -> `12345n`); throws on anything else. */
export function stringPence(s: unknown, what = 'amount'): bigint {
  if (typeof s !== 'string' || moneyProblem(s) !== null) {
    throw new TypeError(`outcome facts: ${what} is not a money string: ${JSON.stringify(s)}`);
  }
  return BigInt(s.replace('.', ''));
}

const money = penceString;
const pence = stringPence;
const byKey = <T>(a: readonly [string, T], b: readonly [string, T]): number =>
  a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;

/** The JSON form of an opening. */
export function openedJson(o: OpenedFact): Record<string, unknown> {
  return {
    seq: o.seq,
    at: o.at,
    person: o.person,
    site: o.site,
    cohort: o.cohort,
    basis: o.basis,
    streams: [...o.streams],
    periodStart: o.periodStart,
    periodEnd: o.periodEnd,
    ...(o.referredAt === undefined ? {} : { referredAt: o.referredAt }),
  };
}

/** The JSON form of a plan fact. */
export function planFactJson(p: PlanFact): Record<string, unknown> {
  if (p.kind === 'proposed') {
    return {
      seq: p.seq,
      kind: p.kind,
      at: p.at,
      version: p.version,
      lines: p.lines.map((l) => ({
        lineId: l.lineId,
        category: l.category,
        option: l.option,
        amount: money(l.amount),
        shares: Object.fromEntries(
          STREAMS.filter((s) => l.shares[s] !== undefined).map((s) => [s, l.shares[s]]),
        ),
      })),
      ...(p.changeRequestId === undefined ? {} : { changeRequestId: p.changeRequestId }),
    };
  }
  if (p.kind === 'agreed')
    return { seq: p.seq, kind: p.kind, at: p.at, version: p.version, agreedOn: p.agreedOn };
  return { seq: p.seq, kind: p.kind, at: p.at, version: p.version };
}

/** The JSON form of an outcome measure: `[seq, instrument, measuredOn, sum, items]`. */
export function outcomeFactJson(o: OutcomeRecordFact): readonly [number, string, string, number, number] {
  return [o.seq, o.instrument, o.measuredOn, o.sum, o.count];
}

/** The JSON form of a spend or a reversal. */
export function spendFactJson(s: SpendFact): SpendFactJson {
  if (s.kind === 'reversal') return [s.seq, s.spendId];
  return [
    s.seq,
    s.spendId,
    s.lineId,
    s.spentOn,
    money(s.split[0]),
    money(s.split[1]),
    money(s.split[2]),
    money(s.split[3]),
  ];
}

/** The JSON form of facts: canonical (equal facts give equal text), money as strings. */
export function factsToJson(f: OutcomeFacts): OutcomeFactsJson {
  const budgets = [...f.budgets.entries()]
    .map(([k, b]): [string, BudgetFactsJson] => [
      k,
      {
        opened: b.opened === null ? null : openedJson(b.opened),
        closed: b.closed.map((c) => [c.seq, c.closedOn] as const),
        funding: [...b.funding.entries()].map(([d, p]) => [d, money(p)] as const).sort(byKey),
        reclaims: [...b.reclaims.entries()]
          .map(([d, x]) => [d, x.count, money(x.pence)] as const)
          .sort((a, c) => byKey([a[0], 0], [c[0], 0])),
        returned: [...b.returned.entries()].map(([d, p]) => [d, money(p)] as const).sort(byKey),
        tallies: [...b.tallies.entries()]
          .map(([d, x]) => [d, x.count, money(x.pence)] as const)
          .sort((a, c) => byKey([a[0], 0], [c[0], 0])),
        plans: b.plans.map(planFactJson),
        spends: b.spends.map(spendFactJson),
        changeRequests: b.changeRequests.map((c) => [c.seq, c.id, c.at] as const),
        declines: b.declines.map((c) => [c.seq, c.id, c.at] as const),
        outcomes: b.outcomes.map(outcomeFactJson),
        reviews: [...b.reviews.entries()].sort(byKey),
        offPlan: [...b.offPlan.entries()].sort(byKey),
      },
    ])
    .sort(byKey);
  return { schema: 'ipb.outcome-facts/1', counted: f.counted, latest: f.latest, budgets };
}

function str(u: unknown, what: string): string {
  if (typeof u !== 'string') throw new TypeError(`outcome facts: ${what} must be a string`);
  return u;
}
function int(u: unknown, what: string): number {
  if (typeof u !== 'number' || !Number.isSafeInteger(u))
    throw new TypeError(`outcome facts: ${what} must be a whole number`);
  return u;
}
function oneOf<T extends string>(u: unknown, values: readonly T[], what: string): T {
  if (typeof u !== 'string' || !(values as readonly string[]).includes(u))
    throw new TypeError(`outcome facts: ${what} must be one of ${values.join(', ')}`);
  return u as T;
}

function planFromJson(u: Record<string, unknown>): PlanFact {
  const seq = int(u['seq'], 'plan seq');
  const at = str(u['at'], 'plan at');
  const version = int(u['version'], 'plan version');
  const kind = u['kind'];
  if (kind === 'agreed') return { seq, kind, at, version, agreedOn: str(u['agreedOn'], 'agreedOn') };
  if (kind === 'rejected') return { seq, kind, at, version };
  if (kind !== 'proposed') throw new TypeError('outcome facts: unknown plan fact kind');
  const lines = (u['lines'] as Record<string, unknown>[]).map((l): LineFact => ({
    lineId: str(l['lineId'], 'lineId'),
    category: oneOf(l['category'], CATEGORIES, 'category'),
    option: oneOf(l['option'], OPTIONS, 'option'),
    amount: pence(l['amount'], 'line amount'),
    shares: { ...(l['shares'] as Shares) },
  }));
  const cr = u['changeRequestId'];
  return {
    seq,
    kind,
    at,
    version,
    lines,
    ...(cr === undefined ? {} : { changeRequestId: str(cr, 'changeRequestId') }),
  };
}

function spendFromJson(u: SpendFactJson): SpendFact {
  const seq = int(u[0], 'spend seq');
  const spendId = str(u[1], 'spendId');
  if (u.length === 2) return { seq, kind: 'reversal', spendId };
  if (u.length !== 8) throw new TypeError('outcome facts: a spend has 8 fields');
  return {
    seq,
    kind: 'spend',
    spendId,
    lineId: str(u[2], 'lineId'),
    spentOn: str(u[3], 'spentOn'),
    split: [
      pence(u[4], 'split part'),
      pence(u[5], 'split part'),
      pence(u[6], 'split part'),
      pence(u[7], 'split part'),
    ],
  };
}

/** Rebuilds facts from {@link factsToJson} (e.g. a worker's message). */
export function factsFromJson(j: OutcomeFactsJson): OutcomeFacts {
  if (j.schema !== 'ipb.outcome-facts/1') throw new TypeError('outcome facts: unknown schema');
  const budgets = new Map<string, BudgetFacts>();
  for (const [k, b] of j.budgets) {
    const o = b.opened;
    budgets.set(k, {
      opened:
        o === null
          ? null
          : {
              seq: int(o['seq'], 'opened seq'),
              at: str(o['at'], 'opened at'),
              person: str(o['person'], 'person'),
              site: str(o['site'], 'site'),
              cohort: oneOf(o['cohort'], COHORTS, 'cohort'),
              basis: oneOf(o['basis'], BASES, 'basis'),
              streams: (o['streams'] as unknown[]).map((s) => oneOf(s, STREAMS, 'stream')),
              periodStart: str(o['periodStart'], 'periodStart'),
              periodEnd: str(o['periodEnd'], 'periodEnd'),
              ...(o['referredAt'] === undefined ? {} : { referredAt: str(o['referredAt'], 'referredAt') }),
            },
      closed: b.closed.map(([seq, closedOn]) => ({ seq, closedOn })),
      funding: new Map(b.funding.map(([d, p]) => [d, pence(p, 'funding')])),
      reclaims: new Map(b.reclaims.map(([d, count, p]) => [d, { count, pence: pence(p, 'reclaim') }])),
      returned: new Map((b.returned ?? []).map(([d, p]) => [d, pence(p, 'returned')])),
      tallies: new Map((b.tallies ?? []).map(([d, count, p]) => [d, { count, pence: pence(p, 'tally') }])),
      plans: b.plans.map(planFromJson),
      spends: b.spends.map(spendFromJson),
      changeRequests: b.changeRequests.map(([seq, id, at]) => ({ seq, id, at })),
      declines: b.declines.map(([seq, id, at]) => ({ seq, id, at })),
      outcomes: b.outcomes.map(([seq, instrument, measuredOn, sum, count]) => ({
        seq: int(seq, 'outcome seq'),
        instrument: str(instrument, 'instrument'),
        measuredOn: str(measuredOn, 'measuredOn'),
        sum: int(sum, 'outcome score sum'),
        count: int(count, 'outcome item count'),
      })),
      reviews: new Map(b.reviews),
      offPlan: new Map(b.offPlan),
    });
  }
  return { budgets, counted: j.counted, latest: j.latest };
}
