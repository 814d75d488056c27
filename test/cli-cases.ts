/**
 * Bad logs for the bad-input tests and the docs check: Karl's log with one thing wrong each,
 * and the message the CLI must give.
 */
import { hashOfEnvelope } from 'ipb-ledger';
import { karlLedger } from '../examples/karl.js';

type Raw = Record<string, unknown>;

/** Karl's log, line by line. */
export const LINES = karlLedger().toLog().trimEnd().split('\n');
const SPEND = LINES.findIndex((l) => l.includes('"spendId":"sp-0001"'));
const ALLOC = LINES.findIndex((l) => l.includes('"stage":"agreed"'));

const parse = (l: string): Raw => JSON.parse(l) as Raw;
const reseal = (raw: Raw): Raw => ({ ...raw, hash: hashOfEnvelope(raw) });
const text = (ls: readonly string[]): string => `${ls.join('\n')}\n`;

/** Karl's log with line `i` (0-based) replaced by `f` of its parsed object (re-sealed unless told not to). */
export function edit(i: number, f: (raw: Raw) => void, resealIt = true): string {
  const ls = [...LINES];
  const raw = parse(ls[i] as string);
  f(raw);
  ls[i] = JSON.stringify(resealIt ? reseal(raw) : raw);
  return text(ls);
}

const data = (raw: Raw): Raw => raw['data'] as Raw;

/** One bad input. */
export interface Case {
  readonly name: string;
  readonly content: () => string | Buffer;
  /** Expected `verify` verdict (stdout) or error (stderr). */
  readonly message: RegExp;
  /** Exit code of `verify` and `balances`. */
  readonly code: 1 | 2;
}

