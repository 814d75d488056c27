/**
 * The simulation's invariant checker. It reads the store (without faults) after every round
 * and checks, for every event it has not seen yet:
 *
 * - the chain: `seq` contiguous from 1 per budget, `prevHash` links, the hash recomputes from
 *   the stored line, the line is the canonical form of the event, `recordedAt` never goes back;
 * - no event twice: event ids unique, a command's events appear once, as one run, complete;
 * - every stored event is what `decide` makes of the command that was delivered, on the state
 *   just before it (the store serialised the writers correctly: no decision on a stale state);
 * - money, with its own bigint arithmetic (not `Money`): each spend split by the largest
 *   remainder rule and adding up to the penny, no spend id recorded twice, no spend reversed
 *   twice, and the library's balances equal these sums (allocated - spent - reclaimed = remaining).
 *
 * And, against everything seen so far: every acknowledged event is still there with its hash,
 * the store's heads have not moved back, and the handler's load (snapshot + newer events) equals
 * the replay from scratch.
 */
import {
  GENESIS_HASH,
  STREAMS,
  applyEvent,
  foldDecisions,
  type DecisionState,
  balancesJson,
  balancesOf,
  canonicalJson,
  decide,
  eventLine,
  hashOfEnvelope,
  mutableState,
  planOn,
  unhashedJson,
  type BalancesReport,
  type BudgetState,
  type Command,
  type EventStore,
  type LedgerEvent,
  type PendingEvent,
} from 'ipb-ledger';
import { stateJson } from '../helpers.js';

/** An invariant broke: the message says which and where. */
export class Violation extends Error {
  override readonly name = 'Violation';
}

/** Where the checker finds the commands that were delivered (to re-decide them). */
export interface CommandSource {
  /** The command as delivered with this id and `recordedAt`, or undefined when none was. */
  delivered(commandId: string, recordedAt: string): unknown;
  /** The sub-commands of a multi-event batch appended under this command id, or undefined. */
  batch(commandId: string): readonly unknown[] | undefined;
}

/** An acknowledged event: where it must stay. */
export interface AckedEvent {
  readonly budgetId: string;
  readonly seq: number;
  readonly hash: string;
}

interface OracleStream {
  allocated: bigint;
  indicative: bigint;
  spent: bigint;
  reclaimed: bigint;
}

interface OracleSpend {
  readonly amount: bigint;
  readonly parts: ReadonlyMap<string, bigint>;
  reversed: boolean;
}

interface Known {
  readonly events: LedgerEvent[];
  readonly state: BudgetState;
  readonly streams: Map<string, OracleStream>;
  order: string[];
  readonly spends: Map<string, OracleSpend>;
}

/** Pence of a contract money string, by string arithmetic (independent of `Money`). */
export function pence(s: unknown): bigint {
  const m = typeof s === 'string' ? /^(-?)(0|[1-9][0-9]*)\.([0-9]{2})$/.exec(s) : null;
  if (m === null) throw new Violation(`not a contract money string: ${String(s)}`);
  const p = BigInt(m[2] as string) * 100n + BigInt(m[3] as string);
  return m[1] === '-' ? -p : p;
}

/** A contract money string of pence. */
export function money(p: bigint): string {
  const neg = p < 0n;
  const a = neg ? -p : p;
  return `${neg ? '-' : ''}${a / 100n}.${String(a % 100n).padStart(2, '0')}`;
}

/** The contract's split rule, written independently: largest remainder, ties to the earlier stream. */
export function splitByShares(amount: bigint, shares: Readonly<Record<string, number>>): Map<string, bigint> {
  const streams = STREAMS.filter((s) => shares[s] !== undefined);
  const total = streams.reduce((n, s) => n + BigInt(shares[s] as number), 0n);
  const parts = new Map<string, bigint>();
  const rems: { s: string; r: bigint; i: number }[] = [];
  let given = 0n;
  streams.forEach((s, i) => {
    const w = BigInt(shares[s] as number);
    parts.set(s, (amount * w) / total);
    given += (amount * w) / total;
    rems.push({ s, r: (amount * w) % total, i });
  });
  rems.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (let k = 0n, j = 0; k < amount - given; k++, j++) {
    const x = rems[j % rems.length] as { s: string };
    parts.set(x.s, (parts.get(x.s) as bigint) + 1n);
  }
  return parts;
}

function rec(u: unknown): Record<string, unknown> {
  return u as Record<string, unknown>;
}

/** Checks a store's contents against the invariants, incrementally, round after round. */
export class Checker {
  private readonly budgets = new Map<string, Known>();
  private readonly lines: string[] = [];
  private readonly eventIds = new Set<string>();
  /** Command id to its budget and the seqs of its events. */
  private readonly commands = new Map<string, { budgetId: string; seqs: number[] }>();
  private checkpoint: string | undefined = undefined;
  /** Events checked so far. */
  events = 0;

