import type { Diagnostic } from "../report/diagnostic.js";
import { plural } from "../report/text.js";
import { costMarkdown } from "./cost-text.js";
import { describeDestroyed } from "./destruction-text.js";
import { code, escapeMarkdown, fence } from "./markdown-text.js";
import type { Destruction, EnvironmentPlan, ObjectChange, Plan, ServicePlan } from "./plan.js";
import { headLabel, objectLabel, PLATFORM_PLAN } from "./plan.js";

/** The hidden first line of the comment, by which `idp comment` finds it again. */
export const PLAN_MARKER = "<!-- idp-plan -->";

/** GitHub refuses issue comments longer than this many characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;

/** Where findings link to: `${server}/${repository}/blob/${sha}/${file}#L${line}`. */
export interface SourceLinks {
  /** https://github.com, or a GitHub Enterprise server. */
  server: string;
  /** owner/name */
  repository: string;
  /** The commit the lines are read at. */
  sha: string;
}

/** How the comment is printed. */
export interface MarkdownOptions {
  links?: SourceLinks;
  /** Longest comment, in characters (JavaScript string length, never less than GitHub counts). Default just under GITHUB_COMMENT_LIMIT. */
  limit?: number;
}

/** Diffs shorter than this after cutting are dropped instead: a few lines of a diff help nobody. */
const MIN_DIFF = 400;

/**
 * The plan as a pull-request comment: the hidden marker, the verdict, the
 * findings (with links to the lines when `links` is given), what the change's
 * own policies would say, then one collapsible section per environment with
 * each service's object changes and its manifest diff. Stays under the limit
 * by cutting the largest diffs first (and saying so); only if that is not
 * enough, environments and then findings are left out from the end.
 */
export function formatPlanMarkdown(plan: Plan, options: MarkdownOptions = {}): string {
  const limit = options.limit ?? GITHUB_COMMENT_LIMIT - 512;
  const diffs = plan.environments.flatMap((e) => e.services.map((s) => s.diff));
  const layout: Layout = { diffs: [...diffs], environments: plan.environments.length, findings: Infinity };
  let text = compose(plan, options, layout, false);
  if (text.length <= limit) return text;
  // Cut diffs to a common cap, largest first, so the small ones stay whole.
  const fixed = compose(plan, options, { ...layout, diffs: diffs.map(() => "") }, true).length;
  const cap = capFor(
    diffs.map((d) => d.length),
    limit - fixed - diffs.length * 120,
  );
  layout.diffs = diffs.map((d) => cutDiff(d, cap));
  text = compose(plan, options, layout, true);
  while (text.length > limit && layout.environments > 0) {
    layout.environments -= 1;
    text = compose(plan, options, layout, true);
  }
  let findings = plan.diagnostics.length;
  while (text.length > limit && findings > 0) {
    findings = Math.floor(findings / 2);
    layout.findings = findings;
    text = compose(plan, options, layout, true);
  }
  return text.length > limit ? `${text.slice(0, limit - 2)}…\n` : text;
}

/** What is shown: each diff (possibly cut; "" for none), how many environments, how many findings. */
interface Layout {
  diffs: string[];
  environments: number;
  findings: number;
}

function compose(plan: Plan, options: MarkdownOptions, layout: Layout, truncated: boolean): string {
  const out: string[] = [PLAN_MARKER, `### ${plan.verdict.summary}`, ""];
  out.push(
    `Plan of ${plan.workingTree ? escapeMarkdown(headLabel(plan)) : code(headLabel(plan))} against ${code(plan.base)} (merge base ${code(plan.baseSha.slice(0, 7))}).`,
    "",
  );
  for (const note of plan.notes) out.push(`> ${escapeMarkdown(note)}`, "");
  if (truncated) {
    out.push(
      `> ✂️ diffs truncated to stay under GitHub's comment limit: run ${code(`idp plan --base ${plan.base}`)} locally for the full diff`,
      "",
    );
  }
  if (plan.destruction) out.push(destructionSection(plan.destruction), "");
  out.push("#### Findings", "", findingsTable(plan.diagnostics, options.links, layout.findings), "");
  if (plan.newPolicy) out.push(newPolicySection(plan.newPolicy, options.links), "");
  const cost = costMarkdown(plan.cost);
  if (cost) out.push(cost.trimEnd(), "");
  out.push("#### Changes", "");
  if (plan.environments.length === 0) out.push("No manifest changes.", "");
  let index = 0;
  plan.environments.forEach((environment, position) => {
    const diffs = layout.diffs.slice(index, index + environment.services.length);
    index += environment.services.length;
    if (position < layout.environments) out.push(environmentSection(environment, diffs), "");
  });
  const hidden = plan.environments.length - layout.environments;
  if (hidden > 0) out.push(`_${plural(hidden, "more environment")} not shown (comment size limit)._`, "");
  return `${out.join("\n").trimEnd()}\n`;
}

