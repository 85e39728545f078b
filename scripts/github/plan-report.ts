import type { ErrorObject, ValidateFunction } from "ajv/dist/2020.js";
import type { CostChange } from "../cost/cost-delta.js";
import { schemaCompiler } from "../model/schema-compiler.js";
import { formatPlanMarkdown, PLAN_MARKER, type SourceLinks } from "../plan/format-markdown.js";
import { escapeMarkdown } from "../plan/markdown-text.js";
import type { Destruction, EnvironmentPlan, Plan } from "../plan/plan.js";
import { decideVerdict } from "../plan/verdict.js";
import type { Diagnostic } from "../report/diagnostic.js";
import { PLAN_SCHEMA } from "./plan-schema.js";

/** The hidden first line of the plan comment, by which the comment is found again. */
export { PLAN_MARKER };

/**
 * What `idp comment` publishes: the verdict, the findings (for annotations),
 * the commit they are about and the comment body. Never read from the plan
 * file as such: `verdict` and `markdown` are recomputed by our own code from
 * the file's validated structured data (see parsePlanReport).
 */
export interface PlanReport {
  verdict: { ok: boolean; destructive?: boolean; summary: string };
  /** What the change destroys; the check run fails on it unless acknowledged (see publishPlan). */
  destruction?: Destruction;
  headSha?: string;
  diagnostics: Diagnostic[];
  /** The whole comment body, starting with `PLAN_MARKER`. */
  markdown: string;
}

/** The plan file as `idp plan --format json` writes it, once checked against PLAN_SCHEMA. */
export interface PlanFileData {
  base: string;
  baseSha: string;
  headSha: string;
  workingTree?: boolean;
  destruction?: Destruction;
  diagnostics: Diagnostic[];
  newPolicyDiagnostics?: Diagnostic[];
  newPolicyDifference?: { added: Diagnostic[]; removed: Diagnostic[] };
  environments: EnvironmentPlan[];
  cost?: CostChange;
  notes: string[];
}

/** A plan file that was accepted (and recomputed), or why it was refused. */
export type PlanReading = { report: PlanReport; refused?: undefined } | { refused: string };

let validator: ValidateFunction | undefined;

/**
 * Parses the plan file's text as untrusted data: JSON, then PLAN_SCHEMA
 * (bounded lengths and counts, strict patterns for names, paths and SHAs, no
 * unknown fields), then every string is cleaned of control and
 * bidirectional-override characters. The file's own `verdict` and
 * `markdown` are ignored: the verdict is decided again from the findings
 * (decideVerdict) and the comment is formatted again by formatPlanMarkdown,
 * which escapes every value. A file that fails any step is refused, with
 * the reasons (`file` names it); it is never published.
 */
export function parsePlanReport(
  text: string,
  file: string,
  options: { links?: Omit<SourceLinks, "sha"> & { sha?: string } } = {},
): PlanReading {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { refused: `${file} is not JSON` };
  }
  validator ??= schemaCompiler().compile(PLAN_SCHEMA);
  if (!validator(data)) {
    const problems = (validator.errors ?? []).slice(0, 10).map(describeError);
    const more = (validator.errors?.length ?? 0) - problems.length;
    return {
      refused: `${file} is not an idp plan (${problems.join("; ")}${more > 0 ? `; and ${more} more` : ""})`,
    };
  }
  const plan = toPlan(cleanStrings(data) as PlanFileData);
  const links = options.links ? { ...options.links, sha: options.links.sha ?? plan.headSha } : undefined;
  return {
    report: {
      verdict: plan.verdict,
      headSha: plan.headSha,
      ...(plan.destruction ? { destruction: plan.destruction } : {}),
      diagnostics: plan.diagnostics,
      markdown: formatPlanMarkdown(plan, links ? { links } : {}),
    },
  };
}

/**
 * What is published instead of a refused plan: a failing verdict, no
 * annotations, and a comment that says why (escaped) and what to do.
 */
export function refusedPlanReport(reason: string): PlanReport {
  const summary = "❌ the plan of this pull request was refused";
  return {
    verdict: { ok: false, summary },
    diagnostics: [],
    markdown: [
      PLAN_MARKER,
      `### ${summary}`,
      "",
      `The plan artifact of the pull-request run could not be accepted: ${escapeMarkdown(reason)}.`,
      "",
      "Nothing in it was published. Re-run the pull-request workflow; if this persists, check that the workflow writes `idp plan --format json` unchanged.",
      "",
    ].join("\n"),
  };
}

/** The structured plan, with the verdict decided again from its findings. */
function toPlan(data: PlanFileData): Plan {
  return {
    base: data.base,
    baseSha: data.baseSha,
    headSha: data.headSha,
    ...(data.workingTree ? { workingTree: true } : {}),
    verdict: decideVerdict(data.diagnostics, data.environments, data.destruction),
    ...(data.destruction ? { destruction: data.destruction } : {}),
    diagnostics: data.diagnostics,
    ...(data.newPolicyDiagnostics && data.newPolicyDifference
      ? {
          newPolicy: {
            diagnostics: data.newPolicyDiagnostics,
            added: data.newPolicyDifference.added,
            removed: data.newPolicyDifference.removed,
          },
        }
      : {}),
    environments: data.environments,
    ...(data.cost ? { cost: data.cost } : {}),
    notes: data.notes,
    sources: new Map(),
  };
}

// C0 and C1 controls except tab and line feed, and the bidirectional overrides and isolates.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNSAFE_CHARACTERS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** A copy of a JSON value with every string cleaned of UNSAFE_CHARACTERS. */
export function cleanStrings(value: unknown): unknown {
  if (typeof value === "string") return value.replace(UNSAFE_CHARACTERS, "");
  if (Array.isArray(value)) return value.map(cleanStrings);
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, cleanStrings(item)]));
  return value;
}

/** "/diagnostics/0/file must match pattern ..." (the path holds only known keys and indices). */
function describeError(error: ErrorObject): string {
  const where = error.instancePath === "" ? "the top level" : error.instancePath;
  const extra =
    error.keyword === "additionalProperties"
      ? " (an unknown field)"
      : error.keyword === "maxLength" || error.keyword === "maxItems"
        ? ` (${String(error.params.limit)} at most)`
        : "";
  const message = error.keyword === "pattern" ? "has characters or a form it may not have" : error.message;
  return `${where} ${message ?? "is invalid"}${extra}`.replace(UNSAFE_CHARACTERS, "");
}
