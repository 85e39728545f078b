import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditCommand } from "../scripts/commands/audit.js";
import { ToolError, UsageError } from "../scripts/errors.js";
import { edit } from "./support/suite.js";

const FIXTURE = join(import.meta.dirname, "fixtures", "minimal");

interface Person {
  name: string;
  email: string;
}
const ALICE: Person = { name: "alice", email: "alice@example.test" };
const BOB: Person = { name: "Bob Builder", email: "4242+bob@users.noreply.github.com" };
const CAROL: Person = { name: "carol", email: "carol@example.test" };

function git(root: string, args: string[], who: Person = CAROL, date = "2026-11-01T09:00:00Z"): string {
  return execFileSync("git", args, {
    cwd: root,
    encoding: "utf8",
    stdio: "pipe",
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: who.name,
      GIT_AUTHOR_EMAIL: who.email,
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_NAME: who.name,
      GIT_COMMITTER_EMAIL: who.email,
      GIT_COMMITTER_DATE: date,
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_CONFIG_GLOBAL: "/dev/null",
    },
  });
}

function commit(root: string, message: string, who: Person, date: string): string {
  git(root, ["add", "-A"], who, date);
  git(root, ["commit", "-q", "-m", message], who, date);
  return git(root, ["rev-parse", "--short", "HEAD"]).trim();
}

const CART = `apiVersion: idp/v1
kind: Service
metadata:
  name: cart
  team: shop
  description: Holds what people are about to buy
  tier: standard
spec:
  type: web
  image: ghcr.io/example/cart:3.1.0
  port: 8080
  replicas: 2
`;

const JOB_AGAIN = `apiVersion: idp/v1
kind: Service
metadata:
  name: job
  team: shop
  description: Nightly clean-up, rewritten
  tier: standard
spec:
  type: cron
  image: ghcr.io/example/job:0.5.0
  schedule: "0 4 * * *"
`;

/** The short commit ids of the scripted history, by step. */
type Steps = Record<
  "initial" | "cart" | "merge" | "squash" | "rename" | "revert" | "retire" | "recreate" | "defaults",
  string
>;

/**
 * A history of three authors on main: the fixture, a PR branch merged with a
 * merge commit while main moved on, a squash merge, a service folder
 * renamed, a revert, a service deleted and re-created, and a change of
 * prod's defaults that reaches every service relying on them.
 */
function scriptedHistory(root: string): Steps {
  cpSync(FIXTURE, root, { recursive: true });
  git(root, ["init", "-q", "-b", "main"]);
  const initial = commit(root, "Initial platform configuration", CAROL, "2026-11-01T09:00:00Z");

  git(root, ["checkout", "-q", "-b", "alice/bump"]);
  edit(root, "services/web/service.yaml", "web:1.2.3", "web:1.2.4");
  commit(root, "Bump web to 1.2.4", ALICE, "2026-11-02T10:00:00Z");
  git(root, ["checkout", "-q", "main"]);

  mkdirSync(join(root, "services", "cart"));
  writeFileSync(join(root, "services", "cart", "service.yaml"), CART);
  const cart = commit(root, "Add cart service (#11)", BOB, "2026-11-02T12:00:00Z");

  git(
    root,
    ["merge", "-q", "--no-ff", "-m", "Merge pull request #12 from alice/bump", "alice/bump"],
    CAROL,
    "2026-11-03T09:00:00Z",
  );
  const merge = git(root, ["rev-parse", "--short", "HEAD"]).trim();

  edit(root, "services/cart/service.yaml", "replicas: 2", "replicas: 3");
  const squash = commit(root, "Raise cart replicas (#13)", BOB, "2026-11-04T09:00:00Z");

  git(root, ["mv", "services/web", "services/storefront"]);
  edit(root, "services/storefront/service.yaml", "name: web", "name: storefront");
  const rename = commit(root, "Rename web to storefront (#14)", ALICE, "2026-11-05T09:00:00Z");

  git(root, ["revert", "--no-edit", squash], BOB, "2026-11-06T09:00:00Z");
  const revert = git(root, ["rev-parse", "--short", "HEAD"]).trim();

  rmSync(join(root, "services", "job"), { recursive: true });
  const retire = commit(root, "Retire job (#16)", CAROL, "2026-11-07T09:00:00Z");

  mkdirSync(join(root, "services", "job"));
  writeFileSync(join(root, "services", "job", "service.yaml"), JOB_AGAIN);
  const recreate = commit(root, "Bring back job (#17)", ALICE, "2026-11-08T09:00:00Z");

  edit(root, "environments/prod.yaml", "memory: 256Mi } }", "memory: 512Mi } }");
  writeFileSync(join(root, "README.md"), "not configuration\n");
  const defaults = commit(root, "prod: more memory by default (#18)", CAROL, "2026-11-09T09:00:00Z");
  return { initial, cart, merge, squash, rename, revert, retire, recreate, defaults };
}

