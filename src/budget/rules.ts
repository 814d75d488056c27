import type { ManagementOption, Purpose, Role } from '../events/primitives.js';
import type { CommandType } from './commands.js';

/**
 * Who may issue which command. Spend commands depend on how the line's money is held:
 * see {@link SPEND_ROLES}. An `auditor` never writes; `system` is for imports and may not
 * make decisions about people.
 */
export const COMMAND_ROLES: { readonly [K in CommandType]: readonly Role[] } = {
  OpenBudget: ['coordinator', 'commissioner', 'finance'],
  AllocateFunding: ['commissioner', 'finance'],
  AdjustFunding: ['commissioner', 'finance'],
  AssessContribution: ['commissioner', 'finance'],
  PayFunds: ['commissioner', 'finance'],
  ProposePlan: ['coordinator'],
  AgreePlan: ['holder', 'representative'],
  RejectPlan: ['holder', 'representative', 'coordinator', 'commissioner'],
  RequestChange: ['holder', 'representative', 'coordinator'],
  RecordSpend: ['holder', 'representative', 'coordinator', 'commissioner', 'finance'],
  ReverseSpend: ['holder', 'representative', 'coordinator', 'commissioner', 'finance'],
  ReclaimSurplus: ['commissioner', 'finance'],
  CompleteReview: ['coordinator', 'commissioner'],
  SuspendDirectPayment: ['commissioner', 'finance'],
  ResumeDirectPayment: ['commissioner', 'finance'],
  StopDirectPayment: ['commissioner', 'finance'],
  CloseBudget: ['coordinator', 'commissioner', 'finance'],
  AuthoriseRepresentative: ['coordinator', 'commissioner'],
  RevokeRepresentative: ['coordinator', 'commissioner'],
  RecordOutcome: ['holder', 'representative', 'coordinator'],
  AgreePlanInBestInterests: ['coordinator'],
  DeclineChangeRequest: ['coordinator', 'commissioner'],
  ExplainOverspend: ['coordinator'],
  ApproveOverspendException: ['commissioner'],
  RequestReconsideration: ['holder', 'representative'],
  AnswerReconsideration: ['commissioner', 'finance'],
  SetLocalExclusions: ['commissioner'],
  HoldContingency: ['commissioner', 'finance'],
  ReturnContingency: ['commissioner', 'finance'],
};

/**
 * Who may record (or reverse) spend on a line, by the line's management option:
 * the holder spends a direct payment; the funder records spend on notional money.
 */
export const SPEND_ROLES: { readonly [K in ManagementOption]: readonly Role[] } = {
  'direct-payment': ['holder', 'representative', 'coordinator', 'finance'],
  'managed-account': ['holder', 'representative', 'coordinator', 'finance'],
  'third-party': ['coordinator', 'finance'],
  notional: ['coordinator', 'commissioner', 'finance'],
};

/**
 * Commands a closed budget still accepts: reclaims and corrections (a reclaim's reconsideration
 * and its answer, returning a contingency held outside the budget).
 */
export const AFTER_CLOSE: readonly CommandType[] = [
  'ReclaimSurplus',
  'ReverseSpend',
  'RequestReconsideration',
  'AnswerReconsideration',
  'ReturnContingency',
];

/** Bases that are free at the point of use: no personal contribution, no top-ups. */
export const FREE_AT_POINT_OF_USE = ['chc', 's117'] as const;

/** A spending rule: a stable id to branch on and cite, and the rule in words. */
export interface SpendingRule {
  readonly id: string;
  readonly text: string;
}

/**
 * Purposes NHS money may never pay for, each with the rule that forbids it: a spend on a line
 * with a `health` share is refused when its purpose is one of these. Sites add local
 * exclusions as policy data.
 */
export const HEALTH_PROHIBITED_PURPOSES: { readonly [P in Purpose]?: SpendingRule } = {
  alcohol: { id: 'nhs-prohibited-alcohol', text: 'NHS money may not be spent on alcohol' },
  tobacco: { id: 'nhs-prohibited-tobacco', text: 'NHS money may not be spent on tobacco' },
  gambling: { id: 'nhs-prohibited-gambling', text: 'NHS money may not be spent on gambling' },
  'debt-repayment': { id: 'nhs-prohibited-debt', text: 'NHS money may not repay debt' },
  illegal: { id: 'nhs-prohibited-illegal', text: 'NHS money may not be spent on anything illegal' },
  'emergency-care': {
    id: 'nhs-prohibited-emergency-care',
    text: 'NHS money in a personal health budget may not buy emergency care (the NHS provides it)',
  },
  'primary-care': {
    id: 'nhs-prohibited-primary-care',
    text: 'NHS money in a personal health budget may not buy primary care such as GP services (the NHS provides it)',
  },
};
