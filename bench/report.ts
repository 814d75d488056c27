/**
 * Benchmark results: their JSON shape, the targets of the benchmark issue, and the Markdown
 * table written into docs/performance.md.
 */
import type { PathName } from './paths.js';

/** Where a peak RSS figure comes from. */
export type RssSource = 'time -v' | 'child maxRSS' | 'whole process';

/** A target and whether it was met. */
export interface TargetCheck {
  /** The target as the issue states it. */
  readonly text: string;
  /** True when met, false when missed, null when it could not be checked. */
  readonly met: boolean | null;
  /** By how much, in words. */
  readonly note: string;
}

/** One row of results: a path's runs and what they add up to. */
export interface ResultRow {
  readonly path: PathName;
  readonly what: string;
  /** What `units` counts. */
  readonly unit: 'events' | 'commands' | 'appends';
  readonly units: number;
  /** Wall time of each run, ms, in run order. */
  readonly runsMs: readonly number[];
  readonly medianMs: number;
  /** units per second at the median time. */
  readonly perSecond: number;
  /** perSecond / the ceiling's perSecond (same run, same file). */
  readonly ratioToCeiling: number;
  /** Highest peak RSS of the runs, MB (10^6 bytes). */
  readonly peakRssMb: number;
  readonly rssSource: RssSource;
  /** True when every run gave the same output. */
  readonly runsAgree: boolean;
  /** Extra figures, as medians over the runs. */
  readonly detail: Readonly<Record<string, number>>;
  readonly target: TargetCheck | null;
  /** The digest of the first run's output. */
  readonly digest: string;
}

/** What a log of the run holds. */
export interface LogFacts {
  readonly path: string;
  readonly events: number;
  readonly budgets: number;
  readonly bytes: number;
}

/** Everything one benchmark run found. */
export interface BenchResults {
  readonly schema: 'ipb.bench/1';
  /** ISO time the run finished. */
  readonly date: string;
  readonly machine: {
    readonly cpu: string;
    readonly cores: number;
    readonly memoryGb: number;
    readonly os: string;
    readonly node: string;
    /** Load average (1 minute) when the run started: other work on the machine. */
    readonly loadAtStart: number;
  };
  readonly quick: boolean;
  /** The wide log of `balances-wide` and the peer log of the `peer-` rows (the main log when the same). */
  readonly wideLog?: LogFacts;
  readonly peerLog?: LogFacts;
  readonly log: {
    readonly path: string;
    readonly events: number;
    readonly budgets: number;
    readonly bytes: number;
    readonly seed: number;
  };
  readonly runs: number;
  readonly workers: number;
  /** Each path in its own process (true), or all in the benchmark's process (smoke test). */
  readonly isolated: boolean;
  readonly rows: readonly ResultRow[];
  /** Paths not run, and why (e.g. PostgreSQL without DATABASE_URL). */
  readonly skipped: ReadonlyArray<{ readonly path: PathName; readonly reason: string }>;
}

/** What each path is, in words. */
export const WHAT: Readonly<Record<PathName, string>> = {
  ceiling: 'read the file, `JSON.parse` every line, nothing else',
  decode: 'ceiling + framing checks + contract decoding (io-ts codecs, compiled)',
  balances:
    '`ipb balances --json`: decode + chain checks + every hash recomputed + exact-money fold of every budget',
  'balances-unhashed':
    'the same fold on one core with the chains checked but no hash recomputed (`checkHashes: false`)',
  'balances-1': '`ipb balances --json --workers 1`: the same on one core',
  'balances-wide':
    '`ipb balances --json` on the wide log: as many events in about 25 times as many budgets (the memory target)',
  verify:
    '`ipb verify`: decode + SHA-256 of every line (of its own text when canonical) + chains + splits + manifest, on every core (`--workers` = cores)',
  'verify-1': '`ipb verify --workers 1`: the same on one core',
  'outcomes-1': '`ipb outcomes --by site,cohort,basis,option --period quarter --format json --workers 1`',
  'outcomes-n': 'the same with `--workers` = number of cores',
  commands:
    "in-memory store: `decodeCommand` (from JSON) + `decide` + seal + append + `applyEvent` into the budget's state (one accumulator per budget, kept between commands)",
  'commands-immutable':
    'the same with immutable states: `execute` (decide + an immer `evolve` per event) + seal + append',
  'commands-handler':
    '`CommandHandler.handle` on the in-memory store (load snapshot + newer events, decide, append)',
  'file-append': 'file store: one command per durable append (written and fdatasync-ed)',
  'pg-latency': 'PostgreSQL, one writer: `CommandHandler.handle` per single-event command',
  'pg-writers': 'PostgreSQL, concurrent writers on 64 shared budgets, conflicts retried',
  'peer-ipb': '`ipb balances --json` on the peer log (the log hledger and ledger read as a journal)',
  'peer-hledger':
    '`hledger -f JOURNAL bal` on the journal `ipb export --format hledger` wrote from the peer log',
  'peer-ledger': '`ledger -f JOURNAL bal` on the same journal',
};

