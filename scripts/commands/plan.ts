import { formatPlanMarkdown, type SourceLinks } from "../plan/format-markdown.js";
import { formatPlanText } from "../plan/format-text.js";
import { planChange } from "../plan/plan-change.js";
import { planToJson } from "../plan/plan-json.js";
import type { PlanRules } from "../plan/rules.js";
import type { OutputFormat } from "../report/format.js";
import { formatGithub } from "../report/github.js";
import type { CommandResult } from "./result.js";

/** Options of `idp plan`. */
export interface PlanCommandOptions {
  root: string;
  format: OutputFormat;
  /** The ref the change is compared with (`main`, `origin/main`). */
  base: string;
  /** The pull request's author (GitHub login), for ownership rules. */
  author?: string;
  /** `--rules`: `base-only` reads the change as data only (see PlanOptions.rules). */
  rules?: PlanRules;
  /** Environment variables to read GITHUB_SERVER_URL and GITHUB_REPOSITORY from; default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * `idp plan --base REF`: what the change does (findings judged by the base's
 * rules, object changes and manifest diffs per environment and service, a
 * verdict). `markdown` is the pull-request comment, `json` carries the same
 * comment in its `markdown` field. Exit 1 when an error blocks the change.
 */
export async function planCommand(options: PlanCommandOptions): Promise<CommandResult> {
  const plan = await planChange(options.root, {
    base: options.base,
    ...(options.author ? { author: options.author } : {}),
    ...(options.rules ? { rules: options.rules } : {}),
  });
  const links = sourceLinks(options.env ?? process.env, plan.headSha);
  const exitCode = plan.verdict.ok ? 0 : 1;
  switch (options.format) {
    case "json": {
      const markdown = formatPlanMarkdown(plan, links ? { links } : {});
      // Compact: the file is an artifact for the comment job, refused above 2 MiB; indentation alone was a third of it.
      return { exitCode, stdout: `${JSON.stringify(planToJson(plan, markdown))}\n` };
    }
    case "markdown":
      return { exitCode, stdout: formatPlanMarkdown(plan, links ? { links } : {}) };
    case "github":
      return { exitCode, stdout: `${formatGithub(plan.diagnostics)}${plan.verdict.summary}\n` };
    case "text":
      return { exitCode, stdout: formatPlanText(plan) };
  }
}

/** Links to finding lines when running on GitHub Actions (GITHUB_SERVER_URL, GITHUB_REPOSITORY set). */
function sourceLinks(
  env: Readonly<Record<string, string | undefined>>,
  sha: string,
): SourceLinks | undefined {
  const server = env.GITHUB_SERVER_URL;
  const repository = env.GITHUB_REPOSITORY;
  if (!server || !repository || !/^[0-9a-f]{7,64}$/i.test(sha)) return undefined;
  if (!/^https?:\/\//.test(server) || !/^[\w.-]+\/[\w.-]+$/.test(repository)) return undefined;
  return { server, repository, sha };
}
