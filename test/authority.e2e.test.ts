import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../scripts/run.js";
import { commit, edit, git, pinToday, temporaryFolders } from "./support/suite.js";

// Authority comes from the base branch (issue #12): every attack below is made in a
// real git repository and judged by the real CLI with the committed wasm policy.

const ROOT = join(import.meta.dirname, "..");
const FOLDERS = ["environments", "teams", "services", "schemas", "policies"];
const TODAY = "2026-11-25";
const temps = temporaryFolders();
pinToday(TODAY);

interface Reported {
  code: string;
  severity: string;
  file: string;
  line: number;
  column: number;
  message: string;
  hint?: string;
}

/** The examples committed on main, with the branch `change` checked out; `setup` edits the base first. */
function repository(setup?: (root: string) => void): string {
  const root = mkdtempSync(join(tmpdir(), "idp-authority-"));
  temps.push(root);
  for (const folder of FOLDERS) cpSync(join(ROOT, folder), join(root, folder), { recursive: true });
  setup?.(root);
  git(root, "init", "-q", "-b", "main");
  git(root, "add", "-A");
  git(root, "commit", "-qm", "base");
  git(root, "checkout", "-q", "-b", "change");
  return root;
}

/** `idp validate --base main --author AUTHOR --format json`. */
async function validate(root: string, author: string) {
  const outcome = await run([
    "validate",
    "--root",
    root,
    "--base",
    "main",
    "--author",
    author,
    "--format",
    "json",
  ]);
  const diagnostics = outcome.stdout ? (JSON.parse(outcome.stdout).diagnostics as Reported[]) : [];
  return { ...outcome, diagnostics };
}

/** `idp plan --base main --author AUTHOR --format json`: what the check run publishes. */
async function plan(root: string, author: string) {
  const outcome = await run([
    "plan",
    "--root",
    root,
    "--base",
    "main",
    "--author",
    author,
    "--format",
    "json",
  ]);
  const parsed = JSON.parse(outcome.stdout) as {
    verdict: { ok: boolean; summary: string };
    diagnostics: Reported[];
    environments: {
      name: string;
      services: {
        name: string;
        objects: { kind: string; name: string; summary: string[] }[];
        diff: string;
      }[];
    }[];
    markdown: string;
  };
  return { exitCode: outcome.exitCode, ...parsed };
}

/** Code, severity, file and line of each finding. */
function where(diagnostics: readonly Reported[]): string[] {
  return diagnostics.map((d) => `${d.code} ${d.severity} ${d.file}:${d.line}`);
}

/** The 1-based line of `text` in `file` of `root`. */
function lineOf(root: string, file: string, text: string): number {
  const index = readFileSync(join(root, file), "utf8")
    .split("\n")
    .findIndex((l) => l.includes(text));
  if (index < 0) throw new Error(`${text} is not in ${file}`);
  return index + 1;
}

const PLATFORM = "teams/platform.yaml";
const PROD = "environments/prod.yaml";
const CHECKOUT = "services/checkout/service.yaml";
const EXCEPTIONS = "policies/exceptions.yaml";

/** alice (payments) adds herself to platform, raises prod's quota and checkout's replicas. */
function selfPromotion(root: string): void {
  edit(root, PLATFORM, "members: [carol, dmitri, erin]", "members: [carol, dmitri, erin, alice]");
  edit(
    root,
    PROD,
    'quota: { cpu: "40", memory: 80Gi, pods: 300 }',
    'quota: { cpu: "400", memory: 800Gi, pods: 3000 }',
  );
  edit(root, CHECKOUT, "staging: { replicas: 2 }", "staging: { replicas: 6 }");
  commit(root, "alice joins platform");
}

