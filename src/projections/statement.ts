/**
 * The budget statement: one budget as the person whose money it is can read it. A read model
 * built from the same events and projections as the auditor's views (balances, plan lines,
 * plan history, flags), with every figure exact and every sentence in plain English: no event
 * names, no stream or option codes. Its shape is in `statement-model.ts`, its words in
 * `statement-words.ts`, the walk over the events (spending, actions) in `statement-history.ts`;
 * text and HTML renderers are in `statement-text.ts` and `statement-html.ts`; `ipb statement`
 * prints it.
 */
import type { LedgerEvent, PendingEvent } from '../events/envelope.js';
import type { Category, ManagementOption } from '../events/primitives.js';
import { STREAMS } from '../events/primitives.js';
import { daysBetween } from '../events/time.js';
import { Money } from '../money/money.js';
import { planOn, type BudgetState } from './budget-state.js';
import { balancesOf, lineBalances } from './balances.js';
import { Replay } from './budget-states.js';
import { flagsOf, reviewDue, type Flag, type OverspendExplanation } from './flags.js';
import { planHistory } from './plans.js';
import { statementHistory, type AskedChange } from './statement-history.js';
import type {
  BudgetStatement,
  FunderMoney,
  StatementLine,
  StatementAction,
  StatementOptions,
  StatementReview,
  WaitingChange,
} from './statement-model.js';
import {
  CATEGORY_WORDS,
  FUNDER,
  RULE_WORDS,
  capital,
  dateWords,
  howPaidWords,
  moneyWords,
  whoPaysWords,
} from './statement-words.js';
import { passes, type TimeFilter } from './time-filter.js';

export * from './statement-model.js';
export {
  dateWords,
  moneyWords,
  funderWords,
  roleWords,
  categoryWords,
  howPaidWords,
  whoPaysWords,
} from './statement-words.js';

/**
 * Collects the events of one budget that pass a time filter, as a log is read: the
 * {@link EventFold} `ipb statement` runs over a log of any size (it keeps one budget only).
 */
export class StatementFold {
  readonly events: PendingEvent[] = [];
  constructor(
    readonly budgetId: string,
    readonly filter: TimeFilter = {},
  ) {}

  /** Keeps the event when it belongs to the budget and passes the filter. */
  add(e: PendingEvent): void {
    if (e.budgetId === this.budgetId && passes(e, this.filter)) this.events.push(e);
  }

  /** The statement of the events kept, or null when the budget was not opened by then. */
  statement(options: Omit<StatementOptions, keyof TimeFilter> = {}): BudgetStatement | null {
    return budgetStatement(this.events, this.budgetId, { ...this.filter, ...options });
  }
}

/** Names for the lines of a plan: the kind in words, numbered when two lines share a kind. */
function lineNames(lines: readonly { lineId: string; category: Category }[]): Map<string, string> {
  const count = new Map<Category, number>();
  for (const l of lines) count.set(l.category, (count.get(l.category) ?? 0) + 1);
  const seen = new Map<Category, number>();
  const out = new Map<string, string>();
  for (const l of lines) {
    const k = (seen.get(l.category) ?? 0) + 1;
    seen.set(l.category, k);
    out.set(
      l.lineId,
      (count.get(l.category) ?? 0) > 1 ? `${CATEGORY_WORDS[l.category]} ${k}` : CATEGORY_WORDS[l.category],
    );
  }
  return out;
}

/**
 * The statement of one budget from a list of events (any budgets, interleaved: only this
 * budget's are read), as of the options' times. Null when the budget was not opened by then.
 * Never reads a clock: "today" is the statement's `asOf`.
 */
