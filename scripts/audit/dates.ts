import { UsageError } from "../errors.js";

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MOMENT = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * A `--since` or `--at` value in seconds since the epoch. A day alone
 * (2026-11-20) is that day in UTC: its first second for `start`, its last
 * for `end` (`--at 2026-11-20` is what ran at the end of that day). A
 * moment needs its offset (2026-11-20T14:30:00Z, 2026-11-20T15:30+01:00),
 * so the answer does not depend on the machine's time zone.
 */
export function parseDateFlag(flag: string, value: string, edge: "start" | "end"): number {
  const day = DAY.exec(value);
  if (day) {
    const [year, month, date] = [Number(day[1]), Number(day[2]), Number(day[3])];
    const start = Date.UTC(year, month - 1, date);
    if (!sameDay(start, year, month, date)) throw invalid(flag, value);
    return start / 1000 + (edge === "end" ? 86_399 : 0);
  }
  const moment = MOMENT.exec(value);
  if (moment) {
    const [year, month, date, hour, minute, second] = moment.slice(1, 7).map((part) => Number(part ?? 0)) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    if (
      !sameDay(Date.UTC(year, month - 1, date), year, month, date) ||
      hour > 23 ||
      minute > 59 ||
      second > 59
    )
      throw invalid(flag, value);
    const parsed = Date.parse(value.replace(" ", "T"));
    if (Number.isNaN(parsed)) throw invalid(flag, value);
    return Math.floor(parsed / 1000);
  }
  throw invalid(flag, value);
}

function sameDay(time: number, year: number, month: number, date: number): boolean {
  const d = new Date(time);
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === date;
}

function invalid(flag: string, value: string): UsageError {
  return new UsageError(
    `${flag} "${value}" is not a date: use YYYY-MM-DD (a day in UTC) or YYYY-MM-DDTHH:MM[:SS] with Z or an offset, such as 2026-11-20 or 2026-11-20T14:30:00Z`,
  );
}

/** Seconds since the epoch → `2026-11-20T14:30:00Z`. */
export function isoTime(time: number): string {
  return new Date(time * 1000).toISOString().replace(/\.000Z$/, "Z");
}