describe("attack: an author adds themself to teams/platform.yaml in the pull request", () => {
  it("validate refuses it: OWN002 on the team file and the environment, membership read from the base", async () => {
    const root = repository();
    selfPromotion(root);
    const { exitCode, diagnostics } = await validate(root, "alice");
    expect(exitCode).toBe(1);
    expect(where(diagnostics)).toEqual([
      `policy.OWN002 error ${PROD}:2`,
      `policy.OWN002 error ${PLATFORM}:2`,
    ]);
    expect(diagnostics[0]?.message).toContain("not a member of it on the base branch");
    expect(diagnostics[0]?.hint ?? diagnostics[0]?.message).toMatch(/carol, dmitri, erin/);
  });

  it("plan agrees: the verdict blocks the change, with the same findings", async () => {
    const root = repository();
    selfPromotion(root);
    const result = await plan(root, "alice");
    expect(result.exitCode).toBe(1);
    expect(result.verdict.ok).toBe(false);
    expect(result.verdict.summary).toMatch(/^❌ 2 errors block this change/);
    expect(where(result.diagnostics)).toEqual([
      `policy.OWN002 error ${PROD}:2`,
      `policy.OWN002 error ${PLATFORM}:2`,
    ]);
  });

  it("legitimate: a platform member on the base changes teams and quotas, and the change is ready to merge", async () => {
    const root = repository();
    selfPromotion(root);
    const validated = await validate(root, "carol");
    expect([validated.exitCode, validated.diagnostics]).toEqual([0, []]);
    const result = await plan(root, "carol");
    expect(result.exitCode).toBe(0);
    expect(result.verdict.ok).toBe(true);
  });

  it("the new member is one only after the merge: their next pull request may change teams", async () => {
    const root = repository();
    selfPromotion(root);
    // carol (platform) merges it; alice's next pull request is judged by the new base.
    git(root, "checkout", "-q", "main");
    git(root, "merge", "-q", "--ff-only", "change");
    git(root, "checkout", "-q", "-b", "next");
    edit(root, "teams/data.yaml", "members: [kofi, lena]", "members: [kofi, lena, mo]");
    commit(root, "mo joins data");
    expect((await validate(root, "alice")).exitCode).toBe(0);
  });
});

describe("attack: every path outside services/ is platform-owned", () => {
  it.each([
    ["package.json", '{"name":"x"}\n'],
    ["package-lock.json", "{}\n"],
    ["tools/opa.sh", "#!/bin/sh\necho opa\n"],
    ["bin/idp.js", "#!/usr/bin/env node\n"],
    [".ci/run", "#!/bin/sh\n"],
    [".github/workflows/pull-request.yml", "on: push\n"],
    ["scripts/cli.ts", "export {};\n"],
    ["schemas/extra.schema.json", "{}\n"],
    ["manifests/prod/_platform/manifest.yaml", "kind: Namespace\n"],
    ["README.md", "# hello\n"],
    ["services/README.md", "# hello\n"],
  ])("validate refuses a change of %s by a non-platform author (OWN002)", async (file, text) => {
    const root = repository();
    const path = join(root, file);
    execFileSync("mkdir", ["-p", join(path, "..")]);
    writeFileSync(path, text);
    commit(root, `edit ${file}`);
    const { exitCode, diagnostics } = await validate(root, "alice");
    expect(exitCode).toBe(1);
    expect(where(diagnostics)).toEqual([`policy.OWN002 error ${file}:1`]);
  });

  it("a service's rendered manifests belong to its team, not the platform", async () => {
    const root = repository();
    writeFileSync(join(root, "services/checkout/NOTES.md"), "notes\n");
    execFileSync("mkdir", ["-p", join(root, "manifests/prod/checkout")]);
    writeFileSync(join(root, "manifests/prod/checkout/manifest.yaml"), "kind: Deployment\n");
    commit(root, "notes");
    expect(await validate(root, "bob")).toMatchObject({ exitCode: 0, diagnostics: [] });
    const outsider = await validate(root, "gina");
    expect(outsider.exitCode).toBe(0);
    expect(where(outsider.diagnostics)).toEqual([
      "policy.OWN001 warning manifests/prod/checkout/manifest.yaml:1",
      "policy.OWN001 warning services/checkout/NOTES.md:1",
    ]);
  });
});