  constructor(private readonly source: CommandSource) {}

  private known(budgetId: string): Known {
    let k = this.budgets.get(budgetId);
    if (k === undefined) {
      k = { events: [], state: mutableState(), streams: new Map(), order: [], spends: new Map() };
      this.budgets.set(budgetId, k);
    }
    return k;
  }

  /** Budget ids seen, in id order. */
  budgetIds(): string[] {
    return [...this.budgets.keys()].sort();
  }

  /** The state the checker replayed for a budget. */
  stateOf(budgetId: string): BudgetState {
    return this.known(budgetId).state;
  }

  /** The events of a budget the checker has seen. */
  eventsOf(budgetId: string): readonly LedgerEvent[] {
    return this.known(budgetId).events;
  }

  /** Every line seen, in the store's global order. */
  allLines(): readonly string[] {
    return this.lines;
  }

  /** True when a command id has events in the store. */
  hasCommand(commandId: string): boolean {
    return this.commands.has(commandId);
  }

  /** The events (budget, seqs) of a command. */
  commandEvents(commandId: string): readonly LedgerEvent[] {
    const c = this.commands.get(commandId);
    if (c === undefined) return [];
    const k = this.known(c.budgetId);
    return c.seqs.map((s) => k.events[s - 1] as LedgerEvent);
  }

  /** Reads and checks every event appended since the last call. Returns the budgets that changed. */
  async sync(store: EventStore): Promise<Set<string>> {
    const touched = new Set<string>();
    for (;;) {
      const page = await store.readAll({
        ...(this.checkpoint === undefined ? {} : { after: this.checkpoint }),
        limit: 500,
      });
      if (page.events.length === 0) break;
      for (const x of page.events) {
        this.checkOne(x.event, x.line);
        touched.add(x.event.budgetId);
      }
      this.checkpoint = page.checkpoint;
    }
    for (const id of touched) this.checkBatchesComplete(id);
    return touched;
  }

  /**
   * Reads the whole store from the start and checks it holds exactly the lines already seen,
   * in the same order, then anything new after them (used after a crash and reopen).
   */
  async reread(store: EventStore): Promise<void> {
    let after: string | undefined;
    let i = 0;
    for (;;) {
      const page = await store.readAll({ ...(after === undefined ? {} : { after }), limit: 500 });
      if (page.events.length === 0) break;
      for (const x of page.events) {
        if (i < this.lines.length) {
          if (x.line !== this.lines[i]) {
            throw new Violation(
              `event ${i + 1} of the global order changed or vanished: now ${x.line.slice(0, 120)}`,
            );
          }
        } else {
          this.checkOne(x.event, x.line);
        }
        i += 1;
      }
      after = page.checkpoint;
    }
    if (i < this.lines.length)
      throw new Violation(`the store now has ${i} events, it had ${this.lines.length}: events were lost`);
    this.checkpoint = i === 0 ? undefined : String(i);
    for (const id of this.budgets.keys()) this.checkBatchesComplete(id);
  }

  private checkOne(e: LedgerEvent, line: string): void {
    const where = `budget ${e.budgetId} seq ${e.seq}`;
    const k = this.known(e.budgetId);
    const prev = k.events[k.events.length - 1];
    // the chain
    if (e.seq !== k.events.length + 1)
      throw new Violation(`${where}: seq does not follow ${k.events.length}`);
    if (e.prevHash !== (prev?.hash ?? GENESIS_HASH))
      throw new Violation(`${where}: prevHash does not link to the previous event`);
    let raw: Record<string, unknown>;
    try {
      raw = rec(JSON.parse(line));
    } catch {
      throw new Violation(`${where}: stored line is not JSON`);
    }
    if (hashOfEnvelope(raw) !== e.hash)
      throw new Violation(`${where}: hash does not recompute from the stored line`);
    if (eventLine(e) !== line)
      throw new Violation(`${where}: stored line is not the canonical form of the event`);
    if (prev !== undefined && e.recordedAt < prev.recordedAt)
      throw new Violation(`${where}: recordedAt goes back`);
    // nothing twice
    if (this.eventIds.has(e.eventId)) throw new Violation(`${where}: event id ${e.eventId} appended twice`);
    this.eventIds.add(e.eventId);
    if (e.commandId !== undefined) {
      const c = this.commands.get(e.commandId);
      if (c === undefined) this.commands.set(e.commandId, { budgetId: e.budgetId, seqs: [e.seq] });
      else if (c.budgetId !== e.budgetId || c.seqs[c.seqs.length - 1] !== e.seq - 1) {
        throw new Violation(
          `${where}: command ${e.commandId} appended twice (its events are at ${c.budgetId} ${c.seqs.join(',')})`,
        );
      } else c.seqs.push(e.seq);
    }
    // the decision
    this.checkDecision(e, k.state);
    // money, independently
    this.checkMoney(e, raw, k);
    applyEvent(k.state, e);
    k.events.push(e);
    this.lines.push(line);
    this.events += 1;
  }

