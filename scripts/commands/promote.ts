import { readFileSync } from "node:fs";
import { join } from "node:path";
import { today } from "../check-repository.js";
import type { GitHubEnv } from "../github/client.js";
import { validateRepository } from "../model/validate-repository.js";
import { type ImageMove, planPromotion } from "../promote/plan-promotion.js";
import { setEnvironmentImage } from "../promote/set-image.js";
import { hasErrors } from "../report/diagnostic.js";
import { formatReport } from "../report/emit.js";
import type { OutputFormat } from "../report/format.js";
import { preparePullRequest, publishChange } from "../scaffold/pull-request-flow.js";
import { applyChange, stageChange, touchedPaths } from "../scaffold/staged-change.js";
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
}

/**
 * `idp promote SERVICE --to ENV [--all] [--pr]`: sets, as the override
 * `spec.environments.ENV.image`, the image the service runs in the
 * environment ENV promotes from. The service file is edited in place
 * (comments and formatting kept), the edit is checked on a copy (validate,
 * policy as a change of those services in ENV, render) and only then kept
 * with the re-rendered manifests. Exit 0 when promoted or already equal,
 * 1 when refused (nothing is written), 2 for a usage error.
 */
export async function promoteCommand(options: PromoteOptions): Promise<CommandResult> {
  const { root } = options;
  const repository = validateRepository(root);
  if (hasErrors(repository.diagnostics)) {
    return refused(
      options,
      "promote refused: the repository does not validate; fix the errors above first",
      repository,
    );
  }
  const plan = planPromotion(repository, {
    all: options.all,
    to: options.to,
    ...(options.service !== undefined ? { service: options.service } : {}),
    ...(options.from !== undefined ? { from: options.from } : {}),
  });
  if (plan.refusals.length > 0)
    return refused(options, `promote to ${plan.to} refused: nothing was written`, {
      ...repository,
      diagnostics: plan.refusals,
    });
  const notes = plan.unchanged.map((n) => `  = ${n}`);
  if (plan.moves.length === 0) {
    return {
      exitCode: 0,
      stdout: formatReport(
        {
          summary: `nothing to promote from ${plan.from} to ${plan.to}${notes.length > 0 && options.format === "text" ? `\n${notes.join("\n")}` : ""}`,
          diagnostics: [],
          data: { ok: true, from: plan.from, to: plan.to, moves: [], unchanged: plan.unchanged },
        },
        options.format,
        repository.sources,
      ),
    };
  }

  const edits = editFiles(root, plan.moves);
  const target = options.pr
    ? await preparePullRequest(
        root,
        options.env ?? process.env,
        branchNames(plan.to, options.all ? undefined : options.service),
        [...edits.keys(), "manifests"],
      )
    : undefined;
  const staged = await stageChange(root, edits, {
    change: {
      files: [...edits.keys()],
      changedServices: { [plan.to]: plan.moves.map((m) => m.service) },
      date: today(),
    },
  });
  if (!staged.tree)
    return refused(
      options,
      `promote to ${plan.to} refused: ${describeMoves(plan.moves).join("; ")} fails the checks of ${plan.to}; nothing was written`,
      staged.checked,
    );
  const applied = applyChange(root, edits, staged.tree, staged.codeowners);
  if (hasErrors(applied.diagnostics))
    return refused(options, `promote to ${plan.to} refused: nothing was written`, {
      ...staged.checked,
      diagnostics: applied.diagnostics,
    });

  const moved = describeMoves(plan.moves);
  const manifests = [...applied.manifests.added, ...applied.manifests.changed, ...applied.manifests.removed];
  let summary = `promoted ${plan.from} -> ${plan.to}: ${moved.join("; ")}; re-rendered ${manifests.length} manifest file${manifests.length === 1 ? "" : "s"}`;
  const data: Record<string, unknown> = {
    ok: true,
    from: plan.from,
    to: plan.to,
    moves: plan.moves,
    unchanged: plan.unchanged,
    manifests,
  };
  if (target) {
    const title =
      plan.moves.length === 1
        ? `Promote ${plan.moves[0]?.service} to ${plan.to}`
        : `Promote ${plan.moves.length} services from ${plan.from} to ${plan.to}`;
    const published = await publishChange(root, target, {
      paths: touchedPaths(applied),
      title,
      summary: [
        `Promotes from \`${plan.from}\` to \`${plan.to}\` (made by \`idp promote\`):`,
        "",
        "| service | environment | from | to |",
        "| --- | --- | --- | --- |",
        ...plan.moves.map((m) => `| ${m.service} | ${m.to} | \`${m.previous}\` | \`${m.image}\` |`),
        ...(plan.unchanged.length > 0 ? ["", "Left alone:", ...plan.unchanged.map((u) => `- ${u}`)] : []),
      ].join("\n"),
    });
    summary += `\nopened pull request #${published.number} from ${published.branch} into ${published.base}: ${published.url}`;
    data.pullRequest = published;
  }
  const listing =
    options.format === "text"
      ? [
          ...notes,
          ...applied.files.map((p) => `  ~ ${p}`),
          ...applied.manifests.added.map((p) => `  + ${p}`),
          ...applied.manifests.changed.map((p) => `  ~ ${p}`),
          ...applied.manifests.removed.map((p) => `  - ${p}`),
        ]
      : [];
  return {
    exitCode: 0,
    stdout: formatReport(
      {
        summary: listing.length > 0 ? `${summary}\n${listing.join("\n")}` : summary,
        diagnostics: staged.checked.diagnostics,
        data,
      },
      options.format,
      staged.checked.sources,
    ),
  };
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

function refused(
  options: PromoteOptions,
  summary: string,
  found: { diagnostics: Parameters<typeof formatReport>[0]["diagnostics"]; sources: Map<string, string> },
): CommandResult {
  return {
    exitCode: 1,
    stdout: formatReport(
      { summary, diagnostics: found.diagnostics, data: { ok: false } },
      options.format,
      found.sources,
    ),
  };
}