describe("attack: a pull request moves a service to its author's team", () => {
  function moveCheckout(root: string): void {
    // gina (storefront) takes checkout from payments and raises its replicas.
    edit(root, CHECKOUT, "team: payments", "team: storefront");
    edit(root, CHECKOUT, "staging: { replicas: 2 }", "staging: { replicas: 8 }");
    // payments' secrets stay with payments (storefront may not read them: tenant isolation).
    edit(root, CHECKOUT, "secrets: { STRIPE_KEY: payments/stripe#api_key }", "secrets: {}");
    commit(root, "checkout moves to storefront");
  }

  it("a moved service cannot keep reading its old team's secrets (resolve.secret-scope)", async () => {
    const root = repository();
    edit(root, CHECKOUT, "team: payments", "team: storefront");
    commit(root, "checkout moves to storefront with payments' secret");
    const { exitCode, diagnostics } = await validate(root, "alice");
    expect(exitCode).toBe(1);
    expect(where(diagnostics)).toEqual([
      `resolve.secret-scope error ${CHECKOUT}:${lineOf(root, CHECKOUT, "STRIPE_KEY")}`,
    ]);
  });

  it("validate refuses it: OWN001 at metadata.team, judged by the base's owner", async () => {
    const root = repository();
    moveCheckout(root);
    const { exitCode, diagnostics } = await validate(root, "gina");
    expect(exitCode).toBe(1);
    expect(where(diagnostics)).toEqual([
      `policy.OWN001 error ${CHECKOUT}:${lineOf(root, CHECKOUT, "team: storefront")}`,
    ]);
    expect(diagnostics[0]?.column).toBe(9);
    expect(diagnostics[0]?.message).toContain("moves from team payments to team storefront");
  });

  it("plan agrees: the verdict blocks it", async () => {
    const root = repository();
    moveCheckout(root);
    const result = await plan(root, "gina");
    expect(result.exitCode).toBe(1);
    expect(result.verdict.ok).toBe(false);
    expect(where(result.diagnostics)).toEqual([
      `policy.OWN001 error ${CHECKOUT}:${lineOf(root, CHECKOUT, "team: storefront")}`,
    ]);
  });

  it("legitimate: a member of the base's owning team hands the service over", async () => {
    const root = repository();
    moveCheckout(root);
    expect(await validate(root, "alice")).toMatchObject({ exitCode: 0, diagnostics: [] });
    expect((await plan(root, "alice")).verdict.ok).toBe(true);
  });

  it("a new service needs its team's membership as on the base", async () => {
    const root = repository();
    const file = "services/ledger/service.yaml";
    execFileSync("mkdir", ["-p", join(root, "services/ledger")]);
    writeFileSync(
      join(root, file),
      "# yaml-language-server: $schema=../../schemas/service.schema.json\napiVersion: idp/v1\nkind: Service\nmetadata:\n  name: ledger\n  team: payments\n  description: Keeps the books\n  tier: standard\nspec:\n  type: worker\n  image: ghcr.io/acme/ledger:0.1.0\n  resources: { cpu: 100m, memory: 128Mi }\n  environments:\n    dev: { image: ghcr.io/acme-dev/ledger:0.2.0-rc.1 }\n",
    );
    // gina is made a payments member in the same pull request: that needs platform, and does not count.
    edit(root, "teams/payments.yaml", "members: [alice, bob, farah]", "members: [alice, bob, farah, gina]");
    commit(root, "ledger");
    const { exitCode, diagnostics } = await validate(root, "gina");
    expect(exitCode).toBe(1);
    expect(where(diagnostics)).toEqual([
      `policy.OWN001 warning ${file}:2`,
      // a standard worker with no metrics port: the production monitoring rule warns
      `policy.REL005 warning ${file}:9`,
      "policy.OWN002 error teams/payments.yaml:2",
    ]);
  });
});

