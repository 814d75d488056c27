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

/** Turns io-ts errors into issues a person can act on, first problem first, deduplicated. */
export function issuesOf(errors: t.Errors, prefix = ''): DecodeIssue[] {
  const out: DecodeIssue[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const inner = pathOf(e.context);
    const path = prefix === '' ? inner : inner === '' ? prefix : `${prefix}.${inner}`.replace('.[', '[');
    const last = e.context[e.context.length - 1];
    const problem =
      e.value === undefined
        ? `is required (expected ${last?.type.name ?? 'a value'})`
        : (e.message ?? `expected ${last?.type.name ?? 'a value'}, got ${describeValue(e.value)}`);
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