  private checkDecision(e: LedgerEvent, before: BudgetState): void {
    const where = `budget ${e.budgetId} seq ${e.seq}`;
    if (e.commandId === undefined) throw new Violation(`${where}: event without a command id`);
    const subs = this.source.batch(e.commandId);
    let command: unknown;
    if (subs !== undefined) {
      const index = (this.commands.get(e.commandId)?.seqs.length ?? 1) - 1;
      command = subs[index];
      if (command === undefined)
        throw new Violation(`${where}: batch ${e.commandId} has more events than commands`);
    } else {
      command = this.source.delivered(e.commandId, e.recordedAt);
      if (command === undefined)
        throw new Violation(`${where}: no command ${e.commandId} was delivered at ${e.recordedAt}`);
    }
    const d = decide(command as Command, before);
    if (d._tag === 'Left') {
      throw new Violation(
        `${where}: ${e.type} was appended, but on the state before it the command is refused (${d.left.code}: ${d.left.message})`,
      );
    }
    const mine = d.right[0];
    if (d.right.length !== 1 || mine === undefined) {
      throw new Violation(
        `${where}: command ${e.commandId} makes ${d.right.length} events on the state before it (already recorded?)`,
      );
    }
    const expected: PendingEvent =
      subs === undefined ? mine : ({ ...mine, eventId: e.eventId, commandId: e.commandId } as PendingEvent);
    const want = canonicalJson(unhashedJson(expected, e.seq, e.prevHash));
    const got = canonicalJson(unhashedJson(e, e.seq, e.prevHash));
    if (want !== got) {
      throw new Violation(
        `${where}: stored ${e.type} is not what the command decides on the state before it\n  stored:  ${got}\n  decided: ${want}`,
      );
    }
  }

  private checkMoney(e: LedgerEvent, raw: Record<string, unknown>, k: Known): void {
    const where = `budget ${e.budgetId} seq ${e.seq}`;
    const data = rec(raw['data']);
    const stream = (s: unknown): OracleStream => {
      const x = k.streams.get(String(s));
      if (x === undefined)
        throw new Violation(`${where}: ${e.type} on stream ${String(s)}, which the budget does not have`);
      return x;
    };
    switch (e.type) {
      case 'BudgetOpened':
        k.order = (data['streams'] as string[]).slice();
        for (const s of k.order)
          k.streams.set(s, { allocated: 0n, indicative: 0n, spent: 0n, reclaimed: 0n });
        return;
      case 'FundingAllocated': {
        const x = stream(data['stream']);
        if (data['stage'] === 'agreed') x.allocated += pence(data['amount']);
        else x.indicative += pence(data['amount']);
        return;
      }
      case 'FundingAdjusted':
        stream(data['stream']).allocated += pence(data['delta']);
        return;
      case 'SurplusReclaimed':
        stream(data['stream']).reclaimed += pence(data['amount']);
        return;
      case 'SpendRecorded': {
        const spendId = String(data['spendId']);
        if (k.spends.has(spendId))
          throw new Violation(`${where}: spend ${spendId} recorded twice (double spend)`);
        const amount = pence(data['amount']);
        const split = rec(data['split']);
        const parts = new Map(Object.entries(split).map(([s, v]) => [s, pence(v)]));
        const sum = [...parts.values()].reduce((a, b) => a + b, 0n);
        if (sum !== amount)
          throw new Violation(`${where}: split adds up to ${money(sum)}, not ${money(amount)}`);
        const line = planOn(k.state.plans, String(data['spentOn']))?.lines.find(
          (l) => l.lineId === data['lineId'],
        );
        if (line === undefined)
          throw new Violation(
            `${where}: spend on line ${String(data['lineId'])}, not in the plan agreed on its date`,
          );
        const want = splitByShares(amount, line.shares as Record<string, number>);
        const a = JSON.stringify([...want].map(([s, p]) => [s, money(p)]).sort());
        const b = JSON.stringify([...parts].map(([s, p]) => [s, money(p)]).sort());
        if (a !== b) throw new Violation(`${where}: split ${b} is not the largest-remainder split ${a}`);
        for (const [s, p] of parts) stream(s).spent += p;
        k.spends.set(spendId, { amount, parts, reversed: false });
        return;
      }
      case 'SpendReversed': {
        const spendId = String(data['spendId']);
        const sp = k.spends.get(spendId);
        if (sp === undefined)
          throw new Violation(`${where}: reversal of spend ${spendId}, which was never recorded`);
        if (sp.reversed) throw new Violation(`${where}: spend ${spendId} reversed twice`);
        sp.reversed = true;
        for (const [s, p] of sp.parts) stream(s).spent -= p;
        return;
      }
      default:
        return;
    }
  }

