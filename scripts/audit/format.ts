import { code, escapeMarkdown } from "../plan/markdown-text.js";
import type { OutputFormat } from "../report/format.js";
import { printable } from "../report/terminal-text.js";
import { plural } from "../report/text.js";
import { authorLabel } from "./attribution.js";
import type { AuditEvent, AuditSnapshot, AuditTimeline, CommitRef, SnapshotService } from "./audit.js";
import type { FieldChange, ServiceSettings, SettingValue } from "./settings.js";

/** One field change in the JSON output: the shape SPEC's audit entries have. */
export interface AuditEntry {
  commit: string;
  date: string;
  author: { name: string; email: string; login: string | null };
  pr: number | null;
  service: string;
  environment: string;
  change: "added" | "removed" | "changed";
  /** The dotted settings path; null for a service added to or removed from an environment. */
  field: string | null;
  old: SettingValue;
  new: SettingValue;
}

/** Prints a timeline or a snapshot in the chosen format (`github` prints text). */
export function formatAudit(result: AuditTimeline | AuditSnapshot, format: OutputFormat): string {
  if (result.kind === "snapshot") {
    if (format === "json") return `${JSON.stringify(snapshotJson(result), null, 2)}\n`;
    if (format === "markdown") return snapshotMarkdown(result);
    return snapshotText(result);
  }
  if (format === "json") return `${JSON.stringify(timelineJson(result), null, 2)}\n`;
  if (format === "markdown") return timelineMarkdown(result);
  return timelineText(result);
}

/** "3 changes in 2 commits", or that there were none. */
export function timelineSummary(timeline: AuditTimeline): string {
  if (timeline.events.length === 0) return `no changes found in ${plural(timeline.commitsRead, "commit")}`;
  const commits = new Set(timeline.events.map((e) => e.commit.sha)).size;
  return `${plural(timeline.events.length, "change")} in ${plural(commits, "commit")}`;
}

/** The flat entries of `--format json`: one per field (one per service added or removed). */
export function timelineEntries(timeline: AuditTimeline): AuditEntry[] {
  return timeline.events.flatMap((event): AuditEntry[] => {
    const base = {
      commit: event.commit.sha,
      date: event.commit.date,
      author: event.commit.author,
      pr: event.commit.pr,
      service: event.service,
      environment: event.environment,
      change: event.change,
    };
    // Without --field, a service added or removed is one entry with all its settings.
    if (event.change === "added" && event.fields.length === 0)
      return [{ ...base, field: null, old: null, new: event.settings ?? null }];
    if (event.change === "removed" && event.fields.length === 0)
      return [{ ...base, field: null, old: event.settings ?? null, new: null }];
    return event.fields.map((f) => ({ ...base, field: f.field, old: f.before, new: f.after }));
  });
}

function timelineJson(timeline: AuditTimeline) {
  return { diagnostics: [], summary: timelineSummary(timeline), entries: timelineEntries(timeline) };
}

function commitLabel(commit: CommitRef): string {
  const pr = commit.pr === null ? "" : ` (#${commit.pr})`;
  return `${commit.date.slice(0, 10)} ${authorLabel(commit.author)}${pr} ${commit.sha.slice(0, 7)}`;
}

/** What happened to one service in one environment, for a person: `image a → b; replicas 2 → 3`. */
export function describeEvent(event: AuditEvent): string {
  if (event.change === "changed") return event.fields.map(describeField).join("; ");
  // With --field, what the service had under that field.
  const values = (pick: (f: FieldChange) => SettingValue) =>
    event.fields.map((f) => `${f.field} ${showValue(pick(f))}`).join(", ");
  if (event.change === "added")
    return `added (${event.fields.length > 0 ? values((f) => f.after) : describeSettings(event.settings ?? {})})`;
  return event.fields.length > 0 ? `removed (${values((f) => f.before)})` : "removed";
}

function describeField(change: FieldChange): string {
  const before = showValue(change.before);
  let after = showValue(change.after);
  if (change.field === "image" && typeof change.before === "string" && typeof change.after === "string") {
    const [repository] = splitImage(change.before);
    const [next, reference] = splitImage(change.after);
    if (reference && repository === next) after = reference;
  }
  return `${change.field} ${before} → ${after}`;
}

/** `ghcr.io/acme/checkout:1.4.2` → [`ghcr.io/acme/checkout`, `1.4.2`]; digests keep their `@`. */
function splitImage(image: string): [string, string | undefined] {
  const at = image.indexOf("@");
  if (at >= 0) return [image.slice(0, at), image.slice(at)];
  const colon = image.lastIndexOf(":");
  if (colon > image.lastIndexOf("/")) return [image.slice(0, colon), image.slice(colon + 1)];
  return [image, undefined];
}

