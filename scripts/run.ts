import { resolve } from "node:path";
import { Command, CommanderError, Option, type OutputConfiguration } from "commander";
import { parseHttpsUrl } from "./catalog/https-url.js";
import type { CommandResult } from "./commands/result.js";
import { ToolError, UsageError } from "./errors.js";
import { findRepositoryRoot } from "./model/repository-root.js";
import { PLAN_RULES, type PlanRules } from "./plan/rules.js";
import { OUTPUT_FORMATS, type OutputFormat, parseFormat } from "./report/format.js";
import { printable, printableLines } from "./report/terminal-text.js";

/** What one invocation of `idp` printed and how it ended. */
export interface RunOutcome {
  exitCode: 0 | 1 | 2;
  stdout: string;
  stderr: string;
}

interface CommonOptions {
  root: string;
  format: OutputFormat;
}

/**
 * Runs the `idp` command line in-process: parses argv, dispatches to one
 * command, and maps the few exception classes to exit code 2 with a readable
 * message. Tests call this directly; `cli.ts` only prints what it returns.
 */
export async function run(argv: readonly string[], cwd: string = process.cwd()): Promise<RunOutcome> {
  let stdout = "";
  let stderr = "";
  let result: CommandResult | undefined;
  const program = buildProgram(
    cwd,
    (r) => {
      result = r;
    },
    {
      writeOut: (text) => {
        stdout += text;
      },
      writeErr: (text) => {
        stderr += text;
      },
      outputError: (text, write) => write(text.replace(/^error: /, "idp: ")),
    },
  );
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (caught) {
    if (caught instanceof CommanderError) {
      // --help and --version end here too, successfully.
      const ok = caught.exitCode === 0;
      return { exitCode: ok ? 0 : 2, stdout, stderr: ok ? stderr : `${stderr}run 'idp --help' for usage\n` };
    }
    return { exitCode: 2, stdout, stderr: stderr + describeFailure(caught) };
  }
  if (!result) return { exitCode: 0, stdout, stderr };
  return {
    exitCode: result.exitCode,
    stdout: stdout + result.stdout,
    stderr: stderr + (result.stderr ?? ""),
  };
}

