import type * as t from 'io-ts';
import { describeValue } from './primitives.js';

/** One decoding problem: where (a dotted path such as `data.split.health`) and what. */
export interface DecodeIssue {
  readonly path: string;
  readonly problem: string;
}

const CONTAINER_TAGS = new Set([
  'IntersectionType',
  'UnionType',
  'RefinementType',
  'ExactType',
  'ReadonlyType',
]);

function pathOf(context: t.Context): string {
  let path = '';
  for (let i = 1; i < context.length; i++) {
    const parent = context[i - 1];
    const entry = context[i];
    if (entry === undefined || parent === undefined) continue;
    const tag = (parent.type as { _tag?: string })._tag;
    if (tag !== undefined && CONTAINER_TAGS.has(tag)) continue;
    if (entry.key === '') continue;
    path += /^[0-9]+$/.test(entry.key) ? `[${entry.key}]` : path === '' ? entry.key : `.${entry.key}`;
  }
  return path;
}

/**
 * Fields that may hold personal data or free text (and an actor's id, which for a holder is
 * their `personRef`): a decoding problem with one of them never shows the value, only its shape.
 */
export const PRIVATE_FIELDS: ReadonlySet<string> = new Set([
  'personRef',
  'reason',
  'summary',
  'payee',
  'evidenceRef',
]);

function isPrivatePath(path: string): boolean {
  if (path === 'actor.id') return true;
  const last = /([A-Za-z0-9_-]+)$/.exec(path)?.[1];
  return last !== undefined && PRIVATE_FIELDS.has(last);
}

function shapeOf(u: unknown): string {
  if (typeof u === 'string') return `a string of ${u.length} characters`;
  if (Array.isArray(u)) return 'a list';
  if (u === null) return 'null';
  return typeof u === 'object' ? 'an object' : `a ${typeof u}`;
}

/** A problem with a private field's value, without the value. */
function redacted(problem: string, value: unknown): string {
  let out = problem;
  if (typeof value === 'string') {
    for (const r of [describeValue(value), JSON.stringify(value)]) out = out.split(r).join(shapeOf(value));
    const piece = value.slice(0, 40);
    if (piece.length >= 3 && out.includes(piece)) {
      return `not valid (${shapeOf(value)}; the value is not shown: this field may hold personal data)`;
    }
  } else if (typeof value === 'number' || typeof value === 'boolean') {
    const shown = String(value).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(new RegExp(`got (the number )?${shown}(?![0-9])`, 'g'), `got ${shapeOf(value)}`);
  }
  return out === problem ? out : `${out} (the value is not shown: this field may hold personal data)`;
}

/**
 * A codec's name short enough for a message: a long union of literals (the 29 command types)
 * names its first few members and how many more there are.
 */
function expectedName(name: string | undefined): string {
  if (name === undefined) return 'a value';
  const members = name.split(' | ');
  if (name.length <= 120 || members.length <= 6) return name;
  return `${members.slice(0, 5).join(' | ')} | ... (${members.length} in all)`;
}

/** Turns io-ts errors into issues a person can act on, first problem first, deduplicated. */
export function issuesOf(errors: t.Errors, prefix = ''): DecodeIssue[] {
  const out: DecodeIssue[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const inner = pathOf(e.context);
    const path = prefix === '' ? inner : inner === '' ? prefix : `${prefix}.${inner}`.replace('.[', '[');
    const last = e.context[e.context.length - 1];
    const raw =
      e.value === undefined
        ? `is required (expected ${expectedName(last?.type.name)})`
        : (e.message ?? `expected ${expectedName(last?.type.name)}, got ${describeValue(e.value)}`);
    const problem = e.value !== undefined && isPrivatePath(path) ? redacted(raw, e.value) : raw;
    const key = `${path}\u0000${problem}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path, problem });
  }
  return out;
}

/** `data.split.health: expected money string like "12.50", got 12.5` */
export function formatIssue(issue: DecodeIssue): string {
  return issue.path === '' ? issue.problem : `${issue.path}: ${issue.problem}`;
}

/**
 * The message of a `JSON.parse` error without the piece of input V8 quotes in it
 * (`Unexpected token 'S', "{"payee":S..." is not valid JSON` becomes `Unexpected token 'S'`),
 * so a broken line's personal data never reaches an error message or a log.
 */
export function jsonSyntaxProblem(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const cut = message
    .replace(/, .*is not valid JSON$/s, '')
    .replace(/^.*is not valid JSON$/s, 'not valid JSON');
  return cut.length > 200 ? `${cut.slice(0, 200)}...` : cut;
}
