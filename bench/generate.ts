/**
 * A seeded, deterministic synthetic event log for benchmarks and memory measurements.
 *
 *   npx tsx bench/generate.ts --events 1000000 [--seed 1] [--active 400] [--budgets 25000] [--out bench/.cache/log-1000000-s1.jsonl]
 *
 * Every event comes from the real decider (`decide`), so the log is valid: budgets are
 * opened, funded, planned, agreed, spent against (with reversals, off-plan attempts, change
 * requests, reviews, reclaims, suspensions, closures), interleaved across `--active` budgets
 * in recorded-time order, sealed and written with a manifest. The same options give the same
 * bytes. Memory is bounded: only the active budgets' states are held.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  COHORTS,
  GENESIS_HASH,
  Money,
  accountSurplus,
  applyEvent,
  decide,
  mutableState,
  sealEvents,
  type Actor,
  type Basis,
  type BudgetState,
  type Category,
  type Cohort,
  type Command,
  type CommandDataMap,
  type CommandType,
  type LedgerEvent,
  type ManagementOption,
  type PlanLine,
  type Stream,
} from '../src/index.js';
import { LogWriter } from '../src/log/writer.js';

/** Options of the generator. */
export interface GenerateOptions {
  /** Number of events to produce. */
  readonly events: number;
  /** PRNG seed (same seed, same log). Default 1. */
  readonly seed?: number;
  /** Budgets interleaved at any time. Default 400. */
  readonly active?: number;
  /** Months of spending per budget, `[min, max]` (default `[6, 23]`). */
  readonly months?: readonly [number, number];
  /** Spends recorded per budget per month, `[min, max]` (default `[2, 6]`). */
  readonly spendsPerMonth?: readonly [number, number];
  /** Called with every command the generator decided (and the log holds the events of). */
  readonly onCommand?: (command: Command) => void;
}

/**
 * A profile that gives about `budgets` budgets in `events` events: shorter stories (fewer months
 * of spending, 1 to 4 spends a month) when there are more budgets per event. Each budget has
 * about 12 events besides its months, and about 4.3 a month (spends, payments, reviews...).
 */
export function profileForBudgets(
  events: number,
  budgets: number,
): Pick<GenerateOptions, 'active' | 'months' | 'spendsPerMonth'> {
  const perBudget = events / Math.max(1, budgets);
  const months = Math.max(1, (perBudget - 12) / 4.3);
  return {
    active: Math.max(50, Math.min(2_000, Math.round(budgets / 16))),
    months: [Math.max(1, Math.round(months * 0.6)), Math.max(1, Math.round(months * 1.4))],
    spendsPerMonth: [1, 4],
  };
}

/** The shape of each budget's story (see {@link GenerateOptions}). */
interface Profile {
  readonly months: readonly [number, number];
  readonly spendsPerMonth: readonly [number, number];
}

/** mulberry32: a tiny, fast, seeded PRNG (not for security). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SITES = ['north', 'south', 'east', 'west', 'midlands', 'coast', 'city', 'valley'] as const;
const BASES_BY_COHORT: Readonly<Record<Cohort, readonly Basis[]>> = {
  'older-people-ltc': ['chc', 'joint', 'care-act'],
  'children-disabilities': ['ehcp', 'joint', 'chc'],
  'learning-disabilities': ['joint', 'care-act', 's117'],
  'serious-mental-illness': ['s117', 'joint'],
  other: ['joint', 'care-act'],
};
const STREAMS_BY_BASIS: Readonly<Record<Basis, readonly Stream[]>> = {
  chc: ['health'],
  s117: ['health', 'social-care'],
  'care-act': ['social-care', 'contribution'],
  ehcp: ['education', 'health', 'social-care'],
  joint: ['health', 'social-care'],
};
const LINE_KINDS: readonly [Category, ManagementOption][] = [
  ['personal-assistant', 'direct-payment'],
  ['agency-care', 'notional'],
  ['respite', 'third-party'],
  ['therapy', 'notional'],
  ['equipment', 'direct-payment'],
  ['community-activity', 'managed-account'],
  ['transport', 'direct-payment'],
];

const DAY = 86_400_000;

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** One budget being generated: its script of commands, produced lazily. */
class BudgetCursor {
  state: BudgetState = mutableState();
  head = { seq: 0, hash: GENESIS_HASH };
  /** Time (ms) of the next command. */
  next: number;
  private n = 0;
  private readonly script: Generator<Command | null, void, undefined>;