export function budgetStatement(
  events: Iterable<PendingEvent | LedgerEvent>,
  budgetId: string,
  options: StatementOptions = {},
): BudgetStatement | null {
  const filter: TimeFilter = {
    ...(options.asOf === undefined ? {} : { asOf: options.asOf }),
    ...(options.knownAt === undefined ? {} : { knownAt: options.knownAt }),
  };
  const mine: PendingEvent[] = [];
  for (const e of events) if (e.budgetId === budgetId && passes(e, filter)) mine.push(e);
  const s = new Replay(filter, { trackCommands: false }).addAll(mine).state(budgetId);
  if (s === undefined || s.opened === null) return null;
  let latest = '';
  for (const e of mine) if (e.occurredAt > latest) latest = e.occurredAt;
  const asOf = options.asOf ?? latest;
  const asOfDate = asOf.slice(0, 10);

  const plan = planOn(s.plans, '9999-12-31');
  const names = lineNames(plan?.lines ?? []);
  // Lines of earlier plans keep the names they had there.
  const allNames = new Map<string, string>();
  for (const p of s.plans) for (const [id, n] of lineNames(p.lines)) allNames.set(id, n);
  for (const [id, n] of names) allNames.set(id, n);
  const lineName = (id: string) => allNames.get(id) ?? 'Something not in your plan';

  const history = statementHistory(mine, lineName);

  const balances = balancesOf(budgetId, s).streams;
  const funders: FunderMoney[] = balances.map(([stream, b]) => ({
    stream,
    funder: FUNDER[stream],
    given: b.allocated,
    estimated: b.indicative,
    spent: b.spent,
    takenBack: b.reclaimed,
    left: b.remaining,
  }));
  const sum = (pick: (f: FunderMoney) => Money) => Money.sum(funders.map(pick));
  const total = {
    given: sum((f) => f.given),
    estimated: sum((f) => f.estimated),
    spent: sum((f) => f.spent),
    takenBack: sum((f) => f.takenBack),
    left: sum((f) => f.left),
  };

  const lines: StatementLine[] =
    plan === undefined
      ? []
      : lineBalances(s).map((l) => {
          const line = plan.lines.find((x) => x.lineId === l.lineId);
          const shares = line?.shares ?? {};
          return {
            lineId: l.lineId,
            name: names.get(l.lineId) ?? CATEGORY_WORDS[l.category as Category],
            category: l.category as Category,
            option: l.option as ManagementOption,
            howPaid: howPaidWords(
              l.option as ManagementOption,
              STREAMS.filter((x) => (shares[x] ?? 0) > 0),
            ),
            whoPays: whoPaysWords(shares),
            planned: l.budgeted,
            spent: l.spent,
            left: l.remaining,
          };
        });

  const flags = flagsOf(budgetId, s, {
    onDate: asOfDate,
    ...(options.surplusWeeks === undefined ? {} : { surplusWeeks: options.surplusWeeks }),
  });

  const people = peopleOf(history.actions);
  return {
    budgetId,
    asOf,
    asOfDate,
    knownAt: options.knownAt ?? null,
    periodStart: s.opened.periodStart,
    periodEnd: s.opened.periodEnd,
    closed: history.closed,
    money: {
      funders,
      total,
      contributionAssessed: s.contribution,
      words: moneySentences(funders, total, s.contribution),
    },
    plan:
      plan === undefined || plan.agreedOn === undefined
        ? null
        : {
            version: plan.planVersion,
            agreedOn: plan.agreedOn,
            lines,
            words: `Your plan (version ${plan.planVersion}) was agreed to start on ${dateWords(plan.agreedOn)}. It has ${lines.length} ${lines.length === 1 ? 'part' : 'parts'}.`,
          },
    spending: history.spending,
    waiting: {
      changes: waitingChanges(s, history.requests, asOf),
      review: s.status === 'open' ? review(s, asOfDate) : null,
      reclaims: [...history.reclaims].reverse(),
      directPayment: history.directPayment,
      checks: checks(flags, names),
    },
    actions: [...history.actions].reverse(),
    people,
  };
}

function moneySentences(
  funders: readonly FunderMoney[],
  total: BudgetStatement['money']['total'],
  contribution: Money | null,
): string[] {
  const out: string[] = [];
  if (total.given.isZero() && total.estimated.isPositive()) {
    out.push(`No money has been agreed yet. The early estimate is ${moneyWords(total.estimated)}.`);
  } else {
    out.push(`Your budget has ${moneyWords(total.given)} this year.`);
  }
  for (const f of funders) {
    if (!f.given.isPositive()) continue;
    out.push(
      f.stream === 'contribution'
        ? `Your own share is ${moneyWords(f.given)}.`
        : `${capital(f.funder)} gives ${moneyWords(f.given)}.`,
    );
  }
  out.push(`So far ${moneyWords(total.spent)} has been spent.`);
  if (total.takenBack.isPositive()) out.push(`${moneyWords(total.takenBack)} was taken back.`);
  out.push(
    total.left.isNegative()
      ? `You have spent ${moneyWords(total.left.negate())} more than your budget.`
      : `${moneyWords(total.left)} is left.`,
  );
  if (contribution !== null && contribution.isPositive()) {
    out.push(`Your own share was worked out as ${moneyWords(contribution)}.`);
  }
  return out;
}