describe("attack: a pull request waives OWN002 with its own exception", () => {
  it("validate refuses it: the base's exceptions apply, OWN rules cannot be waived, folders are no target", async () => {
    const root = repository();
    writeFileSync(
      join(root, EXCEPTIONS),
      "- rule: OWN002\n  target: policies\n  reason: we know what we are doing\n  approvedBy: carol\n  expires: 2026-12-31\n",
    );
    edit(root, PLATFORM, "members: [carol, dmitri, erin]", "members: [carol, dmitri, erin, alice]");
    commit(root, "waive OWN002");
    const { exitCode, diagnostics } = await validate(root, "alice");
    expect(exitCode).toBe(1);
    expect(where(diagnostics)).toEqual([
      `policy.OWN002 error ${EXCEPTIONS}:1`,
      `policy.exception-ownership-rule error ${EXCEPTIONS}:1`,
      `policy.exception-folder-target error ${EXCEPTIONS}:2`,
      `policy.OWN002 error ${PLATFORM}:2`,
    ]);
    expect(diagnostics.filter((d) => d.code.startsWith("policy.exception")).every((d) => d.hint)).toBe(true);
    const result = await plan(root, "alice");
    expect([result.exitCode, result.verdict.ok]).toEqual([1, false]);
    expect(where(result.diagnostics)).toEqual(where(diagnostics));
  });

  it("a pull request's own compiled policy does not judge it: the base's wasm does", async () => {
    const root = repository();
    // A policy that finds nothing, built by the pinned opa, with a manifest that matches it.
    const opa = execFileSync("bash", [join(ROOT, "tools/opa.sh")], { encoding: "utf8" }).trim();
    rmSync(join(root, "policies/platform"), { recursive: true });
    writeFileSync(
      join(root, "policies/allow.rego"),
      'package platform.main\n\ndeny := set()\n\nwarn := set()\n\nfindings := {"deny": deny, "warn": warn}\n',
    );
    execFileSync(
      opa,
      ["build", "-t", "wasm", "-e", "platform/main/findings", "-o", "b.tar.gz", "policies/allow.rego"],
      {
        cwd: root,
      },
    );
    execFileSync("tar", ["-xzf", "b.tar.gz", "-C", "policies/dist", "/policy.wasm"], { cwd: root });
    rmSync(join(root, "b.tar.gz"));
    const sha = (file: string) =>
      execFileSync("sha256sum", [join(root, file)], { encoding: "utf8" }).split(" ")[0];
    writeFileSync(
      join(root, "policies/dist/manifest.json"),
      JSON.stringify({
        entrypoints: ["platform/main/findings"],
        opaVersion: "test",
        sources: { "policies/allow.rego": sha("policies/allow.rego") },
        wasm: sha("policies/dist/policy.wasm"),
      }),
    );
    edit(root, PROD, "maxReplicas: 50", "maxReplicas: 500");
    commit(root, "a kinder policy");
    const { exitCode, diagnostics } = await validate(root, "alice");
    expect(exitCode).toBe(1);
    expect(diagnostics.map((d) => d.code)).toContain("policy.OWN002");
    expect(diagnostics.filter((d) => d.code === "policy.OWN002").map((d) => d.file)).toEqual(
      expect.arrayContaining([PROD, "policies/allow.rego", "policies/dist/policy.wasm"]),
    );
  });
});

describe("exceptions are governed", () => {
  const entry = (approvedBy: string, expires = "2027-01-31") =>
    `- rule: SEC001\n  target: services/cart\n  environments: [dev]\n  reason: vendor image until the 2027 rebuild\n  approvedBy: ${approvedBy}\n  expires: ${expires}\n`;
  const vendorImage = (root: string) =>
    edit(
      root,
      "services/cart/service.yaml",
      "image: ghcr.io/acme/cart:0.12.4",
      "image: docker.io/library/redis:7.2.4",
    );

  it("legitimate: an exception on the base approved by a platform member waives the denial in a later pull request", async () => {
    const root = repository((base) => writeFileSync(join(base, EXCEPTIONS), entry("carol")));
    vendorImage(root);
    commit(root, "cart on the vendor image");
    const { exitCode, diagnostics } = await validate(root, "gina");
    // dev is waived; staging and prod still deny (the exception names dev only).
    expect(exitCode).toBe(1);
    const sec = diagnostics.filter((d) => d.code === "policy.SEC001");
    expect(sec.map((d) => d.severity).sort()).toEqual(["error", "error", "warning"]);
    expect(sec.find((d) => d.severity === "warning")?.message).toContain("approved by carol");
  });

  it("the pull request's own new exception waives nothing in it", async () => {
    const root = repository();
    vendorImage(root);
    writeFileSync(join(root, EXCEPTIONS), entry("dmitri"));
    commit(root, "cart on the vendor image, with an exception");
    const { diagnostics } = await validate(root, "carol");
    expect(diagnostics.filter((d) => d.code === "policy.SEC001").map((d) => d.severity)).toEqual([
      "error",
      "error",
      "error",
    ]);
  });

  it("legitimate: a platform member adds an exception another platform member approved", async () => {
    const root = repository();
    writeFileSync(join(root, EXCEPTIONS), entry("dmitri"));
    commit(root, "exception for cart");
    expect(await validate(root, "carol")).toMatchObject({ exitCode: 0, diagnostics: [] });
  });

  it.each([
    ["approved by its own author", "carol", "2027-01-31", [], "policy.exception-self-approved", 5, 15],
    [
      "approved by someone outside the platform team",
      "alice",
      "2027-01-31",
      [],
      "policy.exception-approver",
      5,
      15,
    ],
    [
      "approved by someone the same pull request adds to platform",
      "alice",
      "2027-01-31",
      [PLATFORM],
      "policy.exception-approver",
      5,
      15,
    ],
    ["expiring more than 90 days ahead", "dmitri", "2027-02-24", [], "policy.exception-too-long", 6, 12],
  ])(
    "refuses an exception %s, at file:line:column with a hint",
    async (_name, approver, expires, extra, code, line, column) => {
      const root = repository();
      writeFileSync(join(root, EXCEPTIONS), entry(approver, expires));
      if (extra.length > 0)
        edit(root, PLATFORM, "members: [carol, dmitri, erin]", "members: [carol, dmitri, erin, alice]");
      commit(root, "exception for cart");
      const { exitCode, diagnostics } = await validate(root, "carol");
      expect(exitCode).toBe(1);
      expect(diagnostics).toEqual([
        expect.objectContaining({
          code,
          severity: "error",
          file: EXCEPTIONS,
          line,
          column,
          hint: expect.any(String),
        }),
      ]);
    },
  );

  it("a pull request cannot raise the limit it is judged by (policies/governance.yaml is read from the base)", async () => {
    const root = repository();
    writeFileSync(join(root, "policies/governance.yaml"), "exceptions:\n  maxDays: 365\n");
    writeFileSync(join(root, EXCEPTIONS), entry("dmitri", "2027-06-30"));
    commit(root, "longer exceptions");
    const { exitCode, diagnostics } = await validate(root, "carol");
    expect(exitCode).toBe(1);
    expect(where(diagnostics)).toEqual([`policy.exception-too-long error ${EXCEPTIONS}:6`]);
  });
});

