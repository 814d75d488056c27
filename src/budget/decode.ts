/**
 * Decoding a command at the edge: checks its shape (from JSON, or from JavaScript callers) and
 * turns money strings into `Money`. It runs once, where a command comes in; the rules in
 * src/budget/decide/ take the typed {@link Command} it returns.
 */
import type * as t from 'io-ts';
import { type Either, left, right } from 'fp-ts/lib/Either.js';
import { issuesOf } from '../events/report.js';
import { unsafeInputIssue, unknownFieldIssue } from '../events/strict.js';
import { CommandMetaC, commandDataCodecs, type Command } from './commands.js';
import { ledgerError, type LedgerError } from './errors.js';

/** An `invalid-command` refusal naming the field and what is wrong with it. */
export function invalid(field: string, problem: string): LedgerError {
  return ledgerError('invalid-command', `${field === '' ? '' : `${field}: `}${problem}`, { field, problem });
}

/** Checks a command's shape (e.g. from JSON, or from JavaScript callers) and decodes money. */
export function decodeCommand(u: unknown): Either<LedgerError, Command> {
  if (typeof u !== 'object' || u === null || Array.isArray(u))
    return left(invalid('', 'expected a command object'));
  const unsafe = unsafeInputIssue(u);
  if (unsafe !== null) return left(invalid(unsafe.path, unsafe.problem));
  const meta = CommandMetaC.decode(u);
  if (meta._tag === 'Left') {
    const first = issuesOf(meta.left)[0];
    return left(invalid(first?.path ?? '', first?.problem ?? 'not a command'));
  }
  const codec = commandDataCodecs[meta.right.type] as t.Type<unknown, unknown, unknown>;
  const data = codec.decode(meta.right.data);
  if (data._tag === 'Left') {
    const first = issuesOf(data.left, 'data')[0];
    return left(invalid(first?.path ?? 'data', first?.problem ?? 'invalid data'));
  }
  const unknown = unknownFieldIssue(codec, meta.right.data, 'data');
  if (unknown !== null) return left(invalid(unknown.path, unknown.problem));
  return right({ ...meta.right, data: data.right } as Command);
}
