import { UsageError } from "../errors.js";
import type { GitHubEnv } from "../github/client.js";
import { validateRepository } from "../model/validate-repository.js";
import { hasErrors } from "../report/diagnostic.js";
import { formatReport } from "../report/emit.js";
import type { OutputFormat } from "../report/format.js";
import { type Progress, stderrProgress } from "../report/progress.js";
import { askChoice, type Terminal } from "../scaffold/ask.js";
import { type PublishedChange, preparePullRequest, proposeChange } from "../scaffold/pull-request-flow.js";
import {
  checkServiceName,
  checkTeam,
  type NewServiceRequest,
  parseServiceType,
  type ScaffoldOutcome,
  scaffoldService,
  serviceFile,
} from "../scaffold/scaffold-service.js";
import { SERVICE_TYPES, type ServiceType } from "../scaffold/service-template.js";
import { touchedPaths } from "../scaffold/staged-change.js";
import type { CommandResult } from "./result.js";

/** Options of `idp new service`. */
export interface NewServiceOptions {
  root: string;
  format: OutputFormat;
  name: string;
  /** The owning team; asked for on a terminal when absent. */
  team?: string;
  /** web, worker or cron; asked for on a terminal when absent, else web. */
  type?: string;
  /** Create a branch, commit, push and open the pull request. */
  pr: boolean;
  /** Where questions are read from; default process.stdin. Questions are asked only when it is a TTY. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Where questions are written; default process.stderr (stdout stays the report). */
  promptOutput?: NodeJS.WritableStream;
  /** GITHUB_TOKEN, GITHUB_API_URL, GITHUB_REPOSITORY...; default process.env. */
  env?: GitHubEnv;
  /** Where `--pr` says what it is doing while it works; default stderr. */
  progress?: Progress;
}

/**
 * `idp new service NAME --team T [--type web|worker|cron] [--pr]`: scaffolds
 * `services/NAME/service.yaml` with defaults from the environments, checks it
 * (validate, policy, render) on a copy before anything is kept, then writes
 * it, its manifests and CODEOWNERS; `--pr` does that on a branch
 * `idp/new-service-NAME` made from the default branch (in a worktree of its
 * own: the person's checkout is not switched) and opens the pull request. A name that is invalid or taken, an unknown
 * team or a missing flag without a terminal is a UsageError (exit 2); a
 * scaffold the checks refuse is exit 1 and writes nothing.
 */
export async function newServiceCommand(options: NewServiceOptions): Promise<CommandResult> {
  const { root, name } = options;
  checkServiceName(root, name);
  const repository = validateRepository(root);
  const input = options.stdin ?? process.stdin;
  const terminal: Terminal | undefined = input.isTTY
    ? { input, output: options.promptOutput ?? process.stderr }
    : undefined;
  const teams = repository.teams.map((t) => t.name).sort();

  let team = options.team;
  if (team === undefined) {
    if (!terminal)
      throw new UsageError(
        `--team is required (stdin is not a terminal, so idp does not ask): one of ${teams.join(", ") || "(no teams: add one in teams/)"}`,
      );
    team = await askChoice(terminal, `Which team owns ${name}?`, teams);
    if (team === undefined) throw new UsageError("no team chosen: pass --team");
  }
  checkTeam(team, repository.teams);

  let type: ServiceType;
  if (options.type !== undefined) type = parseServiceType(options.type);
  else if (terminal) {
    const chosen = await askChoice(terminal, `What kind of service is ${name}?`, SERVICE_TYPES, "web");
    if (chosen === undefined) throw new UsageError("no type chosen: pass --type web|worker|cron");
    type = parseServiceType(chosen);
  } else type = "web";

  const request = { name, team, type };
  const defaulted = options.type === undefined && !terminal;
  if (!options.pr) {
    const made = await makeService(root, request, repository.environments);
    return report(options, made, defaulted);
  }
  const target = await preparePullRequest(
    root,
    options.env ?? process.env,
    `idp/new-service-${name}`,
    options.progress ?? stderrProgress,
  );
  const { result, published } = await proposeChange(target, async (tree) => {
    // The pull request starts from the default branch: the name and the team are checked there again.
    checkServiceName(tree, name);
    const base = validateRepository(tree);
    checkTeam(team, base.teams);
    const made = await makeService(tree, request, base.environments);
    if (!made.paths) return { result: made };
    return {
      result: made,
      change: {
        paths: made.paths,
        title: `Add service ${name}`,
        summary: [
          `Adds the service \`${name}\` (team \`${team}\`, type \`${type}\`), scaffolded by \`idp new service\`.`,
          "",
          "Files:",
          ...made.paths.map((p) => `- \`${p}\``),
        ].join("\n"),
      },
    };
  });
  return report(options, result, defaulted, published);
}

/** A scaffold written into a tree, or refused there. */
interface MadeService {
  outcome: ScaffoldOutcome;
  /** Every path written; undefined when the checks refused the service. */
  paths?: string[];
}

async function makeService(
  root: string,
  request: NewServiceRequest,
  environments: Parameters<typeof scaffoldService>[2],
): Promise<MadeService> {
  const outcome = await scaffoldService(root, request, environments);
  if (!outcome.applied || hasErrors(outcome.applied.diagnostics)) return { outcome };
  return { outcome, paths: touchedPaths(outcome.applied) };
}

function report(
  options: NewServiceOptions,
  made: MadeService,
  defaulted: boolean,
  published?: PublishedChange,
): CommandResult {
  const { outcome } = made;
  const { name } = options;
  const file = serviceFile(name);
  const checked = outcome.staged.checked;
  if (!outcome.applied || !made.paths) {
    const diagnostics = outcome.applied
      ? [...checked.diagnostics, ...outcome.applied.diagnostics]
      : checked.diagnostics;
    return {
      exitCode: 1,
      stdout: formatReport(
        {
          summary: `new service ${name} refused: fix the errors above first; nothing was written`,
          diagnostics,
          data: { ok: false, file },
        },
        options.format,
        checked.sources,
      ),
    };
  }
  const applied = outcome.applied;
  const paths = made.paths;
  const manifests = [...applied.manifests.added, ...applied.manifests.changed];
  const { team, type } = outcome.request;
  let summary = `created ${file} (team ${team}, type ${type}${defaulted ? ", the default" : ""}) and rendered ${manifests.length} manifest file${manifests.length === 1 ? "" : "s"}${applied.generated.length > 0 ? ` (and updated ${applied.generated.join(", ")})` : ""}`;
  const data: Record<string, unknown> = {
    ok: true,
    file,
    team,
    type,
    manifests,
    generated: applied.generated,
  };
  if (published) {
    summary += `\nopened pull request #${published.number} from ${published.branch} into ${published.base}: ${published.url}`;
    summary += `\nyour checkout is unchanged; to work on it: git switch ${published.branch}`;
    data.pullRequest = published;
  } else {
    summary += `\nnext: describe it in ${file}, then commit it with the manifests and CODEOWNERS (or rerun with --pr)`;
  }
  const listing = options.format === "text" ? `\n${paths.map((p) => `  + ${p}`).join("\n")}` : "";
  return {
    exitCode: 0,
    stdout: formatReport(
      { summary: `${summary}${listing}`, diagnostics: checked.diagnostics, data },
      options.format,
      checked.sources,
    ),
  };
}