  constructor(
    readonly budgetId: string,
    start: number,
    private readonly rnd: () => number,
    private readonly profile: Profile = { months: [6, 23], spendsPerMonth: [2, 6] },
  ) {
    this.next = start;
    this.script = this.run();
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rnd() * xs.length)] as T;
  }

  private pence(min: number, max: number): Money {
    return Money.fromPence(BigInt(min + Math.floor(this.rnd() * (max - min + 1))));
  }

  private cmd<K extends CommandType>(type: K, actor: Actor, data: CommandDataMap[K]): Command {
    this.n += 1;
    const at = iso(this.next);
    return {
      type,
      commandId: `${this.budgetId}-c${this.n}`,
      budgetId: this.budgetId,
      actor,
      occurredAt: at,
      recordedAt: at,
      data,
    } as Command;
  }

  /** Moves the clock on by whole days plus some minutes. */
  private wait(minDays: number, maxDays: number): void {
    this.next +=
      Math.floor((minDays + this.rnd() * (maxDays - minDays)) * DAY) + Math.floor(this.rnd() * 600) * 1000;
  }

  /** The next command, or undefined when the budget's story is over. */
  step(): Command | undefined {
    for (;;) {
      const r = this.script.next();
      if (r.done === true) return undefined;
      if (r.value !== null) return r.value;
    }
  }

  private *run(): Generator<Command | null, void, undefined> {
    const id = this.budgetId;
    const cohort = this.pick(COHORTS);
    const basis = this.pick(BASES_BY_COHORT[cohort]);
    const streams = STREAMS_BY_BASIS[basis];
    const site = this.pick(SITES);
    const coord: Actor = { id: `coord-${site}-${1 + Math.floor(this.rnd() * 9)}`, role: 'coordinator' };
    const finance: Actor = { id: `finance-${site}`, role: 'finance' };
    const holder: Actor = { id: `p-${id}`, role: 'holder' };
    const startDay = new Date(this.next).toISOString().slice(0, 10);
    const endDay = iso(this.next + 364 * DAY).slice(0, 10);
    yield this.cmd('OpenBudget', coord, {
      personRef: `p-${id}`,
      site,
      cohort,
      basis,
      streams: [...streams],
      periodStart: startDay,
      periodEnd: endDay,
      referredAt: iso(this.next - Math.floor(10 + this.rnd() * 60) * DAY),
    });
    this.wait(0.5, 3);
    const fundable = streams.filter((s) => s !== 'contribution');
    for (const stream of fundable) {
      yield this.cmd('AllocateFunding', finance, {
        stream,
        amount: this.pence(500_000, 3_000_000),
        stage: 'indicative',
      });
    }
    const assessed = streams.includes('contribution') ? this.pence(0, 300_000) : Money.zero;
    if (streams.includes('contribution')) {
      yield this.cmd('AssessContribution', finance, { amount: assessed });
    }
    const linesOf = (version: number): PlanLine[] => {
      const count = 2 + Math.floor(this.rnd() * 3);
      const lines: PlanLine[] = [];
      for (let i = 0; i < count; i++) {
        const [category, option] = this.pick(LINE_KINDS);
        const shares: Partial<Record<Stream, number>> = {};
        for (const s of streams)
          if (this.rnd() < 0.7 || Object.keys(shares).length === 0)
            shares[s] = 1 + Math.floor(this.rnd() * 3);
        // a contribution is a charge for social care: never a larger share than social care's
        if (shares.contribution !== undefined)
          shares.contribution = Math.min(
            shares.contribution,
            (shares['social-care'] ??= shares.contribution),
          );
        lines.push({
          lineId: `l${version}-${i}`,
          category,
          option,
          amount: this.pence(100_000, 2_000_000),
          shares,
        });
      }
      return lines;
    };
    let version = 1;
    let lines = linesOf(version);
    this.wait(3, 20);
    yield this.cmd('ProposePlan', coord, { planVersion: version, lines });
    this.wait(1, 10);
    const agreedOn = () => iso(this.next).slice(0, 10);
    yield this.cmd('AgreePlan', holder, { planVersion: version, agreedOn: agreedOn() });
    this.wait(0, 2);
    for (const stream of streams) {
      const amount = stream === 'contribution' ? assessed : this.pence(1_000_000, 4_000_000);
      if (amount.isPositive())
        yield this.cmd('AllocateFunding', finance, { stream, amount, stage: 'agreed' });
    }
    const [minMonths, maxMonths] = this.profile.months;
    const months = minMonths + Math.floor(this.rnd() * (maxMonths - minMonths + 1));
    let spendNo = 0;
    const spends: string[] = [];
    const changeAt = this.rnd() < 0.4 ? 2 + Math.floor(this.rnd() * 6) : -1;
    for (let month = 0; month < months; month++) {
      if (lines.some((l) => l.option !== 'notional')) {
        for (const stream of fundable) {
          yield this.cmd('PayFunds', finance, {
            stream,
            amount: this.pence(50_000, 300_000),
            option: 'direct-payment',
            reference: `dp-${id}-${month}-${stream}`,
          });
        }
      }
      const [minSpends, maxSpends] = this.profile.spendsPerMonth;
      const perMonth = minSpends + Math.floor(this.rnd() * (maxSpends - minSpends + 1));
      // About four spends a month take 1 to 6 days each; more spends come closer together.
      const gap = 4 / ((minSpends + maxSpends) / 2);
      for (let k = 0; k < perMonth; k++) {
        this.wait(gap, 6 * gap);
        const l = this.pick(lines);
        spendNo += 1;
        const spendId = `s${spendNo}`;
        const offPlan = this.rnd() < 0.02;
        const spender = l.option === 'notional' || l.option === 'third-party' ? coord : holder;
        yield this.cmd('RecordSpend', offPlan ? coord : spender, {
          spendId,
          lineId: offPlan ? 'not-a-line' : l.lineId,
          amount: this.pence(1_000, 150_000),
          spentOn: iso(this.next - Math.floor(this.rnd() * 3) * DAY).slice(0, 10),
          payee: `payee ${1 + Math.floor(this.rnd() * 40)}`,
          evidenceRef: `ev-${id}-${spendNo}`,
        });
        // The state already holds the outcome of the spend (recorded, or flagged off-plan).
        if (this.state.spends.has(spendId)) spends.push(spendId);
        if (this.rnd() < 0.03 && spends.length > 0) {
          this.wait(0, 2);
          const undo = spends.splice(Math.floor(this.rnd() * spends.length), 1)[0] as string;
          yield this.cmd('ReverseSpend', coord, { spendId: undo, reason: 'recorded against the wrong line' });
        }
      }
      if (month === changeAt) {
        this.wait(1, 5);
        const cr = `cr-${version}`;
        yield this.cmd('RequestChange', holder, { changeRequestId: cr, summary: 'needs changed' });
        this.wait(1, 9);
        version += 1;
        lines = linesOf(version);
        yield this.cmd('ProposePlan', coord, { planVersion: version, changeRequestId: cr, lines });
        this.wait(0.2, 4);
        yield this.cmd('AgreePlan', holder, { planVersion: version, agreedOn: agreedOn() });
      }
      if (month === 2 || month === 11) {
        this.wait(0, 3);
        yield this.cmd('CompleteReview', coord, {
          reviewedOn: iso(this.next).slice(0, 10),
          outcome: 'no-change',
        });
      }
      if (this.rnd() < 0.02) {
        yield this.cmd('AdjustFunding', finance, {
          stream: this.pick(fundable),
          delta: this.rnd() < 0.5 ? this.pence(10_000, 100_000) : this.pence(10_000, 100_000).negate(),
          reason: 'funding review',
        });
      }
      if (this.rnd() < 0.01) {
        yield this.cmd('SuspendDirectPayment', finance, { reason: 'evidence of spend not provided' });
        this.wait(5, 20);
        yield this.cmd('ResumeDirectPayment', finance, { reason: 'evidence provided' });
      }
      this.wait(2, 8);
    }
    if (this.rnd() < 0.2) {
      // a reclaim takes at most the surplus held in the account
      const stream = this.pick(fundable);
      const wanted = this.pence(10_000, 200_000);
      const surplus = accountSurplus(this.state, stream);
      if (surplus.isPositive()) {
        yield this.cmd('ReclaimSurplus', finance, {
          stream,
          amount: wanted.greaterThan(surplus) ? surplus : wanted,
          reason: 'surplus',
          noticeRef: `notice-${id}`,
          deadline: iso(this.next + 28 * DAY).slice(0, 10),
        });
      }
    }
    if (this.rnd() < 0.5) {
      this.wait(1, 10);
      yield this.cmd('CloseBudget', coord, {
        closedOn: iso(this.next).slice(0, 10),
        reason: 'end of the budget period',
      });
    }
  }
}

