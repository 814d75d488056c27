/**
 * Reporting periods of the outcome metrics: calendar months, financial-year quarters and
 * financial years (April to March, as NHS England and councils report), on contract dates
 * (`YYYY-MM-DD`), without a clock or a time zone.
 */
import { addMonths, dateOfEpochDay, epochDay } from '../events/time.js';

/** The kinds of reporting period. `year` is the financial year, 1 April to 31 March. */
export const PERIOD_KINDS = ['month', 'quarter', 'year'] as const;
/** A kind of reporting period. */
export type PeriodKind = (typeof PERIOD_KINDS)[number];

/** One reporting period: a label and its first and last day (both inclusive). */
export interface Period {
  /** `2024-07` (month), `2024-25 Q2` (quarter: July to September 2024), `2024-25` (financial year). */
  readonly label: string;
  /** First day, `YYYY-MM-DD`. */
  readonly start: string;
  /** Last day, `YYYY-MM-DD`. */
  readonly end: string;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');
const pad4 = (n: number): string => String(n).padStart(4, '0');

/** The financial year a date falls in, by its starting calendar year (2024 for 2024-04-01..2025-03-31). */
function fyStartYear(date: string): number {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  return m >= 4 ? y : y - 1;
}

function fyLabel(startYear: number): string {
  return `${pad4(startYear)}-${pad2((startYear + 1) % 100)}`;
}

function lastDayBefore(date: string): string {
  return dateOfEpochDay(epochDay(date) - 1);
}

const cache = new Map<string, Period>();

/** The period of a kind that contains a date. */
export function periodOf(kind: PeriodKind, date: string): Period {
  const key = `${kind}${date}`;
  let p = cache.get(key);
  if (p === undefined) {
    if (cache.size > 100_000) cache.clear();
    p = computePeriod(kind, date);
    cache.set(key, p);
  }
  return p;
}

function computePeriod(kind: PeriodKind, date: string): Period {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  if (kind === 'month') {
    const start = `${pad4(y)}-${pad2(m)}-01`;
    return { label: `${pad4(y)}-${pad2(m)}`, start, end: lastDayBefore(addMonths(start, 1)) };
  }
  const fy = fyStartYear(date);
  const fyStart = `${pad4(fy)}-04-01`;
  if (kind === 'year') {
    return { label: fyLabel(fy), start: fyStart, end: `${pad4(fy + 1)}-03-31` };
  }
  // Quarters of the financial year: Q1 April-June, Q2 July-September, Q3 October-December, Q4 January-March.
  const monthsIn = (m - 4 + 12) % 12;
  const q = Math.floor(monthsIn / 3);
  const start = addMonths(fyStart, q * 3);
  return { label: `${fyLabel(fy)} Q${q + 1}`, start, end: lastDayBefore(addMonths(start, 3)) };
}

/** The period right after `p` (same kind). */
export function nextPeriod(kind: PeriodKind, p: Period): Period {
  return periodOf(kind, dateOfEpochDay(epochDay(p.end) + 1));
}

/** Every period of a kind that overlaps the days `from`..`to` (inclusive), in order; none when `to < from`. */
export function periodsBetween(kind: PeriodKind, from: string, to: string): Period[] {
  const out: Period[] = [];
  if (to < from) return out;
  let p = periodOf(kind, from);
  while (p.start <= to) {
    out.push(p);
    p = nextPeriod(kind, p);
  }
  return out;
}

/** Parses a period kind given by a person (`month`, `quarter`, `year`; also `fy`), or null. */
export function parsePeriodKind(s: string): PeriodKind | null {
  const k = s.trim().toLowerCase();
  if (k === 'fy' || k === 'financial-year') return 'year';
  return (PERIOD_KINDS as readonly string[]).includes(k) ? (k as PeriodKind) : null;
}
