import { spawnSync } from "node:child_process";
import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../scripts/run.js";
import { isPinnedImage, OBSERVABILITY_CHECKS, SCORECARD_CHECKS } from "../scripts/scorecard/checks.js";
import { levelTable } from "../scripts/scorecard/scorecard.js";
import { fixtureRepos } from "./support/fixture-repo.js";
import { expectGolden } from "./support/golden-file.js";
import { edit, pinToday } from "./support/suite.js";

const ROOT = join(import.meta.dirname, "..");
const fixture = fixtureRepos("idp-scorecard");
pinToday("2026-11-25");

const EXTENSION = { text: "txt", json: "json", markdown: "md" } as const;

const PLATFORM_TEAM = `apiVersion: idp/v1
kind: Team
metadata:
  name: platform
spec:
  github: example/platform
  members: [carol]
  budget: { monthly: 100 }
  contact: { slack: "#platform" }
`;

/** The minimal fixture with the example policies (none waived) and a platform team to approve exceptions. */
function policedFixture(): string {
  const root = fixture();
  cpSync(join(ROOT, "policies"), join(root, "policies"), { recursive: true });
  writeFileSync(join(root, "teams/platform.yaml"), PLATFORM_TEAM);
  return root;
}

describe("idp scorecard on the example repository", () => {
  it.each(["text", "json", "markdown"] as const)("--format %s matches its golden", async (format) => {
    const outcome = await run(["scorecard", "--root", ROOT, "--format", format]);
    expect(outcome.stderr).toBe("");
    expect(outcome.exitCode).toBe(0);
    expectGolden(`scorecard.example.${EXTENSION[format]}`, outcome.stdout);
  });

  it.each(["text", "markdown"] as const)(
    "one service, every check: --format %s matches its golden",
    async (format) => {
      const outcome = await run(["scorecard", "payments", "--root", ROOT, "--format", format]);
      expect(outcome.exitCode).toBe(0);
      expectGolden(`scorecard.payments.${EXTENSION[format]}`, outcome.stdout);
    },
  );

  it("grades by the first failing level and names what is missing (intent, beside the golden)", async () => {
    const json = JSON.parse((await run(["scorecard", "--root", ROOT, "--format", "json"])).stdout);
    const card = (service: string, environment: string) =>
      json.scorecards.find(
        (c: { service: string; environment: string }) =>
          c.service === service && c.environment === environment,
      );
    // search in dev has no probes and no metrics port: bronze, and both are what silver misses.
    expect(card("search", "dev")).toMatchObject({
      level: "bronze",
      next: "silver",
      missing: ["probes", "metrics"],
    });
    // dev has no TLS issuer: payments' route there keeps it at bronze; prod has one.
    expect(card("payments", "dev")).toMatchObject({ level: "bronze", missing: ["route-tls"] });
    expect(card("payments", "prod")).toMatchObject({ level: "gold", next: null, missing: [] });
    // search does not run in prod: no scorecard there.
    expect(card("search", "prod")).toBeUndefined();
    const storefront = json.teams.find((t: { team: string }) => t.team === "storefront");
    expect(storefront).toEqual({
      team: "storefront",
      services: 4,
      // dev and staging give standard services no objective (silver at most); search has no metrics port
      levels: { gold: 3, silver: 5, bronze: 3, none: 0 },
    });
  });
});