function buildProgram(
  cwd: string,
  done: (result: CommandResult) => void,
  output: OutputConfiguration,
): Command {
  // Output and exit handling are set before subcommands exist: commander copies them at creation.
  const program = new Command("idp")
    .description("The platform repository's command line: validate, render and ship services through git.")
    .version("0.1.0")
    .configureOutput(output)
    .exitOverride()
    .showSuggestionAfterError(true)
    .allowExcessArguments(false);

  // A command lists only the formats it prints: any other is refused (exit 2), never ignored.
  const common = (command: Command, formats: readonly OutputFormat[] = OUTPUT_FORMATS): Command =>
    command
      .addOption(
        new Option(
          "--root <dir>",
          "the repository to work on (default: the nearest folder from here up with environments/ and services/)",
        ),
      )
      .addOption(new Option("--format <format>", "output format").choices(formats).default("text"));

  const options = (raw: { root?: string; format: string }): CommonOptions => ({
    root: raw.root === undefined ? findRepositoryRoot(cwd) : resolve(cwd, raw.root),
    format: parseFormat(raw.format),
  });

  common(program.command("validate"))
    .description(
      "load, schema-check, resolve and policy-check every service, environment and team; exit 1 on any error",
    )
    .option(
      "--base <ref>",
      "judge the change since this ref (changed files and services: ownership, freeze windows)",
    )
    .option("--author <login>", "the GitHub login of the change's author (ownership rules); needs --base")
    .action(async (raw: { root?: string; format: string; base?: string; author?: string }) => {
      if (raw.author && !raw.base)
        throw new UsageError("--author needs --base: ownership is judged on the files a change touches");
      const { validateCommand } = await import("./commands/validate.js");
      done(await validateCommand({ ...options(raw), base: raw.base, author: checkLogin(raw.author) }));
    });

  common(program.command("render"))
    .description("validate, then render every service and environment into manifests/ (atomically)")
    .option("--check", "write nothing; exit 1 when manifests/ differs from a fresh render (drift)", false)
    .option("--allow-empty", "allow an environment that rendered services before to render none", false)
    .option(
      "--verify",
      "check every rendered object against the upstream Kubernetes, Argo CD and External Secrets schemas (renders every file)",
      false,
    )
    .option(
      "--full",
      "render every file, instead of only those whose render key or bytes differ from their key file (manifests/<env>/<service>/.render-key)",
      false,
    )
    .option(
      "--base <ref>",
      "trust the render index of this ref's merge base with HEAD, not the working tree's (pull request checks)",
    )
    .action(
      async (raw: {
        root?: string;
        format: string;
        check: boolean;
        allowEmpty: boolean;
        verify: boolean;
        full: boolean;
        base?: string;
      }) => {
        const { renderCommand } = await import("./commands/render.js");
        done(
          await renderCommand({
            ...options(raw),
            check: raw.check,
            allowEmpty: raw.allowEmpty,
            verify: raw.verify,
            full: raw.full,
            ...(raw.base !== undefined ? { base: raw.base } : {}),
          }),
        );
      },
    );

  program
    .command("show")
    .argument("<service>", "the service to show")
    .description(
      "the service as resolved in each environment, each value with the file and line that set it; --manifests for what it renders",
    )
    .option("--env <env>", "only this environment")
    .option("--manifests", "print the manifests the service renders instead of its settings", false)
    .addOption(
      new Option(
        "--root <dir>",
        "the repository to work on (default: the nearest folder from here up with environments/ and services/)",
      ),
    )
    .addOption(
      new Option("--format <format>", "annotated YAML (text), plain YAML, or JSON with every value's source")
        .choices(["text", "yaml", "json"])
        .default("text"),
    )
    .action(
      async (service: string, raw: { root?: string; format: string; env?: string; manifests: boolean }) => {
        const { showCommand } = await import("./commands/show.js");
        done(
          await showCommand({
            root: raw.root === undefined ? findRepositoryRoot(cwd) : resolve(cwd, raw.root),
            service,
            ...(raw.env !== undefined ? { environment: raw.env } : {}),
            manifests: raw.manifests,
            format: raw.format as "text" | "yaml" | "json",
          }),
        );
      },
    );

  common(program.command("diff"))
    .description(
      "how manifests/ differs from a fresh render: a unified diff per stale, missing or orphaned file; writes nothing, exit 1 on any difference",
    )
    .action(async (raw: { root?: string; format: string }) => {
      const { renderCommand } = await import("./commands/render.js");
      done(
        await renderCommand({
          ...options(raw),
          check: true,
          allowEmpty: false,
          verify: false,
          diffOnly: true,
        }),
      );
    });

  common(program.command("plan"))
    .description(
      "what this change does: findings judged by the base's rules, object changes and manifest diffs per environment and service, a verdict",
    )
    .requiredOption("--base <ref>", "compare with this ref (its merge base with HEAD): main, origin/main")
    .option("--author <login>", "the GitHub login of the change's author (ownership rules)")
    .addOption(
      new Option(
        "--rules <which>",
        "base-only: read the change as data only, never compile its schemas or run its policy (privileged jobs)",
      )
        .choices(PLAN_RULES)
        .default("base-and-head"),
    )
    .action(
      async (raw: { root?: string; format: string; base: string; author?: string; rules: PlanRules }) => {
        const { planCommand } = await import("./commands/plan.js");
        done(
          await planCommand({
            ...options(raw),
            base: raw.base,
            rules: raw.rules,
            ...(raw.author ? { author: checkLogin(raw.author) } : {}),
          }),
        );
      },
    );

  program
    .command("comment")
    .description(
      "publish a plan (idp plan --format json) on its pull request: one sticky comment and a check run with annotations",
    )
    .requiredOption("--pr <number>", "the pull request number")
    .option("--repo <owner/name>", "the repository (default: GITHUB_REPOSITORY)")
    .option("--plan <file>", "the plan written by idp plan --format json", "plan.json")
    .option("--sha <sha>", "the commit to check (default: the plan's headSha, else GITHUB_SHA)")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (raw: { pr: string; repo?: string; plan: string; sha?: string; format: string }) => {
      const { commentCommand } = await import("./commands/comment.js");
      done(
        await commentCommand({
          pr: raw.pr,
          repo: raw.repo,
          plan: raw.plan,
          sha: raw.sha,
          format: parseFormat(raw.format),
          cwd,
        }),
      );
    });

  common(program.command("codeowners"))
    .description("generate .github/CODEOWNERS from teams/ and each service's team")
    .option("--check", "write nothing; exit 1 when .github/CODEOWNERS is stale", false)
    .action(async (raw: { root?: string; format: string; check: boolean }) => {
      const { codeownersCommand } = await import("./commands/codeowners.js");
      done(await codeownersCommand({ ...options(raw), check: raw.check }));
    });

  common(program.command("catalog"), ["text", "json", "github"])
    .description(
      "write the Backstage catalog (a Group per team, a User per member, a Component per service, a Resource per dependency) into a folder, checked with Backstage's own validators",
    )
    .requiredOption("--out <dir>", "the folder to replace with the catalog (catalog-info.yaml is the entry)")
    .option(
      "--repo-url <url>",
      "the repository's https address for the source links (default: the environments' gitops.repoURL)",
    )
    .action(async (raw: { root?: string; format: string; out: string; repoUrl?: string }) => {
      const { catalogCommand } = await import("./commands/catalog.js");
      done(
        await catalogCommand({
          ...options(raw),
          out: resolve(cwd, raw.out),
          outLabel: raw.out,
          ...(raw.repoUrl === undefined ? {} : { repoUrl: checkRepoUrl(raw.repoUrl) }),
        }),
      );
    });

  // Markdown is for findings in a comment; github annotates the refusal's findings.
  common(
    program.command("new").command("service").argument("<name>", "the service name (folder under services/)"),
    ["text", "json", "github"],
  )
    .description(
      "scaffold a valid service (checked and rendered before anything is kept); --pr opens the pull request",
    )
    .option("--team <team>", "the owning team (asked for on a terminal)")
    .option("--type <type>", "web | worker | cron (asked for on a terminal, else web)")
    .option("--pr", "create a branch, commit, push and open the pull request", false)
    .action(
      async (
        name: string,
        raw: { root?: string; format: string; team?: string; type?: string; pr: boolean },
      ) => {
        const { newServiceCommand } = await import("./commands/new-service.js");
        done(await newServiceCommand({ ...options(raw), name, team: raw.team, type: raw.type, pr: raw.pr }));
      },
    );

  common(
    program.command("import").command("score").argument("<files...>", "Score workload files (score.yaml)"),
  )
    .description(
      "write services/<name>/service.yaml from Score workload files, checked (Score schema, validate, policy, render) before anything is written",
    )
    .option("--team <team>", "the owning team (else each file's idp/team annotation)")
    .option("--force", "replace services that already exist", false)
    .action(
      async (files: string[], raw: { root?: string; format: string; team?: string; force: boolean }) => {
        const { importScoreCommand } = await import("./commands/import-score.js");
        done(await importScoreCommand({ ...options(raw), files, team: raw.team, force: raw.force, cwd }));
      },
    );

  common(
    program.command("export").command("score").argument("<service>", "the service (folder under services/)"),
  )
    .description("write a service as a Score workload file (valid against the pinned Score schema)")
    .option("--out <file>", "write it to this file instead of stdout")
    .action(async (service: string, raw: { root?: string; format: string; out?: string }) => {
      const { exportScoreCommand } = await import("./commands/export-score.js");
      done(await exportScoreCommand({ ...options(raw), service, out: raw.out, cwd }));
    });

  common(program.command("promote").argument("[service]", "the service (optional with --all)"), [
    "text",
    "json",
    "github",
  ])
    .description("set for ENV the image the service runs in the environment ENV promotes from; re-render")
    .requiredOption("--to <env>", "the environment to promote into")
    .option("--from <env>", "must be the environment --to promotes from (refuses skipping one)")
    .option("--all", "promote every service whose image differs", false)
    .option("--pr", "create a branch, commit, push and open the pull request", false)
    .action(
      async (
        service: string | undefined,
        raw: { root?: string; format: string; to: string; from?: string; all: boolean; pr: boolean },
      ) => {
        const { promoteCommand } = await import("./commands/promote.js");
        done(
          await promoteCommand({
            ...options(raw),
            service,
            to: raw.to,
            from: raw.from,
            all: raw.all,
            pr: raw.pr,
          }),
        );
      },
    );

  // Scorecards are data, not findings: no github format.
  common(program.command("scorecard"), ["text", "json", "markdown"])
    .description(
      "production readiness of each service in each environment (bronze, silver, gold) and what is missing for the next level; per-team counts",
    )
    .argument("[service]", "one service, with every check")
    .option("--environment <env>", "only this environment")
    .action(
      async (service: string | undefined, raw: { root?: string; format: string; environment?: string }) => {
        const { scorecardCommand } = await import("./commands/scorecard.js");
        done(
          await scorecardCommand({
            ...options(raw),
            ...(service !== undefined ? { service } : {}),
            ...(raw.environment !== undefined ? { environment: raw.environment } : {}),
          }),
        );
      },
    );

  // Cost is data, not findings: no github format.
  common(program.command("cost"), ["text", "json", "markdown"])
    .description(
      "monthly cost per service and environment (requests × pods at the environment's prices, plus dependencies), per team against its budget, per environment",
    )
    .option("--team <team>", "only this team's services and total")
    .option("--environment <env>", "only this environment")
    .action(async (raw: { root?: string; format: string; team?: string; environment?: string }) => {
      const { costCommand } = await import("./commands/cost.js");
      done(
        await costCommand({
          ...options(raw),
          ...(raw.team !== undefined ? { team: raw.team } : {}),
          ...(raw.environment !== undefined ? { environment: raw.environment } : {}),
        }),
      );
    });

  // History holds no findings to annotate: no github format.
  common(program.command("audit"), ["text", "json", "markdown"])
    .description(
      "history from git: who changed which field of which service in which environment, when, in which pull request",
    )
    .argument("[service]", "only this service (any name it had: renames are followed)")
    .option("--env <env>", "only this environment")
    .option("--since <date>", "changes from this day (YYYY-MM-DD, UTC) or moment (2026-11-20T14:30:00Z) on")
    .option(
      "--at <date>",
      "instead of a timeline: what every service ran at that moment (a day alone means its end, UTC)",
    )
    .option("--field <path>", "only this settings path and what is under it: image, replicas, resources.cpu")
    .action(
      async (
        service: string | undefined,
        raw: { root?: string; format: string; env?: string; since?: string; at?: string; field?: string },
      ) => {
        const { auditCommand } = await import("./commands/audit.js");
        done(
          await auditCommand({
            ...options(raw),
            ...(service !== undefined ? { service } : {}),
            ...(raw.env !== undefined ? { environment: raw.env } : {}),
            ...(raw.since !== undefined ? { since: raw.since } : {}),
            ...(raw.at !== undefined ? { at: raw.at } : {}),
            ...(raw.field !== undefined ? { field: raw.field } : {}),
          }),
        );
      },
    );

  // A site, not findings: text says where it went, json lists the files.
  common(program.command("portal"), ["text", "json"])
    .description(
      "the static portal (catalog, services, teams, environments, graph, policies) from the repository and its git history",
    )
    .requiredOption(
      "--out <dir>",
      "the folder to write the site to (replaced whole; a new, empty or earlier portal folder)",
    )
    .action(async (raw: { root?: string; format: string; out: string }) => {
      const { portalCommand } = await import("./commands/portal.js");
      done(await portalCommand({ ...options(raw), out: resolve(cwd, raw.out) }));
    });

  return program;
}

