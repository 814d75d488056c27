/**
 * Decoding a command at the edge: checks its shape (from JSON, or from JavaScript callers) and
 * turns money strings into `Money`. It runs once, where a command comes in; the rules in
 * src/budget/decide/ take the typed {@link Command} it returns.
 *
 * A valid command takes a compiled path ({@link fastDecodeCommand}: the same io-ts codecs
 * compiled into plain closures, as log lines are decoded); anything it does not accept goes
 * through the codecs themselves, which name the field in the refusal.
 */
import type * as t from 'io-ts';
import { type Either, left, right } from 'fp-ts/lib/Either.js';
import { FAIL, compile, isRecord, type Compiled } from '../events/compile.js';
import { issuesOf } from '../events/report.js';
import { MAX_COMMAND_DEPTH, fieldsOf, unsafeInputIssue, unknownFieldIssue } from '../events/strict.js';
import { CommandMetaC, commandDataCodecs, type Command, type CommandType } from './commands.js';
import { ledgerError, type LedgerError } from './errors.js';

/** An `invalid-command` refusal naming the field and what is wrong with it. */
export function invalid(field: string, problem: string): LedgerError {
  return ledgerError('invalid-command', `${field === '' ? '' : `${field}: `}${problem}`, { field, problem });
}

/** Checks a command's shape (e.g. from JSON, or from JavaScript callers) and decodes money. */
export function decodeCommand(u: unknown): Either<LedgerError, Command> {
  const fast = fastDecodeCommand(u);
  return fast === null ? decodeCommandByCodecs(u) : right(fast);
}

/** {@link decodeCommand} through the io-ts codecs alone: the refusal naming the field. */
export function decodeCommandByCodecs(u: unknown): Either<LedgerError, Command> {
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

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
/** With the `u` flag a surrogate pair is one code point, so this matches only a lone surrogate. */
const LONE_SURROGATE = /\p{Cs}/u;
const hasOwn = Object.prototype.hasOwnProperty;

function isPlain(u: object): boolean {
  const proto = Object.getPrototypeOf(u) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * True when {@link unsafeInputIssue} finds nothing (the same walk, without building paths):
 * no forbidden key, no lone surrogate in a string or key, no list or plain object nested
 * deeper than {@link MAX_COMMAND_DEPTH}.
 */
function safeInput(v: unknown, depth: number): boolean {
  if (typeof v === 'string') return !LONE_SURROGATE.test(v);
  if (typeof v !== 'object' || v === null) return true;
  const list = Array.isArray(v);
  if (!list && !isPlain(v)) return true;
  if (depth > MAX_COMMAND_DEPTH) return false;
  if (list) {
    for (const x of v as unknown[]) if (!safeInput(x, depth + 1)) return false;
    return true;
  }
  for (const k of Object.keys(v)) {
    if (FORBIDDEN.has(k) || LONE_SURROGATE.test(k)) return false;
    if (!safeInput((v as Record<string, unknown>)[k], depth + 1)) return false;
  }
  return true;
}

/** True when {@link unknownFieldIssue} would find nothing: a compiled form of the same walk. */
type KnownFields = (value: unknown) => boolean;

function knownFields(codec: t.Mixed): KnownFields {
  const c = codec as t.Mixed & { readonly _tag?: string; readonly type?: t.Mixed };
  if ((c._tag === 'ArrayType' || c._tag === 'ReadonlyArrayType') && c.type !== undefined) {
    const item = knownFields(c.type);
    return (value) => {
      if (!Array.isArray(value)) return true;
      for (const x of value) if (!item(x)) return false;
      return true;
    };
  }
  const fields = fieldsOf(c);
  if (fields === null) return () => true;
  const subs = new Map(Object.entries(fields).map(([k, sub]) => [k, knownFields(sub)] as const));
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !isPlain(value)) return true;
    for (const k of Object.keys(value)) if (!hasOwn.call(fields, k)) return false;
    for (const [k, sub] of subs) {
      if (hasOwn.call(value, k) && !sub((value as Record<string, unknown>)[k])) return false;
    }
    return true;
  };
}

const compiledMeta = compile(CommandMetaC as unknown as t.Mixed);
const compiledData = new Map<string, { readonly decode: Compiled; readonly known: KnownFields }>(
  (Object.keys(commandDataCodecs) as CommandType[]).map((k) => {
    const codec = commandDataCodecs[k] as unknown as t.Mixed;
    return [k, { decode: compile(codec), known: knownFields(codec) }];
  }),
);

/**
 * The compiled path of {@link decodeCommand}: the command exactly as the codecs decode it when
 * every check passes, or null when one does not or it is not sure (then the codecs run and name
 * the field). A property test checks both paths give the same commands.
 */
export function fastDecodeCommand(u: unknown): Command | null {
  if (!isRecord(u) || !safeInput(u, 0)) return null;
  const meta = compiledMeta(u);
  if (meta === FAIL) return null;
  const m = meta as { readonly type: string; readonly data: unknown };
  const c = compiledData.get(m.type);
  if (c === undefined) return null;
  const data = c.decode(m.data);
  if (data === FAIL || !c.known(m.data)) return null;
  return { ...m, data } as Command;
}