function waitingChanges(
  s: BudgetState,
  requests: ReadonlyMap<string, AskedChange>,
  asOf: string,
): WaitingChange[] {
  const open = planHistory(s).openChangeRequests;
  const out: WaitingChange[] = [];
  for (const id of open) {
    const r = requests.get(id);
    if (r === undefined) continue;
    const answers = s.plans.filter((p) => p.changeRequestId === id);
    const last = answers[answers.length - 1];
    const progress =
      last === undefined
        ? 'No new plan has been suggested yet.'
        : last.status === 'rejected'
          ? `A new plan (version ${last.planVersion}) was suggested but turned down. A new one is needed.`
          : `A new plan (version ${last.planVersion}) has been suggested. It is not agreed yet.`;
    out.push({
      changeRequestId: id,
      summary: r.summary,
      askedOn: r.at.slice(0, 10),
      askedBy: r.by,
      daysWaiting: Math.max(0, Math.floor(daysBetween(r.at, asOf))),
      progress,
    });
  }
  return out.sort((a, b) => (a.askedOn < b.askedOn ? -1 : a.askedOn > b.askedOn ? 1 : 0));
}

function review(s: BudgetState, onDate: string): StatementReview | null {
  const due = reviewDue(s);
  if (due === null) return null;
  const last = s.reviews.length > 0 ? ([...s.reviews].sort().pop() ?? null) : null;
  const overdue = due.dueOn < onDate;
  return {
    dueOn: due.dueOn,
    overdue,
    lastReviewedOn: last,
    rule: RULE_WORDS[due.rule] ?? 'Budgets are checked at least once a year.',
    words: overdue
      ? `Your review is overdue. It was due by ${dateWords(due.dueOn)}. Ask your care coordinator when it will happen.`
      : `Your next review is due by ${dateWords(due.dueOn)}.`,
  };
}

function checks(flags: readonly Flag[], names: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (const f of flags) {
    switch (f.kind) {
      case 'overspend-line':
        out.push(
          `More has been spent on "${names.get(f.lineId) ?? 'one part of your plan'}" than planned: ${moneyWords(f.over)} too much. ${OVERSPEND_WORDS[f.explanation]}`,
        );
        break;
      case 'overspend-stream':
        out.push(
          `More of the money from ${FUNDER[f.stream]} has been used than was given: ${moneyWords(f.over)} too much. ${OVERSPEND_WORDS[f.explanation]}`,
        );
        break;
      case 'surplus':
        out.push(
          `Your account holds ${moneyWords(f.balance)}. That is more than ${f.weeks} weeks of money (${moneyWords(f.threshold)}). The funders may ask for some of it back.`,
        );
        break;
      case 'off-plan':
        out.push(
          `A payment of ${moneyWords(f.amount)} on ${dateWords(f.spentOn)} did not match your plan. It was not counted. Someone will check it.`,
        );
        break;
      case 'review-overdue':
        break; // said in the review sentence
      case 'direct-payment-suspended':
      case 'direct-payment-stopped':
        break; // said in the direct payment sentence
      default: {
        const never: never = f;
        return never;
      }
    }
  }
  return out;
}

/** What happens next about an overspend, by whether it was explained or approved. */
const OVERSPEND_WORDS: Record<OverspendExplanation, string> = {
  unexplained: 'Someone will check this with you.',
  explained: 'Your care coordinator has written down why.',
  'exception-approved': 'The funder has agreed to it.',
};

function peopleOf(actions: readonly StatementAction[]): BudgetStatement['people'] {
  // actions are oldest first here; keep each person's latest action, people by first appearance
  const last = new Map<string, StatementAction>();
  for (const a of actions) last.set(`${a.who.role} ${a.who.id}`, a);
  return [...last.values()].map((a) => ({ ...a.who, lastAction: a.what, lastDate: a.date }));
}

/** A statement as JSON: money as contract strings (`"1250.00"`), everything else as is. */
export type StatementJson = Jsonify<BudgetStatement>;
type Jsonify<T> = T extends Money
  ? string
  : T extends string | number | boolean | null
    ? T
    : T extends ReadonlyArray<infer U>
      ? Jsonify<U>[]
      : { [K in keyof T]: Jsonify<T[K]> };

/** The JSON form of a statement (what `ipb statement --format json` prints). */
export function statementJson(st: BudgetStatement): StatementJson {
  const conv = (v: unknown): unknown => {
    if (v instanceof Money) return v.toString();
    if (Array.isArray(v)) return v.map(conv);
    if (v !== null && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, conv(x)]));
    return v;
  };
  return conv(st) as StatementJson;
}