/** The unit each path counts. */
export const UNIT: Readonly<Record<PathName, ResultRow['unit']>> = {
  ceiling: 'events',
  decode: 'events',
  balances: 'events',
  'balances-unhashed': 'events',
  'balances-1': 'events',
  'balances-wide': 'events',
  verify: 'events',
  'verify-1': 'events',
  'outcomes-1': 'events',
  'outcomes-n': 'events',
  commands: 'commands',
  'commands-immutable': 'commands',
  'commands-handler': 'commands',
  'file-append': 'appends',
  'pg-latency': 'commands',
  'pg-writers': 'commands',
  'peer-ipb': 'events',
  'peer-hledger': 'events',
  'peer-ledger': 'events',
};

function fixed(x: number, digits = 2): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '-';
}

function ratioTarget(row: ResultRow, min: number): TargetCheck {
  const r = row.ratioToCeiling;
  return {
    text: `>= ${min.toFixed(2)} x ceiling`,
    met: r >= min,
    note: r >= min ? `${fixed(r)} x` : `${fixed(r)} x: ${fixed(((min - r) / min) * 100, 0)}% short`,
  };
}

/**
 * The issue's targets, checked against a row (and the rows it is compared with). The targets
 * are stated for one core and 1,000,000 events; on other sizes they are checked all the same.
 */
export function targetOf(row: ResultRow, rows: readonly ResultRow[]): TargetCheck | null {
  switch (row.path) {
    case 'decode':
      return ratioTarget(row, 0.6);
    case 'verify':
    case 'balances': {
      const t = ratioTarget(row, 0.5);
      return { ...t, text: `${t.text} on every core` };
    }
    case 'verify-1':
    case 'balances-1': {
      const t = ratioTarget(row, 0.3);
      return { ...t, text: `${t.text} on one core` };
    }
    case 'balances-wide': {
      const lean = row.peakRssMb <= 200;
      return {
        text: 'peak RSS <= 200 MB',
        met: lean,
        note: `${fixed(row.peakRssMb, 0)} MB${lean ? '' : ` (${fixed(row.peakRssMb - 200, 0)} MB over)`}`,
      };
    }
    case 'peer-hledger':
    case 'peer-ledger': {
      const ipb = rows.find((r) => r.path === 'peer-ipb');
      const want = row.path === 'peer-hledger' ? 5 : 10;
      const text = `ipb balances >= ${want} x as fast`;
      if (ipb === undefined) return { text, met: null, note: 'no peer-ipb row' };
      const speed = ipb.perSecond / row.perSecond;
      const memory = row.peakRssMb / ipb.peakRssMb;
      return {
        text,
        met: speed >= want,
        note: `ipb is ${fixed(speed, 1)} x as fast and uses ${fixed(memory, 1)} x less memory (${fixed(ipb.peakRssMb, 0)} MB against ${fixed(row.peakRssMb, 0)} MB)`,
      };
    }
    case 'outcomes-n': {
      const one = rows.find((r) => r.path === 'outcomes-1');
      if (one === undefined)
        return {
          text: '>= 1.6 x the 1-worker figure, identical results',
          met: null,
          note: 'no 1-worker row',
        };
      const speedup = row.perSecond / one.perSecond;
      const same = row.digest === one.digest && row.runsAgree && one.runsAgree;
      return {
        text: '>= 1.6 x the 1-worker figure, identical results',
        met: speedup >= 1.6 && same,
        note: `${fixed(speedup)} x the 1-worker figure; results ${same ? 'identical' : 'DIFFER'}`,
      };
    }
    case 'commands': {
      const met = row.perSecond >= 50_000;
      return {
        text: '>= 50,000 commands/s',
        met,
        note: `${Math.round(row.perSecond).toLocaleString('en-GB')} commands/s${met ? '' : `: ${fixed((1 - row.perSecond / 50_000) * 100, 0)}% short`}`,
      };
    }
    case 'pg-latency': {
      const p50 = row.detail['commandP50Ms'] ?? NaN;
      const met = p50 <= 2;
      return {
        text: 'p50 <= 2 ms per single-event command on loopback',
        met,
        note: `command p50 ${fixed(p50)} ms, p99 ${fixed(row.detail['commandP99Ms'] ?? NaN)} ms (append alone: p50 ${fixed(row.detail['appendP50Ms'] ?? NaN)} ms, p99 ${fixed(row.detail['appendP99Ms'] ?? NaN)} ms)`,
      };
    }
    case 'pg-writers': {
      const lost = row.detail['lost'] ?? NaN;
      const met = row.perSecond >= 5_000 && lost === 0;
      return {
        text: '>= 5,000 events/s with 16 writers, no conflicts lost',
        met,
        note: `${Math.round(row.perSecond).toLocaleString('en-GB')} events/s with ${row.detail['writers'] ?? '?'} writers; ${row.detail['conflicts'] ?? 0} version conflicts (retried by the handler), ${lost} commands lost`,
      };
    }
    default:
      return null;
  }
}