describe("a new call into another team's service", () => {
  function callCart(root: string): void {
    // nightly-report (team data) starts calling cart (team storefront).
    edit(root, "services/nightly-report/service.yaml", "calls: [catalog]", "calls: [catalog, cart]");
    commit(root, "nightly-report calls cart");
  }

  it("validate asks the callee's team to review it: OWN003 on the calls entry", async () => {
    const root = repository();
    callCart(root);
    const file = "services/nightly-report/service.yaml";
    const { exitCode, diagnostics } = await validate(root, "kofi");
    expect(exitCode).toBe(0);
    expect(diagnostics).toEqual([
      expect.objectContaining({
        code: "policy.OWN003",
        severity: "warning",
        file,
        line: lineOf(root, file, "calls: [catalog, cart]"),
        column: 20,
        message: expect.stringContaining("nightly-report now calls cart of team storefront"),
      }),
    ]);
    // A member of the callee's team, or platform: nothing to ask.
    expect((await validate(root, "gina")).diagnostics.map((d) => d.code)).toEqual(["policy.OWN001"]);
    expect((await validate(root, "carol")).diagnostics).toEqual([]);
  });

  it("plan shows it as a change of the callee's NetworkPolicy, with the review it needs", async () => {
    const root = repository();
    callCart(root);
    const result = await plan(root, "kofi");
    expect(result.verdict.ok).toBe(true);
    expect(result.diagnostics.map((d) => d.code)).toEqual(["policy.OWN003"]);
    for (const environment of result.environments) {
      const cart = environment.services.find((s) => s.name === "cart");
      const namespace = environment.name === "prod" ? "data" : `data-${environment.name}`;
      expect(cart?.objects.find((o) => o.kind === "NetworkPolicy")?.summary).toEqual([
        `lets in nightly-report (namespace ${namespace})`,
      ]);
    }
    expect(result.markdown).toContain("OWN003");
  });
});

describe("the author", () => {
  it.each(["validate", "plan"])(
    "%s refuses an --author that is not a GitHub login (exit 2)",
    async (command) => {
      const root = repository();
      const outcome = await run([
        command,
        "--root",
        root,
        "--base",
        "main",
        "--author",
        "x`$(id)`\u001b[31m",
      ]);
      expect(outcome.exitCode).toBe(2);
      expect(outcome.stderr).toContain("--author must be a GitHub login");
      expect(outcome.stderr).not.toContain("\u001b[31m");
    },
  );
});