/** Every bad input the issue lists (file-level ones too). */
export const CASES: readonly Case[] = [
  {
    name: 'a line that is not JSON',
    content: () => text([...LINES.slice(0, 2), '{"schema":"ipb.event/1",', ...LINES.slice(3)]),
    message: /line 3: not JSON: /,
    code: 1,
  },
  {
    name: 'JSON that is not an object (a list)',
    content: () => text(['[1,2,3]', ...LINES.slice(1)]),
    message: /line 1: expected a JSON object, got a list/,
    code: 1,
  },
  {
    name: 'JSON that is not an object (a string)',
    content: () => text(['"an event"', ...LINES.slice(1)]),
    message: /line 1: expected a JSON object, got string/,
    code: 1,
  },
  {
    name: 'a missing field',
    content: () => edit(1, (r) => delete r['eventId']),
    message: /line 2 \(budget notts-karl-2018, seq 2\): eventId: is required/,
    code: 1,
  },
  {
    name: 'a field of the wrong type',
    content: () => edit(1, (r) => (r['seq'] = '2')),
    message: /line 2 \(budget notts-karl-2018\): seq: expected a whole number >= 1, got "2"/,
    code: 1,
  },
  {
    name: 'money as a JSON number',
    content: () => edit(ALLOC, (r) => (data(r)['amount'] = 15000)),
    message: /data\.amount: expected money string like "12\.50", got the number 15000/,
    code: 1,
  },
  {
    name: 'money with 3 decimals',
    content: () => edit(ALLOC, (r) => (data(r)['amount'] = '15000.000')),
    message:
      /data\.amount: expected money string like "12\.50" \(pounds, exactly 2 decimals, no "\+" or exponent\), got "15000\.000"/,
    code: 1,
  },
  {
    name: 'money with a leading +',
    content: () => edit(ALLOC, (r) => (data(r)['amount'] = '+15000.00')),
    message: /data\.amount: expected money string .*got "\+15000\.00"/,
    code: 1,
  },
  {
    name: 'money as NaN',
    content: () => edit(ALLOC, (r) => (data(r)['amount'] = 'NaN')),
    message: /data\.amount: expected money string .*got "NaN"/,
    code: 1,
  },
  {
    name: 'a date that does not exist (2018-02-30)',
    content: () => edit(SPEND, (r) => (data(r)['spentOn'] = '2018-02-30')),
    message: /data\.spentOn: expected a real calendar date, got "2018-02-30"/,
    code: 1,
  },
  {
    name: 'a time on a day that does not exist',
    content: () => edit(SPEND, (r) => (r['occurredAt'] = '2018-02-30T17:00:00.000Z')),
    message: /occurredAt: expected a real calendar date, got "2018-02-30T17:00:00\.000Z"/,
    code: 1,
  },
  {
    name: 'seq 0',
    content: () => edit(0, (r) => (r['seq'] = 0)),
    message: /line 1 \(budget notts-karl-2018, seq 0\): seq: expected a whole number >= 1, got 0/,
    code: 1,
  },
  {
    name: 'a repeated seq',
    content: () => text([...LINES.slice(0, 5), LINES[4] as string, ...LINES.slice(5)]),
    message: /line 6 \(budget notts-karl-2018, seq 5\): seq 5 repeats line 5/,
    code: 1,
  },
  {
    name: 'a skipped seq',
    content: () => text([...LINES.slice(0, 5), ...LINES.slice(6)]),
    message: /line 6 \(budget notts-karl-2018, seq 7\): seq 7 skips seq 6: expected seq 6 after line 5/,
    code: 1,
  },
  {
    name: 'a prevHash that does not match',
    content: () => edit(5, (r) => (r['prevHash'] = 'ab'.repeat(32))),
    message:
      /line 6 \(budget notts-karl-2018, seq 6\): prevHash abababababab\.\.\. does not match the hash .* of seq 5 \(line 5\)/,
    code: 1,
  },
  {
    name: 'a split that does not add up',
    content: () => edit(SPEND, (r) => (data(r)['split'] = { health: '750.00', 'social-care': '750.00' })),
    message: /data\.split: parts add up to "1500\.00", not the amount "1500\.01"/,
    code: 1,
  },
  {
    name: 'a __proto__ key',
    content: () => {
      const ls = [...LINES];
      ls[2] = `{"__proto__":{"admin":true},${(ls[2] as string).slice(1)}`;
      return text(ls);
    },
    message: /line 3 \(budget notts-karl-2018, seq 3\): __proto__: forbidden key "__proto__"/,
    code: 1,
  },
  {
    name: 'a constructor key',
    content: () => edit(2, (r) => (data(r)['constructor'] = { prototype: 1 })),
    message: /data\.constructor: forbidden key "constructor"/,
    code: 1,
  },
  {
    name: 'an unknown schema',
    content: () => edit(0, (r) => (r['schema'] = 'ipb.event/2')),
    message: /schema: unknown schema "ipb\.event\/2" \(this reader knows "ipb\.event\/1"\)/,
    code: 1,
  },
  {
    name: 'an unknown event type (strict)',
    content: () => edit(LINES.length - 1, (r) => (r['type'] = 'CarerBreakGranted')),
    message:
      /line 20 \(budget notts-karl-2018, seq 20\): unknown event type "CarerBreakGranted": this reader does not know it \(with --tolerant it is skipped and counted\)/,
    code: 1,
  },
  {
    name: 'a carriage return before the newline',
    content: () => `${LINES[0]}\r\n${text(LINES.slice(1))}`,
    message: /line 1: line ends with "\\r\\n" \(Windows line end\): lines must end with "\\n" only/,
    code: 1,
  },
  {
    name: 'a byte-order mark',
    content: () => `\uFEFF${text(LINES)}`,
    message: /line 1: the file starts with a byte-order mark \(BOM\): logs are UTF-8 without one/,
    code: 1,
  },
  {
    name: 'a blank line',
    content: () => text([...LINES.slice(0, 4), '', ...LINES.slice(4)]),
    message: /line 5: blank line: every line must hold one event/,
    code: 1,
  },
  {
    name: 'a truncated last line',
    content: () => text(LINES).slice(0, -100),
    message:
      /line 20: the file ends in the middle of this line \(no newline, not complete JSON\): the log was cut/,
    code: 1,
  },
  {
    name: 'a 10 MB single line',
    content: () => `{"schema":"ipb.event/1","pad":"${'x'.repeat(10 * 1024 * 1024)}"}\n`,
    message: /line 1: line is longer than 1048576 bytes \(the limit; raise it with --max-line-bytes/,
    code: 1,
  },
  {
    name: 'an empty file',
    content: () => '',
    message: /is empty: a log has one event per line/,
    code: 1,
  },
];
