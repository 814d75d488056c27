/**
 * Idempotency keys that cannot lie: the fingerprint of the command behind a `commandId`.
 *
 * The fingerprint is the SHA-256 of the RFC 8785 canonical JSON of what the caller asked for:
 * the command type, budget, actor, `occurredAt` and data (money as contract strings, an absent
 * spend `purpose` as `"unspecified"`). Transport metadata is left out: `recordedAt` (the ledger's
 * clock may stamp it again on a retry), `correlationId` and `causationId`.
 *
 * The events a command produced carry everything in it, so the same fingerprint is computed
 * from those events ({@link fingerprintOfEvents}): a store remembers it without storing
 * anything beside the log, and rebuilds it from the log on open.
 */
import type * as t from 'io-ts';
import type { PendingEvent } from '../events/envelope.js';
import type { EventType } from '../events/data.js';
import { fieldsOf } from '../events/strict.js';
import { canonicalJson, sha256Hex } from '../events/canonical.js';
import { ledgerError, type LedgerError } from './errors.js';
import { commandDataCodecs, EVENT_OF_COMMAND, type Command, type CommandType } from './commands.js';

/** The command type behind each event type a command produces. */
const COMMAND_OF_EVENT: Partial<Record<EventType, CommandType>> = {
  ...Object.fromEntries(
    (Object.entries(EVENT_OF_COMMAND) as [CommandType, EventType][]).map(([c, e]) => [e, c]),
  ),
  OffPlanSpendFlagged: 'RecordSpend',
  // both agreements produce PlanAgreed; commandTypeOf tells them apart by `bestInterestsReason`
  PlanAgreed: 'AgreePlan',
};

/** Fields an event adds to its command's data (computed by the decider, not asked for). */
const DERIVED: Partial<Record<EventType, readonly string[]>> = {
  SpendRecorded: ['split'],
  OffPlanSpendFlagged: ['problem'],
  OverspendExplained: ['over'],
  OverspendExceptionApproved: ['over'],
  ReclaimReconsidered: ['stream'],
};

function json(value: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

function digest(type: CommandType, meta: PendingEvent | Command, data: Record<string, unknown>): string {
  const known = fieldsOf(commandDataCodecs[type] as t.Mixed);
  const kept: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) if (known === null || k in known) kept[k] = v;
  if (type === 'RecordSpend' && kept['purpose'] === undefined) kept['purpose'] = 'unspecified';
  return sha256Hex(
    canonicalJson({
      type,
      budgetId: meta.budgetId,
      actor: { id: meta.actor.id, role: meta.actor.role },
      occurredAt: meta.occurredAt,
      data: kept,
    }),
  );
}

/** The fingerprint of a decoded command (see the module comment for what it covers). */
export function commandFingerprint(command: Command): string {
  return digest(command.type, command, json(command.data));
}

/** The type of the command that produced an event (`PlanAgreed` may come from two). */
export function commandTypeOf(event: PendingEvent): CommandType | undefined {
  if (event.type === 'PlanAgreed' && event.data.bestInterestsReason !== undefined)
    return 'AgreePlanInBestInterests';
  return COMMAND_OF_EVENT[event.type];
}

/**
 * The fingerprint of the command that produced `events` (all of one command), computed from its
 * first event; null when there is none or its type has no command.
 */
export function fingerprintOfEvents(events: readonly PendingEvent[]): string | null {
  const first = events[0];
  if (first === undefined) return null;
  const type = commandTypeOf(first);
  if (type === undefined) return null;
  const data = json(first.data);
  for (const k of DERIVED[first.type] ?? []) delete data[k];
  return digest(type, first, data);
}

/** The refusal of a different command sent under a used `commandId`. */
export function commandIdReused(commandId: string, original: readonly PendingEvent[]): LedgerError {
  const first = original[0];
  const was = first === undefined ? undefined : commandTypeOf(first);
  return ledgerError(
    'command-id-reused',
    `command id ${commandId} was already used for another command${was === undefined ? '' : ` (${was})`}: send a new command id, or repeat the original command exactly`,
    { field: 'commandId', commandId },
  );
}

/**
 * For a command whose id the budget has seen: null when it is the same command as the one that
 * produced `original` (a safe repeat), else the `command-id-reused` refusal. When the original
 * events are not at hand (empty), it cannot tell and treats the command as a repeat.
 */
export function checkRepeat(command: Command, original: readonly PendingEvent[]): LedgerError | null {
  const before = fingerprintOfEvents(original);
  if (before === null || before === commandFingerprint(command)) return null;
  return commandIdReused(command.commandId, original);
}