/** The one place an exception becomes a message: what failed and what to do, no stack trace. */
function describeFailure(caught: unknown): string {
  // Messages quote refs, paths and git's output: no escape sequence reaches the terminal through them.
  if (caught instanceof UsageError) return `idp: ${printable(caught.message)}\nrun 'idp --help' for usage\n`;
  if (caught instanceof ToolError) {
    const cause = caught.cause instanceof Error ? ` (${printableLines(caught.cause.message)})` : "";
    return `idp: ${printable(caught.message)}${cause}\n`;
  }
  const message = printableLines(caught instanceof Error ? caught.message : String(caught));
  const stack = process.env.IDP_DEBUG && caught instanceof Error ? `\n${caught.stack}` : "";
  return `idp: internal error: ${message}${stack}\nthis is a bug in idp; rerun with IDP_DEBUG=1 for details and report it\n`;
}

/** `--repo-url` as an https address without credentials, query or fragment: it becomes links. */
function checkRepoUrl(url: string): string {
  const parsed = parseHttpsUrl(url, { stripGitSuffix: true });
  if (parsed.ok) return parsed.url;
  throw new UsageError(
    `--repo-url ${parsed.reason}; give the repository's https address, such as https://github.com/acme/platform`,
  );
}

/**
 * `--author` as a GitHub login (a bot's ends in `[bot]`): it is printed in
 * findings for terminals and Markdown, so anything else is a usage error.
 */
export function checkLogin(author: string | undefined): string | undefined {
  if (author === undefined) return undefined;
  if (/^[A-Za-z0-9][-A-Za-z0-9]{0,38}(\[bot\])?$/.test(author)) return author;
  throw new UsageError(
    "--author must be a GitHub login: letters, digits and '-', at most 39 characters (a bot's may end in [bot])",
  );
}