function mb(x: number): string {
  return Number.isFinite(x) ? `${Math.round(x)} MB` : '-';
}

function seconds(ms: number): string {
  return ms >= 10_000
    ? `${(ms / 1000).toFixed(1)} s`
    : ms >= 1000
      ? `${(ms / 1000).toFixed(2)} s`
      : `${ms.toFixed(0)} ms`;
}

function verdict(t: TargetCheck | null): string {
  if (t === null) return '';
  return `${t.met === true ? '**met**' : t.met === false ? '**missed**' : 'not checked'}: ${t.text} (${t.note})`;
}

/** The results as Markdown: what was run, where, and the table of figures and targets. */
export function resultsMarkdown(r: BenchResults): string {
  const m = r.machine;
  const lines = [
    `Run on ${r.date.slice(0, 10)} (${r.date}), ${r.quick ? '**quick run** (`--quick`)' : r.log.events >= 1_000_000 ? 'full run' : `**reduced run** (${r.log.events.toLocaleString('en-GB')} events, not the full run's 1,000,000)`}: ` +
      `${r.log.events.toLocaleString('en-GB')} events in ${r.log.budgets.toLocaleString('en-GB')} budgets ` +
      `(${(r.log.bytes / 1e6).toFixed(0)} MB, seed ${r.log.seed}), median of ${r.runs} runs per path, ` +
      `${r.isolated ? 'each run in its own process' : 'all runs in one process'}.`,
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, ${m.os}, Node ${m.node}; ` +
      `load average ${m.loadAtStart.toFixed(2)} when the run started (the machine is shared).`,
    '',
    ...(r.wideLog === undefined || r.wideLog.path === r.log.path
      ? []
      : [
          `The wide log (\`balances-wide\`): ${r.wideLog.events.toLocaleString('en-GB')} events in ${r.wideLog.budgets.toLocaleString('en-GB')} budgets (${(r.wideLog.bytes / 1e6).toFixed(0)} MB).`,
          '',
        ]),
    ...(r.peerLog === undefined || r.peerLog.path === r.log.path
      ? []
      : [
          `The peer log (\`peer-\` rows; its journal written by \`ipb export --format hledger\`): ${r.peerLog.events.toLocaleString('en-GB')} events in ${r.peerLog.budgets.toLocaleString('en-GB')} budgets (${(r.peerLog.bytes / 1e6).toFixed(0)} MB); x ceiling of these rows is against the main log's ceiling.`,
          '',
        ]),
    `Readers: \`--workers\` = ${r.workers} where a row says every core.`,
    '',
    '| path | what | work | median time | per second | x ceiling | peak RSS | target |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const row of r.rows) {
    lines.push(
      `| ${row.path} | ${row.what} | ${row.units.toLocaleString('en-GB')} ${row.unit} | ${seconds(row.medianMs)} | ` +
        `${Math.round(row.perSecond).toLocaleString('en-GB')} ${row.unit}/s | ${fixed(row.ratioToCeiling)} | ` +
        `${mb(row.peakRssMb)} | ${verdict(row.target)} |`,
    );
  }
  for (const s of r.skipped)
    lines.push(`| ${s.path} | ${WHAT[s.path]} | - | - | - | - | - | not run: ${s.reason} |`);
  lines.push(
    '',
    `Peak RSS is the whole process's (${r.rows[0]?.rssSource ?? 'time -v'}), Node's own ~40 MB and the library's code included.`,
    '',
    ...targetsMarkdown(r),
  );
  return lines.join('\n');
}

