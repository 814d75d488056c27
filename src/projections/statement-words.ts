/**
 * The words of a budget statement: dates, money, funders, roles, plan lines and the reasons
 * the log records, put the way the person whose budget it is would say them (no event names,
 * no stream or option codes).
 */
import type { Category, ManagementOption, Role, Stream } from '../events/primitives.js';
import { STREAMS } from '../events/primitives.js';
import type { Money } from '../money/money.js';
import type { StatementPerson } from './statement-model.js';

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** A date in words: `2018-04-30` is "30 April 2018". */
export function dateWords(date: string): string {
  const d = Number(date.slice(8, 10));
  const m = MONTHS[Number(date.slice(5, 7)) - 1] ?? '';
  return `${d} ${m} ${date.slice(0, 4)}`;
}

/** Money in words: "£1,500.01" (a minus sign for negative amounts). */
export const moneyWords = (m: Money): string => m.format();

/** Who gives each stream's money, in words. */
export const FUNDER: Readonly<Record<Stream, string>> = {
  health: 'the NHS',
  'social-care': 'the council',
  education: 'education',
  contribution: 'you (your own share)',
};

/** Who gives a stream's money, in words: "the NHS", "the council"... */
export const funderWords = (s: Stream): string => FUNDER[s];

/** The text with its first letter in capitals. */
export const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** Each role in words. */
export const ROLE_WORDS: Readonly<Record<Role, string>> = {
  holder: 'you',
  representative: 'your representative',
  coordinator: 'care coordinator',
  commissioner: 'commissioner',
  finance: 'finance officer',
  auditor: 'auditor',
  system: 'computer system',
};

/** A role in words: "care coordinator", "finance officer"... */
export const roleWords = (r: Role): string => ROLE_WORDS[r];

/** Someone who acted, named as the person would know them. */
export function person(actor: { readonly id: string; readonly role: Role }): StatementPerson {
  return {
    id: actor.id,
    role: actor.role,
    roleWords: ROLE_WORDS[actor.role],
    name: actor.role === 'holder' ? 'You' : `${actor.id} (${ROLE_WORDS[actor.role]})`,
  };
}

/** What each kind of plan line is for, in words. */
export const CATEGORY_WORDS: Readonly<Record<Category, string>> = {
  'personal-assistant': 'Personal assistant',
  'agency-care': 'Care from an agency',
  respite: 'Short breaks',
  equipment: 'Equipment',
  therapy: 'Therapy',
  transport: 'Transport',
  'community-activity': 'Activities in the community',
  other: 'Other support',
};

/** What a plan line is for, in words. */
export const categoryWords = (c: Category): string => CATEGORY_WORDS[c];

/** "a, b and c". */
export function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] ?? ''}`;
}

/** How a line is paid, in words. */
export function howPaidWords(option: ManagementOption, streams: readonly Stream[]): string {
  switch (option) {
    case 'notional': {
      const payers = streams.filter((s) => s !== 'contribution').map((s) => FUNDER[s]);
      const who = payers.length === 0 ? 'The council' : capital(listWords(payers));
      return `${who} ${payers.length > 1 ? 'pay' : 'pays'} the provider for you.`;
    }
    case 'direct-payment':
      return 'The money is paid into your account. You pay for it.';
    case 'third-party':
      return 'An organisation looks after the money and pays for it.';
    case 'managed-account':
      return 'The money is paid into an account a provider runs for you. They pay for it.';
  }
}

/** Who pays a line and in what shares, in words. */
export function whoPaysWords(shares: Readonly<Partial<Record<Stream, number>>>): string {
  const parts = STREAMS.filter((s) => (shares[s] ?? 0) > 0).map((s) => [s, shares[s] as number] as const);
  if (parts.length === 1) return `Paid by ${FUNDER[(parts[0] as readonly [Stream, number])[0]]}.`;
  const total = parts.reduce((n, [, w]) => n + w, 0);
  if (parts.every(([, w]) => w === (parts[0] as readonly [Stream, number])[1])) {
    const each = parts.length === 2 ? 'half each' : 'in equal parts';
    return `Shared by ${listWords(parts.map(([s]) => FUNDER[s]))}, ${each}.`;
  }
  return `Shared by ${listWords(parts.map(([s, w]) => `${FUNDER[s]} (${w} ${w === 1 ? 'part' : 'parts'} in ${total})`))}.`;
}

/** Why money was taken back, in words, by the reason the log records. */
export const RECLAIM_WHY: Readonly<Record<string, string>> = {
  'plan-change': 'Your plan changed, so less money is needed.',
  surplus: 'There was more money in your account than you needed.',
  misuse: 'The money was not used in the way that was agreed.',
  fraud: 'The money may have been taken dishonestly.',
  death: 'The budget ended after a death.',
};

/** Why a payment was not counted, in words, by the problem the log records. */
export const OFF_PLAN_WHY: Readonly<Record<string, string>> = {
  'unknown-line': 'It does not match any part of your plan.',
  'no-agreed-plan': 'There was no agreed plan on that day.',
  'line-not-in-agreed-plan': 'It does not match the plan agreed for that day.',
};

/** What a review found, in words. */
export const REVIEW_RESULT: Readonly<Record<string, string>> = {
  'no-change': 'nothing needs to change',
  'plan-change': 'the plan needs to change',
  ended: 'the budget will end',
};

/** The review rules, in words. */
export const RULE_WORDS: Readonly<Record<string, string>> = {
  'NHS budgets are reviewed within 3 months of starting':
    'Budgets with NHS money are checked within 3 months of starting.',
  'NHS budgets are reviewed at least every 12 months':
    'Budgets with NHS money are checked at least once a year.',
  'social-care direct payments are reviewed within 6 months':
    'Direct payments from the council are checked within 6 months of starting.',
  'social-care direct payments are reviewed at least every 12 months':
    'Direct payments from the council are checked at least once a year.',
  'budgets are reviewed at least every 12 months': 'Budgets are checked at least once a year.',
};
