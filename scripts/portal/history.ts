import { existsSync } from "node:fs";
import { join } from "node:path";
import { type AuditEvent, auditHistory } from "../audit/audit.js";
import { describeEvent } from "../audit/format.js";
import type { Redactor } from "../report/redact.js";

/** One change from the audit history, as a page lists it. */
export interface PortalChange {
  sha: string;
  date: string;
  author: string;
  pr: number | null;
  subject: string;
  /** The environments the change touched alike, in promotion order. */
  environments: string[];
  what: string;
}

/** Newest first, per service. */
export type PortalHistory = Map<string, PortalChange[]>;

/** How many changes a service page lists. */
export const CHANGES_PER_SERVICE = 10;

/**
 * The last changes of each service from the audit timeline (`idp audit`), or
 * undefined outside a git repository (a copy, an export). Read before the
 * policy has run, so nothing is redacted yet: see {@link redactHistory}.
 */
export async function readServiceHistory(root: string): Promise<PortalHistory | undefined> {
  if (!existsSync(join(root, ".git"))) return undefined;
  const timeline = await auditHistory({ root });
  if (timeline.kind !== "timeline") return undefined;
  const byService: PortalHistory = new Map();
  for (const event of timeline.events) {
    const list = byService.get(event.service) ?? [];
    const change = toChange(event);
    // One commit that changed several environments alike is one row.
    const same = list.find((c) => c.sha === change.sha && c.what === change.what);
    if (same) same.environments.push(...change.environments);
    else if (list.length < CHANGES_PER_SERVICE) list.push(change);
    byService.set(event.service, list);
  }
  return byService;
}

/** The history with what the policy judged a credential (SEC004) hidden in subjects and descriptions. */
export function redactHistory(history: PortalHistory, redactor: Redactor): PortalHistory {
  if (redactor.empty) return history;
  return new Map(
    [...history].map(([service, changes]) => [
      service,
      changes.map((c) => ({ ...c, subject: redactor.text(c.subject), what: redactor.text(c.what) })),
    ]),
  );
}

function toChange(event: AuditEvent): PortalChange {
  const { commit } = event;
  return {
    sha: commit.sha,
    date: commit.date.slice(0, 10),
    author: commit.author.login ?? (commit.author.name.trim() || commit.author.email),
    pr: commit.pr,
    subject: commit.subject,
    environments: [event.environment],
    what: describeEvent(event),
  };
}
