import { addBusinessDays, addDays, formatISO, parseISO } from 'date-fns';

/**
 * A calendar date as `YYYY-MM-DD` (no time, no zone). Dates here are the partner's dates as
 * shown in UTC; Partner Center states approval time in business days, not hours.
 */
export type IsoDate = string;

/** `YYYY-MM-DD` of an instant, in UTC. */
export function toIsoDate(instant: Date): IsoDate {
  return instant.toISOString().slice(0, 10);
}

/**
 * Adds `days` business days (Monday-Friday; Saturdays and Sundays are skipped; public holidays are
 * not known and not skipped) to the UTC date of `from`.
 * Example: Friday 2026-11-20 + 5 business days = Friday 2026-11-27.
 * @param days whole business days, >= 0
 * @throws RangeError when `days` is negative or not an integer
 */
export function addBusinessDaysUtc(from: Date, days: number): IsoDate {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`days must be a non-negative integer, got ${days}`);
  const start = parseISO(toIsoDate(from)); // local midnight of the UTC calendar date
  return formatISO(addBusinessDays(start, days), { representation: 'date' });
}

/**
 * Adds `days` calendar days to the UTC date of `from`.
 * @param days whole calendar days, >= 0
 */
export function addCalendarDaysUtc(from: Date, days: number): IsoDate {
  const start = parseISO(toIsoDate(from));
  return formatISO(addDays(start, days), { representation: 'date' });
}

/**
 * Whole calendar days from the UTC date of `now` until `date` (negative when `date` has passed).
 */
export function daysUntil(date: IsoDate, now: Date): number {
  const a = Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10));
  const t = toIsoDate(now);
  const b = Date.UTC(+t.slice(0, 4), +t.slice(5, 7) - 1, +t.slice(8, 10));
  return Math.round((a - b) / 86_400_000);
}