/** A min-heap of cursors by next command time (ties by budget id, so order is deterministic). */
class Heap {
  private readonly xs: BudgetCursor[] = [];
  get size(): number {
    return this.xs.length;
  }
  private less(a: BudgetCursor, b: BudgetCursor): boolean {
    return a.next < b.next || (a.next === b.next && a.budgetId < b.budgetId);
  }
  push(c: BudgetCursor): void {
    const xs = this.xs;
    xs.push(c);
    let i = xs.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(xs[i] as BudgetCursor, xs[p] as BudgetCursor)) break;
      [xs[i], xs[p]] = [xs[p] as BudgetCursor, xs[i] as BudgetCursor];
      i = p;
    }
  }
  pop(): BudgetCursor | undefined {
    const xs = this.xs;
    const top = xs[0];
    const last = xs.pop();
    if (xs.length > 0 && last !== undefined) {
      xs[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < xs.length && this.less(xs[l] as BudgetCursor, xs[m] as BudgetCursor)) m = l;
        if (r < xs.length && this.less(xs[r] as BudgetCursor, xs[m] as BudgetCursor)) m = r;
        if (m === i) break;
        [xs[i], xs[m]] = [xs[m] as BudgetCursor, xs[i] as BudgetCursor];
        i = m;
      }
    }
    return top;
  }
}

