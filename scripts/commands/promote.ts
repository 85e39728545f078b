import { readFileSync } from "node:fs";
import { join } from "node:path";
import { today } from "../check-repository.js";
import type { GitHubEnv } from "../github/client.js";
import { validateRepository } from "../model/validate-repository.js";
import { type ImageMove, type PromotionPlan, planPromotion } from "../promote/plan-promotion.js";
import { setEnvironmentImage } from "../promote/set-image.js";
import { type Diagnostic, hasErrors, sortDiagnostics } from "../report/diagnostic.js";
import { formatReport } from "../report/emit.js";
import type { OutputFormat } from "../report/format.js";
import { type Progress, stderrProgress } from "../report/progress.js";
import { type PublishedChange, preparePullRequest, proposeChange } from "../scaffold/pull-request-flow.js";
import { applyChange, type StagedChange, stageChange, touchedPaths } from "../scaffold/staged-change.js";
import type { CommandResult } from "./result.js";

/** Options of `idp promote`. */
export interface PromoteOptions {
  root: string;
  format: OutputFormat;
  /** The service to promote; optional with `all`. */
  service?: string;
  /** The environment to promote into. */
  to: string;
  /** When given, must be the environment `to` promotes from (refuses skipping one). */
  from?: string;
  /** Promote every service whose image differs between the previous environment and `to`. */
  all: boolean;
  /** Create a branch, commit, push and open the pull request. */
  pr: boolean;
  /** GITHUB_TOKEN, GITHUB_API_URL, GITHUB_REPOSITORY...; default process.env. */
  env?: GitHubEnv;
  /** Where `--pr` says what it is doing while it works; default stderr. */
  progress?: Progress;
}

/**
 * `idp promote SERVICE --to ENV [--all] [--pr]`: sets, as the override
 * `spec.environments.ENV.image`, the image the service runs in the
 * environment ENV promotes from. The service file is edited in place
 * (comments and formatting kept), the edit is checked on a copy (validate,
 * policy as a change of those services in ENV, render) and only then kept
 * with the re-rendered manifests (and CODEOWNERS). With `--all` each service
 * is judged on its own: those that pass are promoted, each one that does not
 * is reported with why. Exit 0 when everything asked for was promoted or
 * already equal, 1 when anything was refused, 2 for a usage error. `--pr`
 * makes the change from the default branch, in a worktree of its own, and
 * opens the pull request into the default branch.
 */
export async function promoteCommand(options: PromoteOptions): Promise<CommandResult> {
  if (!options.pr) return report(options, await promoteIn(options.root, options));
  // Usage errors (an unknown environment or service, the first environment) before anything else.
  const here = validateRepository(options.root);
  if (!hasErrors(here.diagnostics)) planPromotion(here, request(options));
  const target = await preparePullRequest(
    options.root,
    options.env ?? process.env,
    branchNames(options.to, options.all ? undefined : options.service),
    options.progress ?? stderrProgress,
  );
  const { result, published } = await proposeChange(target, async (tree) => {
    const made = await promoteIn(tree, options);
    return { result: made, ...(made.change ? { change: made.change } : {}) };
  });
  return report(options, result, published);
}

/** What promoting in one tree did, ready to report. */
interface Promotion {
  exitCode: 0 | 1;
  summary: string;
  /** Lines listed under the summary in text output. */
  listing: string[];
  diagnostics: Diagnostic[];
  sources: Map<string, string>;
  data: Record<string, unknown>;
  /** What to commit for `--pr`; absent when nothing was written. */
  change?: { paths: string[]; title: string; summary: string };
}

function request(options: PromoteOptions) {
  return {
    all: options.all,
    to: options.to,
    ...(options.service !== undefined ? { service: options.service } : {}),
    ...(options.from !== undefined ? { from: options.from } : {}),
  };
}

