import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { run } from "../scripts/run.js";
import { fixtureRepos, snapshotTree } from "./support/fixture-repo.js";
import { edit, pinToday, renderedOnMain } from "./support/suite.js";

const ROOT = join(import.meta.dirname, "..");
const fixture = fixtureRepos("idp-diff");
pinToday("2026-11-25");

const WEB = "services/web/service.yaml";
const PROD_WEB = "manifests/prod/web/manifest.yaml";
const DEV_JOB = "manifests/dev/job/manifest.yaml";
const ORPHAN = "manifests/dev/gone/manifest.yaml";

/** The minimal fixture, rendered and committed in a fresh git repository. */
function repository(): Promise<string> {
  return renderedOnMain(fixture());
}

/** The 1-based line of `root/file` that is exactly `text`. */
function lineOf(root: string, file: string, text: string): number {
  const lines = readFileSync(join(root, file), "utf8").split("\n");
  const found = lines.flatMap((line, index) => (line === text ? [index + 1] : []));
  if (found.length !== 1) throw new Error(`"${text}" is on ${found.length} lines of ${file}`);
  return found[0] as number;
}

/** The files a unified diff touches, from its `+++ b/` lines. */
function diffedFiles(diff: string): string[] {
  return [...diff.matchAll(/^\+\+\+ (?:b\/)?(.*)$/gm)].map((m) => m[1] as string);
}

/** A stale file (a hand edit), a missing one (deleted) and an orphaned one (added by hand). */
function driftEveryWay(root: string): void {
  edit(root, PROD_WEB, "  replicas: 2\n", "  replicas: 9\n");
  rmSync(join(root, DEV_JOB));
  mkdirSync(join(root, "manifests/dev/gone"), { recursive: true });
  writeFileSync(join(root, ORPHAN), "kind: ConfigMap\n");
}