/** The targets of issue 16, one row each, in the order the issue states them. */
export const ISSUE_TARGETS: ReadonlyArray<{ readonly path: PathName; readonly target: string }> = [
  { path: 'balances', target: '`ipb balances` with hashes >= 0.50 x the ceiling, every core' },
  { path: 'verify', target: '`ipb verify` >= 0.50 x the ceiling, every core' },
  { path: 'balances-1', target: '`ipb balances` with hashes >= 0.30 x the ceiling, one core' },
  { path: 'verify-1', target: '`ipb verify` >= 0.30 x the ceiling, one core' },
  { path: 'balances-wide', target: 'peak RSS <= 200 MB for `ipb balances` at 25,000 budgets' },
  { path: 'commands', target: 'in-memory commands >= 50,000/s' },
  { path: 'pg-writers', target: 'PostgreSQL, 16 writers >= 5,000 events/s, none lost' },
  { path: 'peer-hledger', target: '>= 5 x the speed of `hledger bal` on the same log' },
  { path: 'peer-ledger', target: '>= 10 x the speed of `ledger bal` on the same log' },
];

/**
 * The verdict on each target of issue 16, from the rows of this run: met, missed, or not
 * checked (the row was not run, or, for memory, the wide log had fewer than 25,000 budgets).
 */
export function targetsMarkdown(r: BenchResults): string[] {
  const lines = [
    "Issue 16's targets in this run:",
    '',
    '| target | row | result | verdict |',
    '|---|---|---|---|',
  ];
  for (const { path, target } of ISSUE_TARGETS) {
    const row = r.rows.find((x) => x.path === path);
    const skipped = r.skipped.find((x) => x.path === path);
    if (row === undefined || row.target === null) {
      lines.push(`| ${target} | ${path} | - | not checked: ${skipped?.reason ?? 'not run'} |`);
      continue;
    }
    let met = row.target.met;
    let note = row.target.note;
    const budgets = r.wideLog?.budgets ?? r.log.budgets;
    if (path === 'balances-wide') {
      note = `${note} on ${budgets.toLocaleString('en-GB')} budgets, --workers ${r.workers}`;
      if (budgets < 25_000) met = null;
    }
    const word =
      met === true
        ? '**met**'
        : met === false
          ? '**missed**'
          : path === 'balances-wide' && budgets < 25_000
            ? 'not checked (fewer than 25,000 budgets)'
            : 'not checked';
    lines.push(`| ${target} | ${path} | ${note} | ${word} |`);
  }
  return lines;
}

/** Markers around the generated part of docs/performance.md. */
export const DOC_START = '<!-- bench:results:start (written by `npm run bench`; do not edit by hand) -->';
export const DOC_END = '<!-- bench:results:end -->';

/** Puts the results between the markers of a page (appending them when the page has none). */
export function withResults(page: string, markdown: string): string {
  const block = `${DOC_START}\n\n${markdown}\n\n${DOC_END}`;
  const a = page.indexOf(DOC_START);
  const b = page.indexOf(DOC_END);
  if (a === -1 || b === -1 || b < a) return `${page.trimEnd()}\n\n${block}\n`;
  return `${page.slice(0, a)}${block}${page.slice(b + DOC_END.length)}`;
}