async function promoteIn(root: string, options: PromoteOptions): Promise<Promotion> {
  const repository = validateRepository(root);
  if (hasErrors(repository.diagnostics))
    return refused(
      "promote refused: the repository does not validate; fix the errors above first",
      repository.diagnostics,
      repository.sources,
    );
  const plan = planPromotion(repository, request(options));
  if (plan.refusals.length > 0)
    return refused(`promote to ${plan.to} refused: nothing was written`, plan.refusals, repository.sources);
  const notes = plan.unchanged.map((n) => `  = ${n}`);
  if (plan.moves.length === 0)
    return {
      exitCode: 0,
      summary: `nothing to promote from ${plan.from} to ${plan.to}`,
      listing: notes,
      diagnostics: [],
      sources: repository.sources,
      data: { ok: true, from: plan.from, to: plan.to, moves: [], unchanged: plan.unchanged, refused: [] },
    };

  const { passing, failures, staged } = await judgeMoves(root, plan);
  const failureErrors = failures.flatMap((f) =>
    f.staged.checked.diagnostics.filter((d) => d.severity === "error"),
  );
  const sources = new Map([
    ...failures.flatMap((f) => [...f.staged.checked.sources]),
    ...(staged ? [...staged.checked.sources] : []),
  ]);
  const refusedData = failures.map((f) => ({
    service: f.move.service,
    image: f.move.image,
    codes: codesOf(f.staged),
  }));
  const refusedLines = failures.map(
    (f) =>
      `  ✗ ${f.move.service}: ${f.move.previous} -> ${f.move.image} fails the checks of ${plan.to} (${codesOf(f.staged).join(", ")})`,
  );
  if (!staged?.tree || passing.length === 0) {
    const together = staged !== undefined && !staged.tree;
    const summary = together
      ? `promote to ${plan.to} refused: ${describeMoves(passing).join("; ")} pass${passing.length === 1 ? "es" : ""} the checks of ${plan.to} one by one but not together; nothing was written`
      : options.all && failures.length > 1
        ? `promote to ${plan.to} refused: each of the ${failures.length} services that differ fails the checks of ${plan.to} (listed below); nothing was written`
        : `promote to ${plan.to} refused: ${describeMoves(failures.map((f) => f.move)).join("; ")} fails the checks of ${plan.to}; nothing was written`;
    return {
      ...refused(summary, together ? staged.checked.diagnostics : failureErrors, sources),
      listing: options.all ? [...notes, ...refusedLines] : [],
      data: {
        ok: false,
        from: plan.from,
        to: plan.to,
        moves: [],
        unchanged: plan.unchanged,
        refused: refusedData,
      },
    };
  }
  const edits = editFiles(root, passing);
  const applied = applyChange(root, edits, staged.tree, staged.codeowners);
  if (hasErrors(applied.diagnostics))
    return refused(`promote to ${plan.to} refused: nothing was written`, applied.diagnostics, sources);

  const moved = describeMoves(passing);
  const manifests = [...applied.manifests.added, ...applied.manifests.changed, ...applied.manifests.removed];
  let summary = `promoted ${plan.from} -> ${plan.to}: ${moved.join("; ")}; re-rendered ${manifests.length} manifest file${manifests.length === 1 ? "" : "s"}`;
  if (failures.length > 0)
    summary += `\nnot promoted, ${failures.length} of ${plan.moves.length} (each fails the checks of ${plan.to}, see above): ${failures.map((f) => f.move.service).join(", ")}`;
  const title =
    passing.length === 1
      ? `Promote ${passing[0]?.service} to ${plan.to}`
      : `Promote ${passing.length} services from ${plan.from} to ${plan.to}`;
  return {
    exitCode: failures.length > 0 ? 1 : 0,
    summary,
    listing: [
      ...notes,
      ...refusedLines,
      ...applied.files.map((p) => `  ~ ${p}`),
      ...applied.generated.map((p) => `  ~ ${p}`),
      ...applied.manifests.added.map((p) => `  + ${p}`),
      ...applied.manifests.changed.map((p) => `  ~ ${p}`),
      ...applied.manifests.removed.map((p) => `  - ${p}`),
    ],
    diagnostics: sortDiagnostics([...failureErrors, ...staged.checked.diagnostics]),
    sources,
    data: {
      ok: failures.length === 0,
      from: plan.from,
      to: plan.to,
      moves: passing,
      unchanged: plan.unchanged,
      refused: refusedData,
      manifests,
      generated: applied.generated,
    },
    change: {
      paths: touchedPaths(applied),
      title,
      summary: [
        `Promotes from \`${plan.from}\` to \`${plan.to}\` (made by \`idp promote\`):`,
        "",
        "| service | environment | from | to |",
        "| --- | --- | --- | --- |",
        ...passing.map((m) => `| ${m.service} | ${m.to} | \`${m.previous}\` | \`${m.image}\` |`),
        ...(plan.unchanged.length > 0 ? ["", "Left alone:", ...plan.unchanged.map((u) => `- ${u}`)] : []),
        ...(failures.length > 0
          ? [
              "",
              `Not promoted (they fail the checks of \`${plan.to}\`):`,
              ...refusedData.map((r) => `- ${r.service}: ${r.codes.join(", ")}`),
            ]
          : []),
      ].join("\n"),
    },
  };
}

