import { durationMs } from "./promql.js";

/** How an SLO alert reaches people: a page now, or a ticket for working hours. */
export type Urgency = "page" | "ticket";

/**
 * One multi-window burn-rate alert of the Google SRE workbook (chapter
 * "Alerting on SLOs"): it fires when both the long and the short window
 * burn the error budget faster than `burnRate`; the short window makes it
 * stop soon after the burn stops.
 */
export interface BurnRateWindow {
  long: string;
  short: string;
  /** Share of the whole SLO window's budget the long window consumes at this burn rate. */
  budgetConsumed: number;
  urgency: Urgency;
}

/** The workbook's table, as shares of the budget so that it fits SLO windows other than 30 days. */
export const BURN_RATE_WINDOWS: readonly BurnRateWindow[] = [
  { long: "1h", short: "5m", budgetConsumed: 0.02, urgency: "page" },
  { long: "6h", short: "30m", budgetConsumed: 0.05, urgency: "page" },
  { long: "1d", short: "2h", budgetConsumed: 0.1, urgency: "ticket" },
  { long: "3d", short: "6h", budgetConsumed: 0.1, urgency: "ticket" },
];

/** A burn-rate alert for one SLO window: the workbook's 14.4, 6, 3 and 1 for 30 days. */
export interface BurnRateAlert extends BurnRateWindow {
  burnRate: number;
}

/**
 * The burn-rate alerts for an SLO window ("30d"): burn rate = budget share ×
 * SLO window ÷ long window, rounded to 4 decimals. Windows whose long window
 * is not shorter than the SLO window are left out (they could never fire
 * before the budget is gone).
 */
export function burnRateAlerts(sloWindow: string): readonly BurnRateAlert[] {
  // A few distinct windows across all services: computed once each.
  const known = byWindow.get(sloWindow);
  if (known) return known;
  const slo = durationMs(sloWindow);
  const alerts: BurnRateAlert[] = [];
  for (const window of BURN_RATE_WINDOWS) {
    const long = durationMs(window.long);
    if (long >= slo) continue;
    alerts.push({ ...window, burnRate: Math.round((window.budgetConsumed * slo * 10_000) / long) / 10_000 });
  }
  byWindow.set(sloWindow, alerts);
  return alerts;
}

const byWindow = new Map<string, readonly BurnRateAlert[]>();

/** The distinct windows (long and short) that `alerts` read, shortest first. */
export function ratioWindows(alerts: readonly BurnRateAlert[]): string[] {
  const windows = new Set<string>();
  for (const alert of alerts) {
    windows.add(alert.short);
    windows.add(alert.long);
  }
  return [...windows].sort((a, b) => durationMs(a) - durationMs(b));
}
