import { ToolError } from "../errors.js";
import type { Diagnostic } from "../report/diagnostic.js";

/** The hidden first line of the plan comment, by which the comment is found again. */
export const PLAN_MARKER = "<!-- idp-plan -->";

/**
 * What `idp plan --format json` writes and `idp comment` reads: the verdict,
 * the findings, the commit they are about and the comment body. Only these
 * fields are read; others are ignored.
 */
export interface PlanReport {
  verdict: { ok: boolean; summary: string };
  headSha?: string;
  diagnostics: Diagnostic[];
  /** The whole comment body, starting with `PLAN_MARKER`. */
  markdown: string;
}

/**
 * Parses and checks the plan file's text. `file` names it in messages. A
 * file that is not a plan is a ToolError (the job that made it failed or a
 * wrong file was passed): the comment job cannot go on without it.
 */
export function parsePlanReport(text: string, file: string): PlanReport {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ToolError(`${file} is not JSON: write it with idp plan --format json > ${file}`, {
      cause: error,
    });
  }
  const problems = planProblems(data);
  if (problems.length > 0)
    throw new ToolError(
      `${file} is not an idp plan (${problems.join("; ")}): write it with idp plan --format json`,
    );
  return data as PlanReport;
}

function planProblems(data: unknown): string[] {
  if (!isObject(data)) return ["the top level is not an object"];
  const problems: string[] = [];
  const verdict = data.verdict;
  if (!isObject(verdict) || typeof verdict.ok !== "boolean" || typeof verdict.summary !== "string")
    problems.push("verdict must be {ok: boolean, summary: string}");
  if (
    data.headSha !== undefined &&
    (typeof data.headSha !== "string" || !/^[0-9a-f]{7,64}$/i.test(data.headSha))
  )
    problems.push("headSha must be a commit SHA");
  if (typeof data.markdown !== "string") problems.push("markdown must be a string");
  else if (!data.markdown.includes(PLAN_MARKER))
    problems.push(`markdown must carry the marker ${PLAN_MARKER}`);
  if (!Array.isArray(data.diagnostics)) problems.push("diagnostics must be a list");
  else {
    const bad = data.diagnostics.findIndex((d) => !isDiagnostic(d));
    if (bad >= 0) problems.push(`diagnostics[${bad}] needs severity, code, message, file and line`);
  }
  return problems;
}

function isDiagnostic(value: unknown): boolean {
  return (
    isObject(value) &&
    (value.severity === "error" || value.severity === "warning") &&
    typeof value.code === "string" &&
    typeof value.message === "string" &&
    typeof value.file === "string" &&
    typeof value.line === "number"
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