  /** A multi-event command's events are all there (no half command is ever visible). */
  private checkBatchesComplete(budgetId: string): void {
    for (const [commandId, c] of this.commands) {
      if (c.budgetId !== budgetId) continue;
      const subs = this.source.batch(commandId);
      if (subs !== undefined && c.seqs.length !== subs.length) {
        throw new Violation(
          `budget ${budgetId}: command ${commandId} has ${c.seqs.length} of its ${subs.length} events: half a command is visible`,
        );
      }
    }
  }

  /** The library's balances of the replayed states equal the independent sums, to the penny. */
  checkBalances(budgetIds: Iterable<string>): void {
    for (const id of budgetIds) {
      const k = this.known(id);
      const lib = balancesOf(id, k.state);
      let spentByStreams = 0n;
      for (const [s, b] of lib.streams) {
        const x = k.streams.get(s);
        if (x === undefined)
          throw new Violation(`budget ${id}: library lists stream ${s}, the events never opened it`);
        const want = {
          allocated: money(x.allocated),
          indicative: money(x.indicative),
          spent: money(x.spent),
          reclaimed: money(x.reclaimed),
          remaining: money(x.allocated - x.spent - x.reclaimed),
        };
        const got = {
          allocated: b.allocated.toString(),
          indicative: b.indicative.toString(),
          spent: b.spent.toString(),
          reclaimed: b.reclaimed.toString(),
          remaining: b.remaining.toString(),
        };
        if (JSON.stringify(want) !== JSON.stringify(got)) {
          throw new Violation(
            `budget ${id} stream ${s}: balances ${JSON.stringify(got)} differ from the sums of the events ${JSON.stringify(want)}`,
          );
        }
        spentByStreams += x.spent;
      }
      const spentBySpends = [...k.spends.values()]
        .filter((s) => !s.reversed)
        .reduce((a, s) => a + s.amount, 0n);
      if (spentByStreams !== spentBySpends) {
        throw new Violation(
          `budget ${id}: streams have spent ${money(spentByStreams)} but the live spends add up to ${money(spentBySpends)}`,
        );
      }
    }
  }

  /** The balances report of every opened budget (as `balancesOfStates` lists them). */
  report(): BalancesReport {
    const ids = this.budgetIds().filter((id) => this.known(id).state.status !== 'unopened');
    return { budgets: ids.map((id) => balancesOf(id, this.known(id).state)) };
  }

  /** The report as JSON text, for comparisons. */
  reportJson(): string {
    return JSON.stringify(balancesJson(this.report()));
  }

  /** Every acknowledged event is in the store, at its seq, with its hash. */
  checkAcked(acked: Iterable<[string, AckedEvent]>): void {
    for (const [eventId, a] of acked) {
      const e = this.budgets.get(a.budgetId)?.events[a.seq - 1];
      if (e === undefined || e.eventId !== eventId || e.hash !== a.hash) {
        throw new Violation(
          `acknowledged event ${eventId} (budget ${a.budgetId} seq ${a.seq}) is not in the store: lost`,
        );
      }
    }
  }

  /** The store's head of every budget is where the checker saw it last (nothing cut or rewritten). */
  async checkHeads(store: EventStore): Promise<void> {
    for (const [id, k] of this.budgets) {
      const h = await store.head(id);
      const last = k.events[k.events.length - 1];
      if (h.version !== k.events.length || h.hash !== (last?.hash ?? GENESIS_HASH)) {
        throw new Violation(
          `budget ${id}: store head is version ${h.version}, the checker saw ${k.events.length}`,
        );
      }
    }
  }

  /** A loaded decision state (e.g. the handler's, from a snapshot) equals the replay from scratch. */
  checkLoaded(
    budgetId: string,
    loaded: { state: DecisionState; version: number; hash: string },
    how: string,
  ): void {
    const k = this.known(budgetId);
    const last = k.events[k.events.length - 1];
    if (loaded.version !== k.events.length || loaded.hash !== (last?.hash ?? GENESIS_HASH)) {
      throw new Violation(
        `budget ${budgetId}: ${how} loaded version ${loaded.version} with hash ${loaded.hash.slice(0, 12)}..., the stream is at ${k.events.length} with ${(last?.hash ?? GENESIS_HASH).slice(0, 12)}...`,
      );
    }
    if (stateJson(loaded.state) !== stateJson(foldDecisions(k.events))) {
      throw new Violation(`budget ${budgetId}: ${how} state differs from the replay from scratch`);
    }
  }
}
