/**
 * The first, mergeable stage of the outcome metrics: per-budget facts.
 *
 * A log may be cut anywhere (files, byte ranges, workers) and a budget's events may fall into
 * several parts, so nothing per-budget is decided while reading. Each part folds its events
 * into {@link OutcomeFacts}: for every budget, the few facts the metrics need (its opening with
 * the person's reference, closures, plan events, spends, change requests and their refusals,
 * and outcome measures with their `seq`; funding, reclaims, reviews and off-plan attempts
 * summed by date). {@link mergeFacts} combines parts by budget key; it is associative
 * and commutative with {@link emptyFacts} as identity, and money stays exact (bigint pence;
 * contract money strings in the JSON form that crosses worker boundaries). The metrics are
 * computed only from the merged facts (`metrics.ts`), so any partition of a log gives
 * exactly the same outcomes as one pass. The facts' types are in `facts-types.ts`, merging is in
 * `facts-merge.ts`, the JSON form in `facts-json.ts`.
 */
import type { LedgerEvent } from '../events/envelope.js';
import { moneyEffects } from '../events/money-effects.js';
import { RECLAIM_REASONS, STREAMS, type ReclaimReason, type Stream } from '../events/primitives.js';
import { sha256Hex } from '../log/hash.js';
import { passes, type TimeFilter } from '../projections/time-filter.js';
import {
  addCount,
  addPence,
  addTally,
  closedKey,
  crKey,
  firstOpened,
  insertBySeq,
  maxDate,
  outcomeKey,
  planKey,
  spendKey,
} from './facts-merge.js';
import { TALLIES, type BudgetFacts, type OpenedFact, type OutcomeFacts, type Tally } from './facts-types.js';

export * from './facts-types.js';

/** The key a person is counted by: the SHA-256 (hex) of their `personRef`. */
export function personKey(personRef: string): string {
  return sha256Hex(`ipb.person:${personRef}`);
}

/** The identity of {@link mergeFacts}: no budgets, nothing counted. */
export function emptyFacts(): OutcomeFacts {
  return { budgets: new Map(), counted: 0, latest: null };
}

function emptyBudget(): BudgetFacts {
  return {
    opened: null,
    closed: [],
    funding: new Map(),
    reclaims: new Map(),
    returned: new Map(),
    tallies: new Map(),
    plans: [],
    spends: [],
    changeRequests: [],
    declines: [],
    outcomes: [],
    reviews: new Map(),
    offPlan: new Map(),
  };
}

const STREAM_INDEX = new Map<Stream, number>(STREAMS.map((s, i) => [s, i]));
const REASON_INDEX = new Map<ReclaimReason, number>(RECLAIM_REASONS.map((r, i) => [r, i]));
const TALLY_INDEX = new Map<Tally, number>(TALLIES.map((t, i) => [t, i]));

/** Counts an event of kind `t` on `date`, with its amount in pence (0 when it has none). */
function tally(b: BudgetFacts, date: string, t: Tally, pence = 0n): void {
  addTally(b.tallies, `${date}\t${TALLY_INDEX.get(t)}`, 1, pence);
}

/** Counts one reclaim of `pence` under `key` (`date \t streamIndex \t reasonIndex`). */
function addReclaim(b: BudgetFacts, key: string, pence: bigint): void {
  const x = b.reclaims.get(key);
  if (x === undefined) b.reclaims.set(key, { count: 1, pence });
  else {
    x.count += 1;
    x.pence += pence;
  }
}

/**
 * Adds what an event does to its streams' sums ({@link moneyEffects}, written once in
 * src/events/money-effects.ts) to the dated flows the metrics count: agreed funding, reclaims
 * (a rise of `reclaimed`, with the reclaim's reason), and what reconsideration gave back (a
 * fall). Spend is kept per spend instead (its reversal may be in another part of the log);
 * indicative funding and cash paid are not counted.
 */
function addMoneyFlows(b: BudgetFacts, e: LedgerEvent, date: string): void {
  for (const { stream, sum, delta } of moneyEffects(e)) {
    const at = `${date}\t${STREAM_INDEX.get(stream)}`;
    if (sum === 'allocated') addPence(b.funding, at, delta.toPence());
    else if (sum === 'reclaimed' && delta.isPositive() && e.type === 'SurplusReclaimed')
      addReclaim(b, `${at}\t${REASON_INDEX.get(e.data.reason)}`, delta.toPence());
    else if (sum === 'reclaimed') addPence(b.returned, at, -delta.toPence());
  }
}

/**
 * Folds one event into the facts when it passes the time filter (`occurredAt <= asOf`,
 * `recordedAt <= knownAt`, as for balances). `key` is the budget's key (default its id).
 */