describe("idp diff", () => {
  it("after a hand edit of a manifest: the hunk that undoes it, exit 1, nothing written", async () => {
    const root = await repository();
    edit(root, PROD_WEB, "  replicas: 2\n", "  replicas: 9\n");
    const line = lineOf(root, PROD_WEB, "  replicas: 9");
    const before = snapshotTree(root);
    const outcome = await run(["diff", "--root", root]);
    expect(outcome.exitCode).toBe(1);
    expect(diffedFiles(outcome.stdout)).toEqual([PROD_WEB]);
    expect(outcome.stdout).toContain(
      `--- a/${PROD_WEB}\n+++ b/${PROD_WEB}\n@@ -${line - 3},7 +${line - 3},7 @@\n`,
    );
    expect(outcome.stdout).toContain("\n-  replicas: 9\n+  replicas: 2\n");
    expect(outcome.stderr).toContain("manifests/ is stale: 0 added, 1 changed, 0 removed");
    expect(snapshotTree(root)).toEqual(before);
  });

  it("after a service change: hunks in exactly the environments it changes (dev's override keeps its replicas)", async () => {
    const root = await repository();
    edit(root, WEB, "  replicas: 2\n", "  replicas: 4\n");
    const outcome = await run(["diff", "--root", root]);
    expect(outcome.exitCode).toBe(1);
    // Manifests only: the key file beside each is one count at the end, not a diff of hashes (README: Rendering).
    expect(diffedFiles(outcome.stdout)).toEqual([PROD_WEB]);
    expect(outcome.stdout).toContain("\n-  replicas: 2\n+  replicas: 4\n");
    expect(outcome.stdout).not.toContain(".render-key");
    expect(
      outcome.stdout.endsWith(
        "\n# 1 render key file beside these manifests differs too (key and digest, not shown); idp render rewrites them\n",
      ),
    ).toBe(true);

    edit(root, WEB, "image: ghcr.io/example/web:1.2.3", "image: ghcr.io/example/web:1.2.4");
    const image = await run(["diff", "--root", root]);
    expect(diffedFiles(image.stdout)).toEqual(["manifests/dev/web/manifest.yaml", PROD_WEB]);
    expect(image.stdout).not.toMatch(/^[-+](key|sha256) /m);
    expect(image.stdout).toContain("# 2 render key files beside these manifests differ too");
    expect(image.stdout.match(/^-\s+image: ghcr\.io\/example\/web:1\.2\.3$/gm)).toHaveLength(2);
    expect(image.stdout.match(/^\+\s+image: ghcr\.io\/example\/web:1\.2\.4$/gm)).toHaveLength(2);
  });

  it("is empty and exits 0 on a fresh tree", async () => {
    const root = await repository();
    const outcome = await run(["diff", "--root", root]);
    expect(outcome).toMatchObject({ exitCode: 0, stdout: "" });
    expect(outcome.stderr).toContain("manifests/ is up to date");
  });

  it("is a patch git applies: afterwards every manifest is fresh, only its key file is left to idp render", async () => {
    const root = await repository();
    driftEveryWay(root);
    edit(root, WEB, "  replicas: 2\n", "  replicas: 3\n");
    const outcome = await run(["diff", "--root", root]);
    expect(outcome.exitCode).toBe(1);
    writeFileSync(join(root, "drift.patch"), outcome.stdout);
    execFileSync("git", ["apply", "drift.patch"], { cwd: root });
    rmSync(join(root, "drift.patch"));
    const check = await run(["render", "--check", "--format", "json", "--root", root]);
    const report = JSON.parse(check.stdout) as { drift: { file: string; status: string }[] };
    expect(report.drift).toEqual([
      expect.objectContaining({ file: "manifests/prod/web/.render-key", status: "stale" }),
    ]);
    // The one line it printed for that key file is the whole story: a render fixes it.
    const rendered = await run(["render", "--root", root]);
    expect(rendered.exitCode, rendered.stdout).toBe(0);
    expect((await run(["render", "--check", "--root", root])).exitCode).toBe(0);
  });

  it("a key file edited alone is one line, not a diff of hashes; findings name it once", async () => {
    const root = await repository();
    const keyFile = "manifests/prod/web/.render-key";
    edit(root, keyFile, "\nkey ", "\nkey 0");
    const outcome = await run(["diff", "--root", root]);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.stdout).toBe(
      `# ${keyFile}: render key file is stale (its manifest is not); idp render rewrites it\n`,
    );
    const check = await run(["render", "--check", "--format", "json", "--root", root]);
    const report = JSON.parse(check.stdout) as { diagnostics: { code: string; file: string }[] };
    expect(check.exitCode).toBe(1);
    expect(report.diagnostics.map((d) => [d.code, d.file])).toEqual([["drift.stale", keyFile]]);
  });

  it("with a manifest and its key file stale, render --check has one finding, for the manifest", async () => {
    const root = await repository();
    edit(root, WEB, "  replicas: 2\n", "  replicas: 4\n");
    const check = await run(["render", "--check", "--format", "json", "--root", root]);
    const report = JSON.parse(check.stdout) as {
      diagnostics: { code: string; file: string }[];
      drift: { file: string }[];
    };
    expect(check.exitCode).toBe(1);
    expect(report.diagnostics.map((d) => [d.code, d.file])).toEqual([["drift.stale", PROD_WEB]]);
    // JSON's drift stays complete: a tool may apply every file's diff.
    expect(report.drift.map((d) => d.file)).toEqual(["manifests/prod/web/.render-key", PROD_WEB]);
  });

  it("lists an entry that is not a regular file without following it", async () => {
    const root = await repository();
    symlinkSync("/etc/hostname", join(root, "manifests/dev/link.yaml"));
    const outcome = await run(["diff", "--root", root]);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.stdout).toBe("# manifests/dev/link.yaml: not a regular file; a render replaces it\n");
  });

  it("--format json lists each file with its status, first changed line and diff", async () => {
    const root = await repository();
    driftEveryWay(root);
    const outcome = await run(["diff", "--format", "json", "--root", root]);
    expect(outcome.exitCode).toBe(1);
    const report = JSON.parse(outcome.stdout) as {
      drift: { file: string; status: string; line: number; diff: string }[];
      diagnostics: { code: string; file: string; line: number }[];
    };
    expect(report.drift.map((d) => [d.file, d.status])).toEqual([
      [ORPHAN, "orphaned"],
      [DEV_JOB, "missing"],
      [PROD_WEB, "stale"],
    ]);
    expect(report.drift.find((d) => d.status === "stale")?.line).toBe(
      lineOf(root, PROD_WEB, "  replicas: 9"),
    );
    expect(report.diagnostics.map((d) => d.code)).toEqual(["drift.orphaned", "drift.missing", "drift.stale"]);
  });
});

describe("drift output is inert", () => {
  it("a hostile hand edit reaches no terminal, workflow log or comment raw", async () => {
    const root = await repository();
    const hostile =
      "Mal\u001b]0;owned\u0007ory\u202e\u009b31m\rX\n::error file=forged::x\n</details>@org/team";
    edit(root, PROD_WEB, "  replicas: 2\n", `  replicas: 2\n# ${hostile}\n`);
    const text = await run(["diff", "--root", root]);
    expect(text.exitCode).toBe(1);
    for (const raw of ["\u001b", "\u0007", "\u202e", "\u009b", "\r"]) expect(text.stdout).not.toContain(raw);
    expect(text.stdout).toContain("-# Mal\\u001b]0;owned\\u0007ory\\u202e\\u009b31m\\u000dX\n");
    const github = await run(["render", "--check", "--format", "github", "--root", root]);
    const commands = github.stdout.split("\n").filter((line) => line.startsWith("::"));
    expect(
      commands.map((line) => line.slice(0, line.indexOf(" ") === -1 ? undefined : line.indexOf(" "))),
    ).toEqual(["::error", "::group::how", "::endgroup::"]);
    const markdown = await run(["render", "--check", "--format", "markdown", "--root", root]);
    // inside a fenced block nothing is HTML or a mention; the fence itself cannot be closed by the content
    const fenced = markdown.stdout.slice(markdown.stdout.indexOf("```diff"));
    expect(fenced).toContain("-</details>@org/team\n");
    for (const raw of ["\u001b", "\u202e", "\r"]) expect(markdown.stdout).not.toContain(raw);
    expect(markdown.stdout.slice(0, markdown.stdout.indexOf("```diff"))).not.toContain("</details>");
  });
});