describe("idp scorecard on the minimal fixture", () => {
  it.each(["text", "json", "markdown"] as const)("--format %s matches its golden", async (format) => {
    const outcome = await run(["scorecard", "--root", policedFixture(), "--format", format]);
    expect(outcome.exitCode).toBe(0);
    expectGolden(`scorecard.fixture.${EXTENSION[format]}`, outcome.stdout);
  });

  it("one replica in production, and resources from the environment's defaults, cost their levels", async () => {
    const root = policedFixture();
    edit(root, "services/web/service.yaml", "  replicas: 2\n", "  replicas: 1\n");
    edit(root, "services/web/service.yaml", "  resources:\n    cpu: 250m\n    memory: 256Mi\n", "");
    const json = JSON.parse(
      (await run(["scorecard", "web", "--root", root, "--environment", "prod", "--format", "json"])).stdout,
    );
    expect(json.scorecards).toHaveLength(1);
    const [card] = json.scorecards;
    expect(card).toMatchObject({ level: null, next: "bronze", missing: ["resources"] });
    const replicas = card.checks.find((c: { id: string }) => c.id === "replicas");
    expect(replicas).toMatchObject({
      status: "fail",
      detail: "replicas 1: one pod down is the service down",
    });
  });

  it("an exception in force keeps a service from gold, and says which rule it waives", async () => {
    const root = policedFixture();
    // REL004 denies an experimental service in production; the exception waives it there.
    edit(root, "services/job/service.yaml", "tier: standard", "tier: experimental");
    writeFileSync(
      join(root, "policies/exceptions.yaml"),
      "- { rule: REL004, target: services/job, environments: [prod], reason: a trial run in production until the pilot ends, approvedBy: carol, expires: 2026-12-31 }\n",
    );
    const outcome = await run(["scorecard", "job", "--root", root, "--format", "text"]);
    expect(outcome.exitCode).toBe(0);
    expect(outcome.stdout).toContain("job in prod: silver (missing for gold: no-exceptions)\n");
    expect(outcome.stdout).toContain(
      "  fail  gold    no-exceptions       waived: REL004 (policies/exceptions.yaml)\n",
    );
    expect(outcome.stdout).toContain("job in dev: gold (top level)\n");
  });

  it("values from YAML are inert: escapes in text, escaped HTML and links in Markdown", async () => {
    const root = policedFixture();
    edit(
      root,
      "services/web/service.yaml",
      "description: The shop front end",
      'description: "\\e[31mred\\e[0m <script>alert(1)</script> [x](javascript:alert(1)) | @shop/team"',
    );
    const text = (await run(["scorecard", "web", "--root", root])).stdout;
    expect(text).not.toContain("\u001b");
    expect(text).toContain("\\u001b[31mred\\u001b[0m <script>");
    const markdown = (await run(["scorecard", "web", "--root", root, "--format", "markdown"])).stdout;
    expect(markdown).not.toContain("<script>");
    expect(markdown).not.toMatch(/[^\\]\]\(javascript:/);
    expect(markdown).toContain(
      "&lt;script&gt;alert(1)&lt;/script&gt; \\[x\\](javascript:alert(1)) \\| @&#8203;shop/team",
    );
  });

  it("errors in the repository, an unknown service or environment exit 1; a bad format exits 2", async () => {
    const root = policedFixture();
    const service = await run(["scorecard", "wbe", "--root", root]);
    expect(service).toEqual({
      exitCode: 1,
      stdout: "",
      stderr: 'idp: no service named "wbe"; did you mean "web"?\n',
    });
    expect((await run(["scorecard", "--root", root, "--environment", "qa"])).exitCode).toBe(1);
    expect((await run(["scorecard", "--root", root, "--format", "github"])).exitCode).toBe(2);
    edit(root, "services/web/service.yaml", "replicas: 2", "replicas: two");
    const broken = await run(["scorecard", "--root", root]);
    expect(broken.exitCode).toBe(1);
    expect(broken.stdout).toBe("");
    expect(broken.stderr).toContain("services/web/service.yaml:");
    expect(broken.stderr).toContain("cannot compute scorecards: fix the errors above first");
  });

  it("the built CLI agrees with the command function", async () => {
    const root = policedFixture();
    const cli = spawnSync(
      process.execPath,
      [join(ROOT, "bin/idp.js"), "scorecard", "--root", root, "--format", "json"],
      {
        encoding: "utf8",
        env: { ...process.env, IDP_TODAY: "2026-11-25" },
      },
    );
    expect(cli.status).toBe(0);
    expect(cli.stdout).toBe((await run(["scorecard", "--root", root, "--format", "json"])).stdout);
  });
});

describe("the check list", () => {
  it("is data: ids are unique kebab-case, every level has checks, the level table lists each once", () => {
    const ids = SCORECARD_CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z]+(-[a-z]+)*$/);
    const table = levelTable();
    expect(table.map((l) => l.level)).toEqual(["bronze", "silver", "gold"]);
    for (const level of table) expect(level.checks.length).toBeGreaterThan(0);
    expect(table.flatMap((l) => l.checks.map((c) => c.id)).sort()).toEqual([...ids].sort());
    // Observability: metrics make silver, an objective gold.
    expect(OBSERVABILITY_CHECKS.map((c) => [c.id, c.level])).toEqual([
      ["metrics", "silver"],
      ["slo", "gold"],
    ]);
  });

  it.each([
    ["ghcr.io/acme/checkout:1.4.2", true],
    ["ghcr.io/acme/checkout:v1.4.2-rc.1", true],
    [`ghcr.io/acme/checkout@sha256:${"a".repeat(64)}`, true],
    ["localhost:5000/checkout:1.4.2", true],
    ["ghcr.io/acme/checkout:latest", false],
    ["ghcr.io/acme/checkout:main", false],
    ["localhost:5000/checkout", false],
    ["ghcr.io/acme/checkout@sha256:abc", false],
  ])("isPinnedImage(%s) is %s, as the policy's SEC003 judges it", (image, pinned) => {
    expect(isPinnedImage(image)).toBe(pinned);
  });
});
