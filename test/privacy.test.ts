/**
 * Privacy: no projection needs personal data (a person's reference, payees, reasons, summaries,
 * evidence references), and no error message or log line prints them. A history full of marker
 * strings goes through every projection, every refusal the library makes, and every `ipb`
 * subcommand (spawned, on success and error paths); the markers must not come out, except where
 * a report exists to show them to an auditor (the audit trail's "who" and "because") and the
 * un-pseudonymised export (the log itself).
 *
 * Known leaks in code owned elsewhere are in test/fuzz-findings.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CommandHandler,
  Ledger,
  MemoryEventStore,
  Money,
  Replay,
  balances,
  balancesJson,
  decodeCommand,
  decodeEvent,
  factsOfEvents,
  jsonSyntaxProblem,
  factsToJson,
  flagJson,
  flagsOf,
  outcomeCells,
  outcomesJson,
  planHistory,
  verifyLog,
  type Command,
  type LedgerEvent,
} from 'ipb-ledger';
import { expectWellBehaved, ipb } from './sim/cli.js';
import { PLAIN, leakIn, markers, sampleHistory, type SampleTexts } from './sim/samples.js';

const dir = mkdtempSync(join(tmpdir(), 'ipb-privacy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const M = markers();
const marked = sampleHistory(M);
const markedLog = marked.ledger.toLog();
const lines = markedLog.trimEnd().split('\n');

function expectNoLeak(text: string, what: string): void {
  expect(leakIn(text), `${what} leaks personal data`).toBeNull();
}

/** Everything the projections make of a history, as JSON text. */
function projections(events: readonly LedgerEvent[]): string {
  const replay = new Replay({}).addAll(events);
  const out: unknown[] = [balancesJson(balances(events))];
  for (const [id, s] of replay.entries()) {
    out.push(flagsOf(id, s, { onDate: '2026-06-01' }).map(flagJson));
    out.push(planHistory(s));
  }
  const facts = factsOfEvents(events);
  out.push(factsToJson(facts));
  out.push(
    outcomesJson(
      outcomeCells(facts, { by: ['site', 'cohort', 'basis', 'option'], period: 'quarter' }),
      ['site', 'cohort', 'basis', 'option'],
      'quarter',
      facts.latest,
    ),
  );
  // Outcome facts key people by a digest of their reference (so budgets of one person count
  // once): the key differs with the reference, the reference itself is never there.
  return JSON.stringify(out, (_k, v: unknown) =>
    v instanceof Money ? v.toString() : v instanceof Map ? [...v] : v,
  ).replace(/"person":"[0-9a-f]{64}"/g, '"person":"<digest>"');
}

describe('no projection needs personal data', () => {
  it('balances, flags, plan history and outcomes are the same whatever the personal data and free text, and hold none of it', () => {
    const plain = projections(sampleHistory(PLAIN).ledger.events());
    const withMarkers = projections(marked.ledger.events());
    const other: SampleTexts = { personRef: 'x', payee: 'y', reason: 'z', summary: 'w', evidenceRef: 'v' };
    expect(withMarkers).toBe(plain);
    expect(projections(sampleHistory(other).ledger.events())).toBe(plain);
    expectNoLeak(withMarkers, 'a projection');
    expect(plain.length).toBeGreaterThan(1000);
  });
});