describe("render --check shows the drift (issue #14)", () => {
  it("text: prints the unified diff of each stale file", async () => {
    const root = await repository();
    edit(root, PROD_WEB, "  replicas: 2\n", "  replicas: 9\n");
    const outcome = await run(["render", "--check", "--root", root]);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.stdout).toContain(`--- a/${PROD_WEB}\n+++ b/${PROD_WEB}\n@@ `);
    expect(outcome.stdout).toContain("\n-  replicas: 9\n+  replicas: 2\n");
  });

  it("--format github: an error annotation for each stale, missing and orphaned file", async () => {
    const root = await repository();
    driftEveryWay(root);
    const before = snapshotTree(root);
    const outcome = await run(["render", "--check", "--format", "github", "--root", root]);
    expect(outcome.exitCode).toBe(1);
    const annotations = outcome.stdout.split("\n").filter((line) => line.startsWith("::error "));
    const stale = lineOf(root, PROD_WEB, "  replicas: 9");
    expect(annotations.map((a) => a.slice(0, a.indexOf("::", 2)))).toEqual([
      `::error file=${ORPHAN},line=1,col=1,title=drift.orphaned`,
      `::error file=${DEV_JOB},line=1,col=1,title=drift.missing`,
      `::error file=${PROD_WEB},line=${stale},col=1,title=drift.stale`,
    ]);
    // the diff is in a folded group of the log, and no line of it can be read as a workflow command
    expect(outcome.stdout).toContain("::group::");
    const group = outcome.stdout.slice(outcome.stdout.indexOf("::group::"));
    expect(group.split("\n").filter((l) => l.startsWith("::"))).toEqual([
      "::group::how manifests/ differs from a fresh render",
      "::endgroup::",
    ]);
    expect(snapshotTree(root)).toEqual(before);
  });

  it("--format markdown: lists the drift and fences its diff instead of saying 'No findings.' while failing", async () => {
    const root = await repository();
    edit(root, PROD_WEB, "  replicas: 2\n", "  replicas: 9\n");
    const outcome = await run(["render", "--check", "--format", "markdown", "--root", root]);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.stdout).not.toContain("No findings.");
    expect(outcome.stdout).toContain(
      `| ❌ | \`${PROD_WEB}:${lineOf(root, PROD_WEB, "  replicas: 9")}:1\` | \`drift.stale\` |`,
    );
    expect(outcome.stdout).toContain(`\`\`\`diff\n--- a/${PROD_WEB}\n`);
    expect(outcome.stdout).toContain("\n-  replicas: 9\n+  replicas: 2\n");
  });

  it("main.yml still tells drift from other errors: its render step marks a stale main for the re-render job", async () => {
    const root = await repository();
    edit(root, PROD_WEB, "  replicas: 2\n", "  replicas: 9\n");
    const json = await run(["render", "--check", "--format", "json", "--root", root]);
    expect(json.exitCode).toBe(1);
    const runner = join(root, ".runner");
    mkdirSync(runner);
    writeFileSync(join(runner, "fixture.json"), json.stdout);
    const workflow = parse(readFileSync(join(ROOT, ".github/workflows/main.yml"), "utf8")) as {
      jobs: { check: { steps: { id?: string; run?: string }[] } };
    };
    const step = workflow.jobs.check.steps.find((s) => s.id === "render")?.run ?? "";
    const command = "node bin/idp.js render --check --full --format json";
    expect(step).toContain(command);
    const script = step
      .replace(command, `(cat '${join(runner, "fixture.json")}'; false)`)
      .replaceAll("node dist/", `node ${ROOT}/dist/`);
    const shell = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], {
      cwd: root,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", RUNNER_TEMP: runner, GITHUB_OUTPUT: join(runner, "out") },
    });
    expect(shell.status).toBe(1);
    expect(readFileSync(join(runner, "out"), "utf8")).toBe("stale=true\n");
    expect(shell.stdout).toContain(`::error file=${PROD_WEB},`);
  });
});