export function addEventToFacts(
  facts: OutcomeFacts,
  e: LedgerEvent,
  filter: TimeFilter = {},
  key: string = e.budgetId,
): void {
  if (!passes(e, filter)) return;
  facts.counted += 1;
  facts.latest = maxDate(facts.latest, e.occurredAt.slice(0, 10));
  let b = facts.budgets.get(key);
  if (b === undefined) {
    b = emptyBudget();
    facts.budgets.set(key, b);
  }
  const date = e.occurredAt.slice(0, 10);
  addMoneyFlows(b, e, date);
  switch (e.type) {
    case 'BudgetOpened': {
      const d = e.data;
      const o: OpenedFact = {
        seq: e.seq,
        at: e.occurredAt,
        person: personKey(d.personRef),
        site: d.site,
        cohort: d.cohort,
        basis: d.basis,
        streams: [...d.streams],
        periodStart: d.periodStart,
        periodEnd: d.periodEnd,
        ...(d.referredAt === undefined ? {} : { referredAt: d.referredAt }),
      };
      b.opened = firstOpened(b.opened, o);
      return;
    }
    case 'PlanProposed':
      insertBySeq(
        b.plans,
        {
          seq: e.seq,
          kind: 'proposed',
          at: e.occurredAt,
          version: e.data.planVersion,
          lines: e.data.lines.map((l) => ({
            lineId: l.lineId,
            category: l.category,
            option: l.option,
            amount: l.amount.toPence(),
            shares: { ...l.shares },
          })),
          ...(e.data.changeRequestId === undefined ? {} : { changeRequestId: e.data.changeRequestId }),
        },
        planKey,
      );
      return;
    case 'PlanAgreed':
      tally(
        b,
        date,
        e.data.bestInterestsReason === undefined ? 'plan-agreed-by-person' : 'plan-agreed-in-best-interests',
      );
      insertBySeq(
        b.plans,
        {
          seq: e.seq,
          kind: 'agreed',
          at: e.occurredAt,
          version: e.data.planVersion,
          agreedOn: e.data.agreedOn,
        },
        planKey,
      );
      return;
    case 'PlanRejected':
      insertBySeq(
        b.plans,
        { seq: e.seq, kind: 'rejected', at: e.occurredAt, version: e.data.planVersion },
        planKey,
      );
      return;
    case 'ChangeRequested':
      insertBySeq(b.changeRequests, { seq: e.seq, id: e.data.changeRequestId, at: e.occurredAt }, crKey);
      return;
    case 'ChangeRequestDeclined':
      insertBySeq(b.declines, { seq: e.seq, id: e.data.changeRequestId, at: e.occurredAt }, crKey);
      return;
    case 'ReclaimReconsidered':
      tally(b, date, 'reclaim-reconsidered', e.data.returned.toPence());
      return;
    case 'OverspendExplained':
      tally(b, date, 'overspend-explained');
      return;
    case 'OverspendExceptionApproved':
      tally(b, date, 'overspend-exception-approved');
      return;
    case 'ContingencyHeld':
      tally(b, date, 'contingency-held', e.data.amount.toPence());
      return;
    case 'ContingencyReturned':
      tally(b, date, 'contingency-returned', e.data.amount.toPence());
      return;
    case 'SpendRecorded': {
      const split: [bigint, bigint, bigint, bigint] = [0n, 0n, 0n, 0n];
      for (const { stream, sum, delta } of moneyEffects(e)) {
        if (sum === 'spent') split[STREAM_INDEX.get(stream) as number] = delta.toPence();
      }
      facts.latest = maxDate(facts.latest, e.data.spentOn);
      insertBySeq(
        b.spends,
        {
          seq: e.seq,
          kind: 'spend',
          spendId: e.data.spendId,
          lineId: e.data.lineId,
          spentOn: e.data.spentOn,
          split,
        },
        spendKey,
      );
      return;
    }
    case 'SpendReversed':
      insertBySeq(b.spends, { seq: e.seq, kind: 'reversal', spendId: e.data.spendId }, spendKey);
      return;
    case 'ReviewCompleted':
      addCount(b.reviews, e.data.reviewedOn, 1);
      return;
    case 'OutcomeRecorded': {
      let sum = 0;
      for (const i of e.data.items) sum += i.score;
      facts.latest = maxDate(facts.latest, e.data.measuredOn);
      insertBySeq(
        b.outcomes,
        {
          seq: e.seq,
          instrument: e.data.instrument,
          measuredOn: e.data.measuredOn,
          sum,
          count: e.data.items.length,
        },
        outcomeKey,
      );
      return;
    }
    case 'OffPlanSpendFlagged':
      facts.latest = maxDate(facts.latest, e.data.spentOn);
      addCount(b.offPlan, e.data.spentOn, 1);
      return;
    case 'BudgetClosed':
      insertBySeq(b.closed, { seq: e.seq, closedOn: e.data.closedOn }, closedKey);
      return;
    default:
      // Other events (funding and reclaims, counted above by their money effects; contributions
      // assessed, funds paid, direct payment status, representatives) add no other fact.
      return;
  }
}

/** Facts of a list of events (one pass). */
export function factsOfEvents(events: Iterable<LedgerEvent>, filter: TimeFilter = {}): OutcomeFacts {
  const f = emptyFacts();
  for (const e of events) addEventToFacts(f, e, filter);
  return f;
}