describe('library error messages never print personal data or free text', () => {
  const messages: [string, string][] = [];
  const note = (what: string, m: string | undefined) => messages.push([what, m ?? '']);
  const event = (type: string) =>
    JSON.parse(lines.find((l) => l.includes(`"type":"${type}"`)) as string) as Record<string, unknown>;
  const withData = (type: string, data: Record<string, unknown>) => {
    const e = event(type);
    return { ...e, data: { ...(e['data'] as object), ...data } };
  };

  it('decoding events with bad personal or free-text fields', () => {
    const cases: [string, unknown][] = [
      ['reclaim reason as free text', withData('SurplusReclaimed', { reason: M.reason })],
      ['payee too long', withData('SpendRecorded', { payee: M.payee.repeat(500) })],
      ['payee as a list', withData('SpendRecorded', { payee: [M.payee] })],
      ['payee as an object', withData('SpendRecorded', { payee: { name: M.payee } })],
      ['evidence too long', withData('SpendRecorded', { evidenceRef: M.evidenceRef.repeat(40) })],
      ['personRef too long', withData('BudgetOpened', { personRef: M.personRef.repeat(40) })],
      ['personRef as a list', withData('BudgetOpened', { personRef: [M.personRef] })],
      ['summary as a number', withData('ChangeRequested', { summary: 12345678 })],
      ['reason too long', withData('BudgetClosed', { reason: M.reason.repeat(300) })],
      [
        'holder id too long',
        { ...event('PlanAgreed'), actor: { id: M.personRef.repeat(40), role: 'holder' } },
      ],
      ['holder id as a number', { ...event('PlanAgreed'), actor: { id: 404, role: 'holder' } }],
      ['holder role misspelt', { ...event('PlanAgreed'), actor: { id: M.personRef, role: 'holdr' } }],
    ];
    for (const [what, u] of cases) {
      const d = decodeEvent(u);
      expect(d._tag, what).toBe('Left');
      if (d._tag === 'Left') {
        note(what, d.left.message);
        for (const i of d.left.issues) note(`${what} (issue)`, `${i.path}: ${i.problem}`);
      }
    }
  });

  it('commands refused for their shape or by the rules, through the ledger and the command handler', async () => {
    const ledger = new Ledger();
    const handler = new CommandHandler(new MemoryEventStore());
    const sent: Command[] = [];
    for (const c of marked.commands) {
      ledger.record(c);
      await handler.handle(c);
      sent.push(c);
    }
    const json = (c: Command) => JSON.parse(JSON.stringify(c)) as Record<string, unknown>;
    const byType = (t: string) => json(sent.find((c) => c.type === t) as Command);
    const bad: [string, unknown][] = [
      ['open twice', { ...byType('OpenBudget'), commandId: 'again-0' }],
      ['spend twice', { ...byType('RecordSpend'), commandId: 'again-1' }],
      ['reverse twice', { ...byType('ReverseSpend'), commandId: 'again-2' }],
      ['reject a plan that is not pending', { ...byType('RejectPlan'), commandId: 'again-3' }],
      [
        'holder on someone else budget',
        {
          ...byType('RequestChange'),
          commandId: 'again-4',
          budgetId: 'b-2',
          data: { changeRequestId: 'cr-9', summary: M.summary },
        },
      ],
      [
        'unknown field with free text',
        {
          ...byType('RequestChange'),
          commandId: 'again-5',
          data: { changeRequestId: 'cr-8', summary: M.summary, note: M.reason },
        },
      ],
      [
        'payee too long',
        {
          ...byType('RecordSpend'),
          commandId: 'again-6',
          data: {
            ...(byType('RecordSpend')['data'] as object),
            spendId: 'sp-new',
            payee: M.payee.repeat(400),
          },
        },
      ],
      [
        'personRef as a number',
        {
          ...byType('OpenBudget'),
          commandId: 'again-7',
          budgetId: 'b-9',
          data: { ...(byType('OpenBudget')['data'] as object), personRef: 9434765919 },
        },
      ],
      [
        'holder id with a lone surrogate',
        {
          ...byType('RequestChange'),
          commandId: 'again-8',
          actor: { id: `${M.personRef}\ud800`, role: 'holder' },
        },
      ],
      ['reason on a closed budget', { ...byType('AdjustFunding'), commandId: 'again-9' }],
      [
        'reclaim reason as free text',
        {
          ...byType('ReclaimSurplus'),
          commandId: 'again-10',
          data: { ...(byType('ReclaimSurplus')['data'] as object), reason: M.reason },
        },
      ],
    ];
    for (const [what, u] of bad) {
      const d = decodeCommand(u);
      if (d._tag === 'Left') note(`${what} (decode)`, d.left.message);
      const l = ledger.record(u as Command);
      expect(l._tag, what).toBe('Left');
      if (l._tag === 'Left')
        note(`${what} (ledger)`, `${l.left.message} ${JSON.stringify({ ...l.left, actorId: undefined })}`);
      const h = await handler.handle(u as Command);
      expect(h._tag, what).toBe('Left');
      if (h._tag === 'Left') note(`${what} (handler)`, h.left.message);
    }
  });

  it('verifying logs damaged in and around the personal fields', async () => {
    const spend = lines.findIndex((l) => l.includes('"type":"SpendRecorded"'));
    const damaged: [string, string][] = [
      ['payee edited', lines.map((l, i) => (i === spend ? l.replace('Mrs', 'Mr') : l)).join('\n')],
      [
        'payee made a number',
        lines.map((l, i) => (i === spend ? l.replace(/"payee":"[^"]*"/, '"payee":7') : l)).join('\n'),
      ],
      [
        'reason enum as free text',
        lines
          .map((l) =>
            l.includes('"type":"SurplusReclaimed"')
              ? l.replace('"reason":"surplus"', `"reason":"${M.reason}"`)
              : l,
          )
          .join('\n'),
      ],
    ];
    for (const [what, text] of damaged) {
      const r = await verifyLog(
        (async function* () {
          yield Buffer.from(`${text}\n`);
        })(),
      );
      expect(r.ok, what).toBe(false);
      note(what, JSON.stringify(r.firstError));
    }
  });

  it('jsonSyntaxProblem keeps the kind of JSON error but drops the piece of input V8 quotes', () => {
    let checked = 0;
    let rawLeaks = 0;
    fc.assert(
      fc.property(
        fc.nat(),
        fc.nat(),
        fc.constantFrom('drop-quote', 'x', '}', ',,', ':', '"', ' tru', '\u0001'),
        (at, which, junk) => {
          const line = lines[at % lines.length] as string;
          const fields = [...line.matchAll(/"(\w+)":"([^"]*ZQZX[^"]*)"/g)];
          fc.pre(fields.length > 0);
          const f = fields[which % fields.length] as RegExpMatchArray;
          const [whole, key, value] = f as unknown as [string, string, string];
          // a lost opening quote (what V8 quotes the text after), or junk after the value
          const broken = line.replace(
            whole,
            junk === 'drop-quote' ? `"${key}":${value}"` : `${whole}${junk}`,
          );
          try {
            JSON.parse(broken);
          } catch (e) {
            checked += 1;
            if (leakIn((e as Error).message) !== null) rawLeaks += 1;
            const safe = jsonSyntaxProblem(e);
            expect(safe.length).toBeGreaterThan(5);
            expectNoLeak(safe, `jsonSyntaxProblem(${(e as Error).message})`);
          }
        },
      ),
      { numRuns: 200 },
    );
    expect(checked).toBeGreaterThan(20);
    expect(
      rawLeaks,
      'V8 quotes the input in some of these errors (what the function removes)',
    ).toBeGreaterThan(0);
    expect(
      jsonSyntaxProblem(new SyntaxError('Unexpected token \'P\', "{"payee":PAYZQZX"... is not valid JSON')),
    ).toBe("Unexpected token 'P'");
    expect(jsonSyntaxProblem(new SyntaxError('Unterminated string in JSON at position 12'))).toBe(
      'Unterminated string in JSON at position 12',
    );
  });

  it('none of those messages holds a piece of a marker', () => {
    expect(messages.length).toBeGreaterThan(30);
    for (const [what, m] of messages) {
      expect(m.length, what).toBeGreaterThan(0);
      expectNoLeak(m, what);
    }
  });
});

describe('ipb never prints personal data or free text where it should not (real processes)', () => {
  const log = join(dir, 'marked.jsonl');
  writeFileSync(log, markedLog);

  it('success paths: only the audit trail shows who and why (it is for auditors), nothing else shows any', () => {
    const runs: [string[], boolean][] = [
      [['verify', log], false],
      [['balances', log, '--json'], false],
      [['flags', log, '--json', '--on', '2026-06-01'], false],
      [['replay', log, '--json'], false],
      [['outcomes', log, '--workers', '1', '--format', 'json', '--by', 'site,cohort'], false],
      [['audit', log, '--budget', 'b-1'], true],
      // the budget holder's own statement shows their payees and the reasons they were given
      [['statement', log, '--budget', 'b-1'], true],
    ];
    for (const [args, mayShow] of runs) {
      const r = ipb(args);
      expectWellBehaved(r, args.join(' '));
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expectNoLeak(r.stderr, `${args[0]} stderr`);
      if (mayShow) expect(leakIn(r.stdout), `${args[0]} shows who and why`).not.toBeNull();
      else expectNoLeak(r.stdout, `${args[0]} stdout`);
    }
  });

  it('a pseudonymised export holds no personal data or free text at all', () => {
    const out = join(dir, 'release');
    const key = join(dir, 'release.key');
    writeFileSync(key, randomBytes(32));
    const r = ipb(['export', log, '--pseudonymise', '--key-file', key, '--out', out]);
    expectWellBehaved(r, 'export --pseudonymise');
    expect(r.status, r.stderr).toBe(0);
    expectNoLeak(r.stdout + r.stderr, 'export output');
    const files = readdirSync(out);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expectNoLeak(readFileSync(join(out, f), 'utf8'), `released file ${f}`);
    const released = readFileSync(join(out, files.find((f) => f.endsWith('.jsonl')) as string), 'utf8');
    expect(released.trimEnd().split('\n')).toHaveLength(lines.length);
  });

  it('error paths: refusals of logs broken in and around personal fields print none of it', () => {
    const spend = lines.findIndex((l) => l.includes('"type":"SpendRecorded"'));
    const broken: [string, string][] = [
      [
        'payee too long',
        lines
          .map((l, i) => (i === spend ? l.replace(/"payee":"[^"]*"/, `"payee":"${M.payee.repeat(400)}"`) : l))
          .join('\n'),
      ],
      [
        'reclaim reason as free text',
        lines
          .map((l) =>
            l.includes('"type":"SurplusReclaimed"')
              ? l.replace('"reason":"surplus"', `"reason":"${M.reason}"`)
              : l,
          )
          .join('\n'),
      ],
      ['personRef edited', lines.map((l) => l.replace(M.personRef, 'PRZQZXZQZXZQZXZQZY')).join('\n')],
      [
        'broken JSON after the payee',
        lines
          .slice(0, spend + 1)
          .map((l, i) => (i === spend ? l.replace(/("payee":"[^"]*")/, '$1 x') : l))
          .join('\n'),
      ],
    ];
    for (const [what, text] of broken) {
      const path = join(dir, `broken-${what.replace(/ /g, '-')}.jsonl`);
      writeFileSync(path, `${text}\n`);
      // an edit that is not re-sealed is seen by verify only (see test/fuzz-findings.test.ts)
      const subs =
        what === 'personRef edited'
          ? [['verify', path]]
          : [
              ['verify', path],
              ['balances', path, '--json'],
              ['audit', path, '--budget', 'b-1'],
              ['statement', path, '--budget', 'b-1', '--format', 'json'],
            ];
      for (const args of subs) {
        const r = ipb(args);
        expectWellBehaved(r, `${args[0]} ${what}`);
        expect(r.status, `${args[0]} ${what}: ${r.stdout}`).not.toBe(0);
        expectNoLeak(r.stderr, `${args[0]} ${what} stderr`);
        expectNoLeak(r.stdout, `${args[0]} ${what} stdout`);
      }
    }
  }, 300_000); // many CLI runs: bounded by the CPU the machine has, not by a timing target
});