let root = "";
let steps: Steps;
const temps: string[] = [];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "idp-audit-"));
  temps.push(root);
  steps = scriptedHistory(root);
});
afterAll(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The text lines of every change, newest first, with the short ids of this run's commits. */
function timeline(s: Steps): string[] {
  return [
    `2026-11-09 carol (#18) ${s.defaults}  cart prod: resources.memory 256Mi → 512Mi; resources.limits.memory 256Mi → 512Mi`,
    `2026-11-09 carol (#18) ${s.defaults}  job prod: resources.memory 256Mi → 512Mi; resources.limits.memory 256Mi → 512Mi`,
    `2026-11-08 alice (#17) ${s.recreate}  job dev: added (image ghcr.io/example/job:0.5.0, cron)`,
    `2026-11-08 alice (#17) ${s.recreate}  job prod: added (image ghcr.io/example/job:0.5.0, cron)`,
    `2026-11-07 carol (#16) ${s.retire}  job dev: removed`,
    `2026-11-07 carol (#16) ${s.retire}  job prod: removed`,
    `2026-11-06 bob ${s.revert}  cart dev: replicas 3 → 2`,
    `2026-11-06 bob ${s.revert}  cart prod: replicas 3 → 2`,
    `2026-11-05 alice (#14) ${s.rename}  storefront dev: name web → storefront`,
    `2026-11-05 alice (#14) ${s.rename}  storefront prod: name web → storefront`,
    `2026-11-04 bob (#13) ${s.squash}  cart dev: replicas 2 → 3`,
    `2026-11-04 bob (#13) ${s.squash}  cart prod: replicas 2 → 3`,
    `2026-11-03 alice (#12) ${s.merge}  web dev: image ghcr.io/example/web:1.2.3 → 1.2.4`,
    `2026-11-03 alice (#12) ${s.merge}  web prod: image ghcr.io/example/web:1.2.3 → 1.2.4`,
    `2026-11-02 bob (#11) ${s.cart}  cart dev: added (image ghcr.io/example/cart:3.1.0, replicas 2)`,
    `2026-11-02 bob (#11) ${s.cart}  cart prod: added (image ghcr.io/example/cart:3.1.0, replicas 2)`,
    `2026-11-01 carol ${s.initial}  api dev: added (image ghcr.io/example/api:2.0.1, autoscale 2-6 at 70% cpu)`,
    `2026-11-01 carol ${s.initial}  api prod: added (image ghcr.io/example/api:2.0.1, autoscale 2-6 at 70% cpu)`,
    `2026-11-01 carol ${s.initial}  job dev: added (image ghcr.io/example/job:0.4.0, cron)`,
    `2026-11-01 carol ${s.initial}  job prod: added (image ghcr.io/example/job:0.4.0, cron)`,
    `2026-11-01 carol ${s.initial}  web dev: added (image ghcr.io/example/web:1.2.3, replicas 1)`,
    `2026-11-01 carol ${s.initial}  web prod: added (image ghcr.io/example/web:1.2.3, replicas 2)`,
  ];
}

function full(short: string): string {
  return git(root, ["rev-parse", short]).trim();
}

describe("idp audit on a scripted history", () => {
  it("prints every change newest first, attributed to author, pull request and commit", async () => {
    const result = await auditCommand({ root, format: "text" });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(`${timeline(steps).join("\n")}\n\n22 changes in 9 commits\n`);
  });

  it("follows a renamed service folder: its history under the old name belongs to it", async () => {
    const expected = timeline(steps).filter((line) => / (web|storefront) (dev|prod):/.test(line));
    const byNewName = await auditCommand({ root, format: "text", service: "storefront" });
    expect(byNewName.stdout).toBe(`${expected.join("\n")}\n\n6 changes in 3 commits\n`);
    // The old name is not unknown: it existed in the past, and it is the same service.
    const byOldName = await auditCommand({ root, format: "text", service: "web" });
    expect(byOldName.stdout).toBe(byNewName.stdout);
  });

  it("filters by environment, date and field", async () => {
    const result = await auditCommand({
      root,
      format: "text",
      environment: "prod",
      since: "2026-11-04",
      field: "replicas",
    });
    // The cron job added and removed in that period has no replicas: it is not reported.
    expect(result.stdout).toBe(
      [
        `2026-11-06 bob ${steps.revert}  cart prod: replicas 3 → 2`,
        `2026-11-04 bob (#13) ${steps.squash}  cart prod: replicas 2 → 3`,
        "",
        "2 changes in 2 commits",
        "",
      ].join("\n"),
    );
    const resources = await auditCommand({ root, format: "text", field: "resources.memory" });
    expect(resources.stdout).toBe(
      [
        `2026-11-09 carol (#18) ${steps.defaults}  cart prod: resources.memory 256Mi → 512Mi`,
        `2026-11-09 carol (#18) ${steps.defaults}  job prod: resources.memory 256Mi → 512Mi`,
        // Services added and removed are filtered too: by what they had under the field.
        `2026-11-08 alice (#17) ${steps.recreate}  job dev: added (resources.memory 128Mi)`,
        `2026-11-08 alice (#17) ${steps.recreate}  job prod: added (resources.memory 256Mi)`,
        `2026-11-07 carol (#16) ${steps.retire}  job dev: removed (resources.memory 128Mi)`,
        `2026-11-07 carol (#16) ${steps.retire}  job prod: removed (resources.memory 128Mi)`,
        `2026-11-02 bob (#11) ${steps.cart}  cart dev: added (resources.memory 128Mi)`,
        `2026-11-02 bob (#11) ${steps.cart}  cart prod: added (resources.memory 256Mi)`,
        `2026-11-01 carol ${steps.initial}  api dev: added (resources.memory 256Mi)`,
        `2026-11-01 carol ${steps.initial}  api prod: added (resources.memory 256Mi)`,
        `2026-11-01 carol ${steps.initial}  job dev: added (resources.memory 128Mi)`,
        `2026-11-01 carol ${steps.initial}  job prod: added (resources.memory 128Mi)`,
        `2026-11-01 carol ${steps.initial}  web dev: added (resources.memory 256Mi)`,
        `2026-11-01 carol ${steps.initial}  web prod: added (resources.memory 256Mi)`,
        "",
        "14 changes in 5 commits",
        "",
      ].join("\n"),
    );
  });

  it("prints one JSON entry per field, with the full commit, author and pull request", async () => {
    const result = await auditCommand({ root, format: "json", service: "cart", environment: "prod" });
    const output = JSON.parse(result.stdout);
    const bob = { name: "Bob Builder", email: "4242+bob@users.noreply.github.com", login: "bob" };
    const carol = { name: "carol", email: "carol@example.test", login: null };
    const entry = { service: "cart", environment: "prod" };
    expect(output.diagnostics).toEqual([]);
    expect(output.summary).toBe("4 changes in 4 commits");
    expect(output.entries).toEqual([
      ...["resources.memory", "resources.limits.memory"].map((field) => ({
        commit: full(steps.defaults),
        date: "2026-11-09T09:00:00Z",
        author: carol,
        pr: 18,
        ...entry,
        change: "changed",
        field,
        old: "256Mi",
        new: "512Mi",
      })),
      {
        commit: full(steps.revert),
        date: "2026-11-06T09:00:00Z",
        author: bob,
        pr: null,
        ...entry,
        change: "changed",
        field: "replicas",
        old: 3,
        new: 2,
      },
      {
        commit: full(steps.squash),
        date: "2026-11-04T09:00:00Z",
        author: bob,
        pr: 13,
        ...entry,
        change: "changed",
        field: "replicas",
        old: 2,
        new: 3,
      },
      {
        commit: full(steps.cart),
        date: "2026-11-02T12:00:00Z",
        author: bob,
        pr: 11,
        ...entry,
        change: "added",
        field: null,
        old: null,
        new: {
          team: "shop",
          tier: "standard",
          description: "Holds what people are about to buy",
          type: "web",
          namespace: "shop",
          image: "ghcr.io/example/cart:3.1.0",
          ports: [{ name: "http", port: 80, targetPort: 8080, protocol: "http" }],
          replicas: 2,
          resources: { cpu: "200m", memory: "256Mi", limits: { memory: "256Mi" } },
          env: {},
          secrets: {},
          probes: {},
          calls: [],
          // the protocol's SLI metric names and the tier's severity, even without metrics
          observability: {
            protocol: "http",
            sli: {
              duration: "http_server_request_duration_seconds",
              errorLabel: "http_response_status_code",
              errorValues: "5..",
            },
            severity: "warning",
          },
          dependencies: {},
        },
      },
    ]);
  });

  it("attributes a merge commit to the author of the merged branch", async () => {
    const result = await auditCommand({ root, format: "json", service: "web", field: "image" });
    const entries = JSON.parse(result.stdout).entries as { commit: string; author: unknown; pr: number }[];
    expect(entries.filter((e) => e.commit === full(steps.merge))).toHaveLength(2);
    for (const e of entries.filter((e) => e.commit === full(steps.merge))) {
      expect(e.author).toEqual({ name: "alice", email: "alice@example.test", login: null });
      expect(e.pr).toBe(12);
    }
  });

  it("prints a Markdown table", async () => {
    const result = await auditCommand({ root, format: "markdown", since: "2026-11-07" });
    expect(result.stdout).toBe(
      [
        "**6 changes in 3 commits**",
        "",
        "| date | author | PR | commit | service | environment | change |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        `| 2026-11-09 | carol | #18 | \`${steps.defaults}\` | cart | prod | resources.memory 256Mi → 512Mi; resources.limits.memory 256Mi → 512Mi |`,
        `| 2026-11-09 | carol | #18 | \`${steps.defaults}\` | job | prod | resources.memory 256Mi → 512Mi; resources.limits.memory 256Mi → 512Mi |`,
        `| 2026-11-08 | alice | #17 | \`${steps.recreate}\` | job | dev | added (image ghcr.io/example/job:0.5.0, cron) |`,
        `| 2026-11-08 | alice | #17 | \`${steps.recreate}\` | job | prod | added (image ghcr.io/example/job:0.5.0, cron) |`,
        `| 2026-11-07 | carol | #16 | \`${steps.retire}\` | job | dev | removed |`,
        `| 2026-11-07 | carol | #16 | \`${steps.retire}\` | job | prod | removed |`,
        "",
        "",
      ].join("\n"),
    );
  });

  it("--at shows what every service ran in an environment at that moment, from history alone", async () => {
    const result = await auditCommand({ root, format: "text", at: "2026-11-04", environment: "prod" });
    expect(result.stdout).toBe(
      [
        `prod at 2026-11-04T23:59:59Z, as of commit ${steps.squash} (2026-11-04, bob, #13)`,
        "service  image                       scale                     cpu   memory",
        "api      ghcr.io/example/api:2.0.1   autoscale 2-6 at 70% cpu  200m  256Mi",
        "cart     ghcr.io/example/cart:3.1.0  replicas 3                200m  256Mi",
        "job      ghcr.io/example/job:0.4.0   cron                      100m  128Mi",
        "web      ghcr.io/example/web:1.2.4   replicas 2                250m  256Mi",
        "",
      ].join("\n"),
    );
    const later = await auditCommand({
      root,
      format: "json",
      at: "2026-11-09T10:00:00+01:00",
      environment: "prod",
    });
    const snapshot = JSON.parse(later.stdout);
    expect(snapshot.at).toBe("2026-11-09T09:00:00Z");
    expect(snapshot.commit).toEqual({
      sha: full(steps.defaults),
      date: "2026-11-09T09:00:00Z",
      author: { name: "carol", email: "carol@example.test", login: null },
      pr: 18,
    });
    expect(snapshot.environments).toEqual([
      {
        name: "prod",
        services: [
          {
            service: "api",
            image: "ghcr.io/example/api:2.0.1",
            replicas: null,
            autoscale: { min: 2, max: 6, cpu: 70 },
            resources: { cpu: "200m", memory: "256Mi", limits: { cpu: "1", memory: "512Mi" } },
          },
          {
            service: "cart",
            image: "ghcr.io/example/cart:3.1.0",
            replicas: 2,
            autoscale: null,
            resources: { cpu: "200m", memory: "512Mi", limits: { memory: "512Mi" } },
          },
          {
            service: "job",
            image: "ghcr.io/example/job:0.5.0",
            // A cron job runs no replicas: prod's default is not reported for it.
            replicas: null,
            autoscale: null,
            resources: { cpu: "200m", memory: "512Mi", limits: { memory: "512Mi" } },
          },
          {
            service: "storefront",
            image: "ghcr.io/example/web:1.2.4",
            replicas: 2,
            autoscale: null,
            resources: { cpu: "250m", memory: "256Mi", limits: { memory: "256Mi" } },
          },
        ],
      },
    ]);
    // --field narrows a snapshot to the values under it; services without one (a cron job's replicas) are left out.
    const replicas = await auditCommand({
      root,
      format: "text",
      at: "2026-11-04",
      environment: "prod",
      field: "replicas",
    });
    expect(replicas.stdout).toBe(
      [
        `prod at 2026-11-04T23:59:59Z, as of commit ${steps.squash} (2026-11-04, bob, #13)`,
        "service  replicas",
        "cart     3",
        "web      2",
        "",
      ].join("\n"),
    );
    const limits = await auditCommand({
      root,
      format: "json",
      at: "2026-11-04",
      environment: "dev",
      field: "resources.limits",
    });
    expect(JSON.parse(limits.stdout)).toMatchObject({
      field: "resources.limits",
      environments: [
        {
          name: "dev",
          services: [
            { service: "api", fields: { "resources.limits.cpu": "1", "resources.limits.memory": "512Mi" } },
            { service: "cart", fields: { "resources.limits.memory": "128Mi" } },
            { service: "job", fields: { "resources.limits.memory": "128Mi" } },
            { service: "web", fields: { "resources.limits.memory": "256Mi" } },
          ],
        },
      ],
    });
    const before = await auditCommand({ root, format: "text", at: "2026-10-01" });
    expect(before.stdout).toBe("nothing was configured at 2026-10-01T23:59:59Z\n");
  });
});

describe("idp audit reports only what applies to the workload", () => {
  it("a change of the environment's default replicas is no change of a cron job (which runs none)", async () => {
    const repo = mkdtempSync(join(tmpdir(), "idp-audit-cron-"));
    temps.push(repo);
    cpSync(FIXTURE, repo, { recursive: true });
    git(repo, ["init", "-q", "-b", "main"]);
    commit(repo, "Initial platform configuration", CAROL, "2026-11-01T09:00:00Z");
    edit(repo, "environments/prod.yaml", "defaults: { replicas: 2,", "defaults: { replicas: 3,");
    commit(repo, "prod: three replicas by default (#2)", CAROL, "2026-11-02T09:00:00Z");
    // web sets its own replicas and api autoscales: nothing runs differently.
    const result = await auditCommand({ root: repo, format: "text", since: "2026-11-02" });
    expect(result.stdout).toBe("no changes found in 2 commits\n");
  });

  it("--field limits added entries in JSON to the field, one entry per value", async () => {
    const result = await auditCommand({
      root,
      format: "json",
      service: "cart",
      environment: "prod",
      field: "image",
    });
    expect(JSON.parse(result.stdout).entries).toEqual([
      expect.objectContaining({
        change: "added",
        field: "image",
        old: null,
        new: "ghcr.io/example/cart:3.1.0",
      }),
    ]);
  });
});

describe("idp audit refuses what it cannot answer", () => {
  it.each([
    [
      { service: "wbe" },
      'unknown service "wbe": no services/wbe/service.yaml in the history of HEAD; did you mean "web"?',
    ],
    [
      { environment: "prd" },
      'unknown environment "prd": no environments/prd.yaml in the history of HEAD; did you mean "prod"?',
    ],
    [
      { since: "2026-02-30" },
      '--since "2026-02-30" is not a date: use YYYY-MM-DD (a day in UTC) or YYYY-MM-DDTHH:MM[:SS] with Z or an offset, such as 2026-11-20 or 2026-11-20T14:30:00Z',
    ],
    [
      { at: "yesterday" },
      '--at "yesterday" is not a date: use YYYY-MM-DD (a day in UTC) or YYYY-MM-DDTHH:MM[:SS] with Z or an offset, such as 2026-11-20 or 2026-11-20T14:30:00Z',
    ],
    [
      { at: "2026-11-04", since: "2026-11-01" },
      "--at shows one moment and --since a period: use one of them",
    ],
    [{ field: "replica" }, '--field "replica": unknown field "replica"; did you mean "replicas"?'],
    [
      { field: "resources.cpus" },
      '--field "resources.cpus": unknown field "resources.cpus"; did you mean "resources.cpu"?',
    ],
    [
      { field: "foo.bar" },
      '--field "foo.bar": unknown field "foo"; the fields are name, team, tier, description, type',
    ],
    [
      { field: "image.tag", at: "2026-11-04" },
      '--field "image.tag": "image" is one value, with no fields under it: use --field image',
    ],
  ])("%o is a usage error", async (flags, message) => {
    const failure = auditCommand({ root, format: "text", ...flags });
    await expect(failure).rejects.toThrow(UsageError);
    await expect(failure).rejects.toThrow(message);
  });

  it("says when the folder is not a git repository", async () => {
    const plain = mkdtempSync(join(tmpdir(), "idp-audit-plain-"));
    temps.push(plain);
    const failure = auditCommand({ root: plain, format: "text" });
    await expect(failure).rejects.toThrow(ToolError);
    await expect(failure).rejects.toThrow(
      `${plain} is not a git repository: idp audit reads its history; pass --root with the repository's path`,
    );
  });

  it("says when the repository has no commits", async () => {
    const empty = mkdtempSync(join(tmpdir(), "idp-audit-empty-"));
    temps.push(empty);
    git(empty, ["init", "-q", "-b", "main"]);
    await expect(auditCommand({ root: empty, format: "text" })).rejects.toThrow(
      `${empty} has no commits yet: there is no history to audit`,
    );
  });
});
