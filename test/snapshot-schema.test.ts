/**
 * Snapshots are keyed by DECISION_STATE_VERSION, a number bumped by hand. This test makes the
 * bump impossible to forget: it takes the shape of a rich decision state (every field path and
 * the kind of value there, from every command type recorded, and the example site's log) and
 * checks it against the shape recorded for the current version. Change the state's shape and
 * this fails until the version is bumped and the new shape recorded beside it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  BUDGET_STATE_FORMAT,
  DECISION_STATE_VERSION,
  Ledger,
  Money,
  decodeState,
  encodeBudgetState,
  foldDecisions,
  eventsOfLog,
  type DecisionState,
} from 'ipb-ledger';
import { everyCommand } from '../docs/snippets/every-command.js';

/** The shape of each version of the decision state: add a line with every bump, never edit one. */
const SHAPES: Readonly<Record<number, readonly string[]>> = {
  1: [
    '.budgetId: string',
    '.changeRequests: map',
    '.changeRequests<key>: string',
    '.changeRequests<value>.changeRequestId: string',
    '.changeRequests<value>.declinedAt: string',
    '.changeRequests<value>: object',
    '.commands: map',
    '.commands<key>: string',
    '.commands<value>: list',
    '.commands<value>[]: string',
    '.contingencies: map',
    '.contingencies<key>: string',
    '.contingencies<value>.amount: money',
    '.contingencies<value>.contingencyId: string',
    '.contingencies<value>.returned: money',
    '.contingencies<value>: object',
    '.contribution: money',
    '.contribution: null',
    '.directPayment: string',
    '.directPaymentReason: null',
    '.directPaymentReason: string',
    '.exclusions: list',
    '.exclusions[].purpose: string',
    '.exclusions[].ruleId: string',
    '.exclusions[].stream: string',
    '.exclusions[].text: string',
    '.exclusions[]: object',
    '.lastRecordedAt: string',
    '.opened.basis: string',
    '.opened.cohort: string',
    '.opened.periodEnd: string',
    '.opened.periodStart: string',
    '.opened.personRef: string',
    '.opened.referredAt: string',
    '.opened.site: string',
    '.opened.streams: list',
    '.opened.streams[]: string',
    '.opened: object',
    '.plans: list',
    '.plans[].agreedOn: string',
    '.plans[].changeRequestId: string',
    '.plans[].lines: list',
    '.plans[].lines[].amount: money',
    '.plans[].lines[].category: string',
    '.plans[].lines[].lineId: string',
    '.plans[].lines[].option: string',
    '.plans[].lines[].shares.contribution: number',
    '.plans[].lines[].shares.education: number',
    '.plans[].lines[].shares.health: number',
    '.plans[].lines[].shares.social-care: number',
    '.plans[].lines[].shares: object',
    '.plans[].lines[]: object',
    '.plans[].planVersion: number',
    '.plans[].status: string',
    '.plans[]: object',
    '.reclaims: map',
    '.reclaims<key>: string',
    '.reclaims<value>.amount: money',
    '.reclaims<value>.noticeRef: string',
    '.reclaims<value>.reconsideration: string',
    '.reclaims<value>.stream: string',
    '.reclaims<value>: object',
    '.representatives: set',
    '.spends: map',
    '.spends<key>: string',
    '.spends<value>.amount: money',
    '.spends<value>.lineId: string',
    '.spends<value>.option: string',
    '.spends<value>.reversed: boolean',
    '.spends<value>.split.contribution: money',
    '.spends<value>.split.education: money',
    '.spends<value>.split.health: money',
    '.spends<value>.split.social-care: money',
    '.spends<value>.split: object',
    '.spends<value>: object',
    '.status: string',
    '.totals: map',
    '.totals<key>: string',
    '.totals<value>.allocated: money',
    '.totals<value>.indicative: money',
    '.totals<value>.paid: money',
    '.totals<value>.paidToAccount: money',
    '.totals<value>.reclaimed: money',
    '.totals<value>.spent: money',
    '.totals<value>: object',
    '.version: number',
    ': object',
  ],
};

/** Every path in a value with the kind of value found there (list items, map keys and values merged). */
function shapeOf(v: unknown, path: string, out: Set<string>): void {
  if (v === null) return void out.add(`${path}: null`);
  if (v instanceof Money) return void out.add(`${path}: money`);
  if (v instanceof Map) {
    out.add(`${path}: map`);
    for (const [k, x] of v) {
      shapeOf(k, `${path}<key>`, out);
      shapeOf(x, `${path}<value>`, out);
    }
    return;
  }
  if (v instanceof Set) {
    out.add(`${path}: set`);
    for (const x of v) shapeOf(x, `${path}<item>`, out);
    return;
  }
  if (Array.isArray(v)) {
    out.add(`${path}: list`);
    for (const x of v) shapeOf(x, `${path}[]`, out);
    return;
  }
  if (typeof v === 'object') {
    out.add(`${path}: object`);
    for (const [k, x] of Object.entries(v)) if (x !== undefined) shapeOf(x, `${path}.${k}`, out);
    return;
  }
  out.add(`${path}: ${typeof v}`);
}

/** The decision states of every budget: every command type, and the example site's log. */
function richStates(): DecisionState[] {
  const ledger = new Ledger();
  for (const c of everyCommand()) ledger.recordOrThrow(c);
  const site = eventsOfLog(readFileSync(new URL('../examples/logs/ipc-site.jsonl', import.meta.url), 'utf8'));
  const events = [...ledger.events(), ...site];
  const ids = [...new Set(events.map((e) => e.budgetId))];
  return ids.map((id) => foldDecisions(events.filter((e) => e.budgetId === id)));
}

function shape(): string[] {
  const out = new Set<string>();
  for (const s of richStates()) shapeOf(s, '', out);
  return [...out].sort();
}

describe('the decision state schema version', () => {
  it('names the snapshot format', () => {
    expect(BUDGET_STATE_FORMAT).toBe(`ipb.decision-state/${DECISION_STATE_VERSION}`);
  });

  it('is bumped whenever the shape of the decision state changes', () => {
    const now = shape();
    const recorded = SHAPES[DECISION_STATE_VERSION];
    expect(recorded, `record the shape of version ${DECISION_STATE_VERSION} in SHAPES`).toBeDefined();
    expect(
      now,
      'the decision state changed shape: bump DECISION_STATE_VERSION (src/budget/state.ts) and record the new shape',
    ).toEqual(recorded);
  });

  it('sees a change of shape (a field added to a state is reported)', () => {
    const out = new Set<string>();
    const [first] = richStates();
    shapeOf({ ...first, extra: 1 }, '', out);
    expect([...out].sort()).not.toEqual(shape());
  });

  it('the snapshot of a rich state decodes to the same shape', () => {
    const out = new Set<string>();
    for (const s of richStates()) shapeOf(decodeState(encodeBudgetState(s)), '', out);
    expect([...out].sort()).toEqual(shape());
  });
});