function showValue(value: SettingValue): string {
  if (value === null) return "(none)";
  if (typeof value === "string") return value === "" ? '""' : value;
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** `image X, replicas 2` or `image X, autoscale 2-6 at 70% cpu`. */
function describeSettings(settings: ServiceSettings): string {
  return `image ${showValue(settings.image ?? null)}, ${describeScale(settings)}`;
}

function describeScale(settings: ServiceSettings): string {
  const autoscale = settings.autoscale as { min?: number; max?: number; cpu?: number } | undefined;
  if (autoscale) return `autoscale ${autoscale.min}-${autoscale.max} at ${autoscale.cpu}% cpu`;
  if (settings.type === "cron") return "cron";
  return `replicas ${showValue(settings.replicas ?? null)}`;
}

function timelineText(timeline: AuditTimeline): string {
  // Each line is one event: a control character or line break in a name or value is shown escaped.
  const lines = timeline.events.map((event) =>
    printable(`${commitLabel(event.commit)}  ${event.service} ${event.environment}: ${describeEvent(event)}`),
  );
  return `${lines.join("\n")}${lines.length > 0 ? "\n\n" : ""}${printable(timelineSummary(timeline))}\n`;
}

function timelineMarkdown(timeline: AuditTimeline): string {
  const rows = timeline.events.map((event) =>
    [
      event.commit.date.slice(0, 10),
      escapeMarkdown(authorLabel(event.commit.author)),
      event.commit.pr === null ? "" : `#${event.commit.pr}`,
      code(event.commit.sha.slice(0, 7)),
      escapeMarkdown(event.service),
      escapeMarkdown(event.environment),
      escapeMarkdown(describeEvent(event)),
    ].join(" | "),
  );
  const table =
    rows.length === 0
      ? ""
      : `| date | author | PR | commit | service | environment | change |\n| --- | --- | --- | --- | --- | --- | --- |\n${rows.map((r) => `| ${r} |`).join("\n")}\n\n`;
  return `**${timelineSummary(timeline)}**\n\n${table}`;
}

/** One service's row of a snapshot. */
interface SnapshotRow {
  service: string;
  image: string;
  scale: string;
  cpu: string;
  memory: string;
}

function snapshotRows(services: AuditSnapshot["environments"][number]["services"]): SnapshotRow[] {
  return services.map(({ service, settings }) => {
    const resources = (settings.resources ?? {}) as { cpu?: string; memory?: string };
    return {
      service,
      image: showValue(settings.image ?? null),
      scale: describeScale(settings),
      cpu: resources.cpu ?? "",
      memory: resources.memory ?? "",
    };
  });
}

function snapshotHeading(snapshot: AuditSnapshot, environment: string): string {
  const commit = snapshot.commit;
  const from = commit
    ? `as of commit ${commit.sha.slice(0, 7)} (${commit.date.slice(0, 10)}, ${authorLabel(commit.author)}${commit.pr === null ? "" : `, #${commit.pr}`})`
    : "before the first commit";
  return `${environment} at ${snapshot.at}, ${from}`;
}

/**
 * A snapshot's table for one environment: the header and one row per
 * service. Without --field: image, scale, cpu and memory; with it, one column
 * per settings path under the field that some service has.
 */
function snapshotTable(snapshot: AuditSnapshot, services: SnapshotService[]): string[][] {
  if (snapshot.field === undefined) {
    const rows = snapshotRows(services).map((row) => [
      row.service,
      row.image,
      row.scale,
      row.cpu,
      row.memory,
    ]);
    return [["service", "image", "scale", "cpu", "memory"], ...rows];
  }
  const columns = [...new Set(services.flatMap((s) => (s.fields ?? []).map((f) => f.field)))];
  const rows = services.map((s) => {
    const values = new Map((s.fields ?? []).map((f) => [f.field, showValue(f.value)]));
    return [s.service, ...columns.map((column) => values.get(column) ?? "")];
  });
  return [["service", ...columns], ...rows];
}

function snapshotText(snapshot: AuditSnapshot): string {
  if (snapshot.environments.length === 0) return `nothing was configured at ${printable(snapshot.at)}\n`;
  const blocks = snapshot.environments.map(({ name, services }) => {
    const table = snapshotTable(snapshot, services).map((row) => row.map((cell) => printable(cell)));
    const widths = (table[0] ?? []).map((_, i) => Math.max(...table.map((row) => (row[i] ?? "").length)));
    const lines = table.map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i] as number))
        .join("  ")
        .trimEnd(),
    );
    const body = services.length === 0 ? ["(no services)"] : lines;
    return [printable(snapshotHeading(snapshot, name)), ...body].join("\n");
  });
  return `${blocks.join("\n\n")}\n`;
}

function snapshotMarkdown(snapshot: AuditSnapshot): string {
  if (snapshot.environments.length === 0) return `**nothing was configured at ${snapshot.at}**\n`;
  const blocks = snapshot.environments.map(({ name, services }) => {
    const [header = [], ...rows] = snapshotTable(snapshot, services);
    // Images are shown as code, as in the timeline; everything else escaped.
    const imageColumn = header.indexOf("image");
    const cells = (row: string[]) =>
      `| ${row.map((cell, i) => (i === imageColumn && i > 0 ? code(cell) : escapeMarkdown(cell))).join(" | ")} |`;
    return `**${escapeMarkdown(snapshotHeading(snapshot, name))}**\n\n${cells(header)}\n|${" --- |".repeat(header.length)}\n${rows.map(cells).join("\n")}\n`;
  });
  return `${blocks.join("\n")}`;
}

function snapshotJson(snapshot: AuditSnapshot) {
  return {
    diagnostics: [],
    at: snapshot.at,
    commit: snapshot.commit
      ? {
          sha: snapshot.commit.sha,
          date: snapshot.commit.date,
          author: snapshot.commit.author,
          pr: snapshot.commit.pr,
        }
      : null,
    ...(snapshot.field !== undefined ? { field: snapshot.field } : {}),
    environments: snapshot.environments.map(({ name, services }) => ({
      name,
      services: services.map(({ service, settings, fields }) =>
        fields
          ? { service, fields: Object.fromEntries(fields.map((f) => [f.field, f.value])) }
          : {
              service,
              image: settings.image ?? null,
              replicas: settings.replicas ?? null,
              autoscale: settings.autoscale ?? null,
              resources: settings.resources ?? null,
            },
      ),
    })),
  };
}
