import { existsSync } from "node:fs";
import { join } from "node:path";
import { readRepositoryFile } from "../model/load.js";
import { type Diagnostic, error } from "../report/diagnostic.js";

/** The platform team's limits on exceptions, relative to the root; absent means the defaults. */
export const GOVERNANCE_FILE = "policies/governance.yaml";

/** How far ahead an exception may expire when `policies/governance.yaml` does not say. */
export const DEFAULT_MAX_EXCEPTION_DAYS = 90;

/** The longest limit the platform team may set: a waiver is temporary. */
const LIMIT_CEILING = 365;

/** The limits exceptions are held to, and what was wrong with the file that sets them. */
export interface ExceptionLimits {
  /** An exception's `expires` is at most this many days after the day it is checked. */
  maxDays: number;
  diagnostics: Diagnostic[];
  /** The file's text when it was read, for the source line under its diagnostics. */
  text?: string;
}

/**
 * Reads `policies/governance.yaml` under `root` (`exceptions.maxDays`, a
 * whole number of days from 1 to 365). A pull request is judged with the
 * base's file, so it cannot raise the limit it is judged by. A file that is
 * present but wrong is an error, and the default applies.
 */
export function readExceptionLimits(root: string): ExceptionLimits {
  const defaults = { maxDays: DEFAULT_MAX_EXCEPTION_DAYS, diagnostics: [] };
  if (!existsSync(join(root, GOVERNANCE_FILE))) return defaults;
  const { document, diagnostics, text } = readRepositoryFile(root, GOVERNANCE_FILE);
  if (!document) return { ...defaults, diagnostics, ...(text === undefined ? {} : { text }) };
  const value = document.value as { exceptions?: { maxDays?: unknown } } | null;
  const maxDays = value?.exceptions?.maxDays;
  if (typeof maxDays === "number" && Number.isInteger(maxDays) && maxDays >= 1 && maxDays <= LIMIT_CEILING)
    return { maxDays, diagnostics: [] };
  return {
    ...defaults,
    text: document.text,
    diagnostics: [
      error(
        "policy.governance-invalid",
        `exceptions.maxDays must be a whole number of days from 1 to ${LIMIT_CEILING}; the default ${DEFAULT_MAX_EXCEPTION_DAYS} applies`,
        GOVERNANCE_FILE,
        document.locate(["exceptions", "maxDays"]),
        `write it as exceptions: { maxDays: ${DEFAULT_MAX_EXCEPTION_DAYS} }`,
      ),
    ],
  };
}

/** `day` (YYYY-MM-DD) plus `days` days, as YYYY-MM-DD (UTC). */
export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}