function findingsTable(
  diagnostics: readonly Diagnostic[],
  links: SourceLinks | undefined,
  max: number,
): string {
  if (diagnostics.length === 0) return "No findings.";
  const shown = diagnostics.slice(0, max);
  const rows = shown.map((d) => {
    const icon = d.severity === "error" ? "❌" : "⚠️";
    const where = `${d.file}:${d.line}`;
    const place = links ? `[${code(where)}](${sourceLink(links, d.file, d.line)})` : code(where);
    const message = escapeMarkdown(d.message) + (d.hint ? `<br>_${escapeMarkdown(d.hint)}_` : "");
    return `| ${icon} | ${place} | ${code(d.code)} | ${message} |`;
  });
  const more = diagnostics.length - shown.length;
  return [
    "| | where | rule | finding |",
    "| --- | --- | --- | --- |",
    ...rows,
    ...(more > 0 ? ["", `_${plural(more, "more finding")} not shown (comment size limit)._`] : []),
  ].join("\n");
}

/** The URL of a line of a file at a commit on GitHub. */
export function sourceLink(links: SourceLinks, file: string, line: number): string {
  const path = file.split("/").map(encodeURIComponent).join("/");
  return `${links.server.replace(/\/+$/, "")}/${links.repository}/blob/${links.sha}/${path}#L${line}`;
}

function newPolicySection(found: NonNullable<Plan["newPolicy"]>, links: SourceLinks | undefined): string {
  const same = found.added.length === 0 && found.removed.length === 0;
  const title = same
    ? "What this change's own rules would say: the same findings"
    : `What this change's own rules would say: ${found.added.length} new, ${found.removed.length} no longer reported`;
  const body = same
    ? ["They agree with the rules of the base."]
    : [
        "Informational: the rules of the base decide the verdict above.",
        "",
        "**Would newly report**",
        "",
        findingsTable(found.added, links, Infinity),
        "",
        "**Would no longer report**",
        "",
        findingsTable(found.removed, links, Infinity),
      ];
  return [`<details><summary>${escapeMarkdown(title)}</summary>`, "", ...body, "", "</details>"].join("\n");
}

/** What the change destroys, each with why it matters, and what acknowledges it; never cut for size. */
function destructionSection(destruction: Destruction): string {
  const text = describeDestroyed(destruction);
  return [
    `#### ⚠ ${escapeMarkdown(text.heading)}`,
    "",
    ...text.items.map((item) => `- ${escapeMarkdown(item)}`),
    "",
    escapeMarkdown(text.acknowledgement),
  ].join("\n");
}

function environmentSection(environment: EnvironmentPlan, diffs: readonly string[]): string {
  const parts = environment.services.map((s) =>
    s.name === PLATFORM_PLAN ? `platform objects ${s.status}` : `${s.name} ${s.status}`,
  );
  const out = [
    `<details><summary><b>${escapeMarkdown(environment.name)}</b>: ${escapeMarkdown(parts.join(", "))}</summary>`,
    "",
  ];
  environment.services.forEach((service, index) => {
    out.push(...serviceSection(service, diffs[index] ?? ""));
  });
  out.push("</details>");
  return out.join("\n");
}

function serviceSection(service: ServicePlan, diff: string): string[] {
  const title = service.name === PLATFORM_PLAN ? "platform objects" : code(service.name);
  const out = [`**${title}** ${service.status}`, ""];
  for (const line of objectLines(service.objects)) out.push(`- ${line}`);
  if (service.objects.length > 0) out.push("");
  if (diff !== "") out.push(fence("diff", diff), "");
  else if (service.diff !== "")
    out.push(`_diff omitted (${plural(lineCount(service.diff), "line")}; comment size limit)_`, "");
  return out;
}

/** Object changes as bullets; objects with the same status and summary share one (a label changed on every object). */
function objectLines(objects: readonly ObjectChange[]): string[] {
  const groups = new Map<string, { names: string[]; status: string; summary: string[] }>();
  for (const object of objects) {
    const key = `${object.status}\u0000${object.summary.join("\u0000")}`;
    const group = groups.get(key) ?? { names: [], status: object.status, summary: object.summary };
    group.names.push(code(objectLabel(object)));
    groups.set(key, group);
  }
  return [...groups.values()].map((g) => {
    const what = g.summary.length > 0 ? `: ${g.summary.map(escapeMarkdown).join("; ")}` : "";
    return `${g.names.join(", ")} ${g.status}${what}`;
  });
}

/**
 * The largest length every diff may keep so that the kept lengths sum to at
 * most `budget`: diffs under it stay whole, the larger ones are cut to it.
 */
export function capFor(lengths: readonly number[], budget: number): number {
  if (budget <= 0) return 0;
  const sorted = [...lengths].sort((a, b) => a - b);
  let used = 0;
  for (let i = 0; i < sorted.length; i += 1) {
    const value = sorted[i] as number;
    const rest = sorted.length - i;
    if (used + value * rest > budget) return Math.floor((budget - used) / rest);
    used += value;
  }
  return Number.POSITIVE_INFINITY;
}

/** A diff cut at a line boundary to at most `cap` characters, with a last line saying how much is left out. */
function cutDiff(diff: string, cap: number): string {
  if (diff.length <= cap) return diff;
  if (cap < MIN_DIFF) return "";
  const lines = diff.split("\n");
  const kept: string[] = [];
  let size = 0;
  for (const line of lines) {
    if (size + line.length + 1 > cap - 80) break;
    kept.push(line);
    size += line.length + 1;
  }
  return `${kept.join("\n")}\n… diff truncated: ${kept.length} of ${lineCount(diff)} lines shown\n`;
}

function lineCount(text: string): number {
  return text.split("\n").filter((line, i, all) => line !== "" || i < all.length - 1).length;
}