/**
 * The events of a synthetic log, sealed, in recorded-time order across budgets. Lazy: memory
 * holds only the active budgets.
 */
export function* generateEvents(options: GenerateOptions): Generator<LedgerEvent, void, undefined> {
  const rnd = prng(options.seed ?? 1);
  const active = options.active ?? 400;
  const profile: Profile = {
    months: options.months ?? [6, 23],
    spendsPerMonth: options.spendsPerMonth ?? [2, 6],
  };
  const heap = new Heap();
  let budgets = 0;
  const epoch = Date.UTC(2016, 3, 1);
  const startBudget = (at: number) => {
    budgets += 1;
    heap.push(
      new BudgetCursor(
        `site-b${String(budgets).padStart(7, '0')}`,
        at,
        prng(Math.floor(rnd() * 2 ** 32)),
        profile,
      ),
    );
  };
  for (let i = 0; i < active; i++) startBudget(epoch + Math.floor(rnd() * 90 * DAY));
  let emitted = 0;
  while (emitted < options.events) {
    const c = heap.pop();
    if (c === undefined) return;
    const command = c.step();
    if (command === undefined) {
      startBudget(c.next + Math.floor(rnd() * 5 * DAY));
      continue;
    }
    const decided = decide(command, c.state);
    if (decided._tag === 'Left') {
      throw new Error(
        `generator bug: ${command.type} on ${command.budgetId} refused: ${decided.left.message}`,
      );
    }
    options.onCommand?.(command);
    const sealed = sealEvents(decided.right, c.head);
    for (const e of sealed) {
      if (emitted >= options.events) return;
      applyEvent(c.state, e, { trackCommands: false });
      c.head = { seq: e.seq, hash: e.hash };
      emitted += 1;
      yield e;
    }
    heap.push(c);
  }
}

/** Writes a synthetic log (and its manifest) to `path`; returns the number of events. */
export async function generateLog(path: string, options: GenerateOptions): Promise<number> {
  await mkdir(dirname(path), { recursive: true });
  const w = await LogWriter.create(path);
  let n = 0;
  let batch: LedgerEvent[] = [];
  for (const e of generateEvents(options)) {
    batch.push(e);
    n += 1;
    if (batch.length >= 1000) {
      await w.append(batch);
      batch = [];
    }
  }
  await w.append(batch);
  await w.close();
  return n;
}

/** The default cache path of a generated log. */
export function cachedLogPath(events: number, seed = 1): string {
  return `bench/.cache/log-${events}-s${seed}.jsonl`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: '100000' },
      seed: { type: 'string', default: '1' },
      active: { type: 'string', default: '400' },
      budgets: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const events = Number(values.events);
  const seed = Number(values.seed);
  const active = Number(values.active);
  if (!Number.isSafeInteger(events) || events < 1) throw new Error('--events: expected a whole number >= 1');
  if (!Number.isSafeInteger(seed)) throw new Error('--seed: expected a whole number');
  if (!Number.isSafeInteger(active) || active < 1) throw new Error('--active: expected a whole number >= 1');
  const out = values.out ?? cachedLogPath(events, seed);
  const budgets = values.budgets === undefined ? undefined : Number(values.budgets);
  if (budgets !== undefined && (!Number.isSafeInteger(budgets) || budgets < 1))
    throw new Error('--budgets: expected a whole number >= 1');
  // --budgets: about that many budgets (shorter stories), instead of --active's default shape
  const shape = budgets === undefined ? { active } : profileForBudgets(events, budgets);
  const n = await generateLog(out, { events, seed, ...shape });
  process.stderr.write(`wrote ${n} events to ${out} (and ${out}.manifest.json)\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    process.stderr.write(`generate: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