interface Failure {
  move: ImageMove;
  staged: StagedChange;
}

/**
 * Checks the moves on a copy: all together first (one staging, the usual
 * case); when that fails and there are several, each on its own, so one
 * service's refusal does not hold back the others, then the ones that passed
 * together again. `staged` is the check of `passing` (undefined when none
 * passed).
 */
async function judgeMoves(
  root: string,
  plan: PromotionPlan,
): Promise<{ passing: ImageMove[]; failures: Failure[]; staged?: StagedChange }> {
  const all = await stageMoves(root, plan, plan.moves);
  if (all.tree) return { passing: plan.moves, failures: [], staged: all };
  if (plan.moves.length === 1)
    return { passing: [], failures: [{ move: plan.moves[0] as ImageMove, staged: all }] };
  const passing: ImageMove[] = [];
  const failures: Failure[] = [];
  for (const move of plan.moves) {
    const alone = await stageMoves(root, plan, [move]);
    if (alone.tree) passing.push(move);
    else failures.push({ move, staged: alone });
  }
  if (passing.length === 0) return { passing, failures };
  return { passing, failures, staged: await stageMoves(root, plan, passing) };
}

function stageMoves(root: string, plan: PromotionPlan, moves: readonly ImageMove[]): Promise<StagedChange> {
  const edits = editFiles(root, moves);
  return stageChange(root, edits, {
    change: {
      files: [...edits.keys()],
      changedServices: { [plan.to]: moves.map((m) => m.service) },
      date: today(),
    },
  });
}

/** The rule codes that refused a staged change, each once: "policy.SEC001". */
function codesOf(staged: StagedChange): string[] {
  return [...new Set(staged.checked.diagnostics.filter((d) => d.severity === "error").map((d) => d.code))];
}

/** The edited text of every service file a promotion touches. */
function editFiles(root: string, moves: readonly ImageMove[]): Map<string, string> {
  const edits = new Map<string, string>();
  for (const move of moves) {
    const text = edits.get(move.file) ?? readFileSync(join(root, move.file), "utf8");
    edits.set(move.file, setEnvironmentImage(text, move.to, move.image));
  }
  return edits;
}

function describeMoves(moves: readonly ImageMove[]): string[] {
  return moves.map((m) => `${m.service}: ${m.previous} -> ${m.image}`);
}

/** idp/promote-prod-2026-11-25 (with the service when there is one), then the same with a counter. */
function branchNames(to: string, service: string | undefined): string[] {
  const base = `idp/promote-${to}-${service ? `${service}-` : ""}${today()}`;
  return [base, ...Array.from({ length: 9 }, (_, i) => `${base}-${i + 2}`)];
}

function refused(summary: string, diagnostics: Diagnostic[], sources: Map<string, string>): Promotion {
  return { exitCode: 1, summary, listing: [], diagnostics, sources, data: { ok: false } };
}

function report(options: PromoteOptions, made: Promotion, published?: PublishedChange): CommandResult {
  let summary = made.summary;
  const data = { ...made.data };
  if (published) {
    summary += `\nopened pull request #${published.number} from ${published.branch} into ${published.base}: ${published.url}`;
    data.pullRequest = published;
  }
  if (options.format === "text" && made.listing.length > 0) summary += `\n${made.listing.join("\n")}`;
  return {
    exitCode: made.exitCode,
    stdout: formatReport({ summary, diagnostics: made.diagnostics, data }, options.format, made.sources),
  };
}
