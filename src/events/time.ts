/**
 * Calendar arithmetic on contract dates and times, without reading a clock and without
 * the host's time zone: days are counted from 1970-01-01 with the civil-from-days algorithm.
 */

/** Days since 1970-01-01 of a `YYYY-MM-DD` date (or the date part of a timestamp). */
export function epochDay(date: string): number {
  let y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  const d = Number(date.slice(8, 10));
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The `YYYY-MM-DD` date of a day number (inverse of {@link epochDay}). */
export function dateOfEpochDay(z0: number): string {
  const z = z0 + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Milliseconds since the epoch of a contract timestamp `YYYY-MM-DDTHH:mm:ss.sssZ`. */
export function epochMs(ts: string): number {
  const day = epochDay(ts);
  const h = Number(ts.slice(11, 13));
  const mi = Number(ts.slice(14, 16));
  const s = Number(ts.slice(17, 19));
  const ms = Number(ts.slice(20, 23));
  return ((day * 24 + h) * 60 + mi) * 60_000 + s * 1000 + ms;
}

/** The date `months` calendar months after `date`, clamped to the month's last day. */
export function addMonths(date: string, months: number): string {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7)) - 1 + months;
  const ny = y + Math.floor(m / 12);
  const nm = (((m % 12) + 12) % 12) + 1;
  const d = Number(date.slice(8, 10));
  const last =
    epochDay(`${nm === 12 ? ny + 1 : ny}-${String(nm === 12 ? 1 : nm + 1).padStart(2, '0')}-01`) - 1;
  const lastDay = Number(dateOfEpochDay(last).slice(8, 10));
  return `${String(ny).padStart(4, '0')}-${String(nm).padStart(2, '0')}-${String(Math.min(d, lastDay)).padStart(2, '0')}`;
}

/** Days (may be fractional) from one timestamp to another. */
export function daysBetween(from: string, to: string): number {
  return (epochMs(to) - epochMs(from)) / 86_400_000;
}
