import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { run } from "../scripts/run.js";

const ROOT = join(import.meta.dirname, "..");
const temps: string[] = [];
let opa = "";

beforeAll(() => {
  // The pinned opa, installed by the project's own script when missing.
  opa = execFileSync("bash", [join(ROOT, "tools/opa.sh")], { encoding: "utf8" }).trim();
});
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the example repository, policies included. */
function repo(): string {
  const root = mkdtempSync(join(tmpdir(), "idp-policy-"));
  temps.push(root);
  for (const folder of ["environments", "teams", "services", "schemas", "policies"]) {
    cpSync(join(ROOT, folder), join(root, folder), { recursive: true });
  }
  return root;
}

function edit(root: string, file: string, from: RegExp | string, to: string): void {
  const path = join(root, file);
  const text = readFileSync(path, "utf8");
  const next = text.replace(from, to);
  if (next === text) throw new Error(`edit did not apply to ${file}: ${String(from)}`);
  writeFileSync(path, next);
}

interface Reported {
  code: string;
  severity: string;
  file: string;
  line: number;
  column: number;
  message: string;
}

async function validate(root: string, env: Record<string, string> = {}) {
  const saved = { ...process.env };
  Object.assign(process.env, { IDP_TODAY: "2026-11-25", ...env });
  try {
    const outcome = await run(["validate", "--root", root, "--format", "json"]);
    const diagnostics = outcome.stdout ? (JSON.parse(outcome.stdout).diagnostics as Reported[]) : [];
    return { ...outcome, diagnostics };
  } finally {
    process.env = saved;
  }
}

const CART = "services/cart/service.yaml";

describe("policy findings land on the line of the value at fault", () => {
  it("reports an image from a foreign registry at the image, per environment", async () => {
    const root = repo();
    edit(root, CART, /image: ghcr\.io\/acme\/cart:\S+/, "image: docker.io/library/redis:7.2.4");
    const { exitCode, diagnostics } = await validate(root);
    expect(exitCode).toBe(1);
    const found = diagnostics.filter((d) => d.code === "policy.SEC001");
    expect(found.map((d) => [d.file, d.line, d.column])).toEqual([
      [CART, 11, 10],
      [CART, 11, 10],
      [CART, 11, 10],
    ]);
    expect(found.map((d) => d.message.slice(d.message.lastIndexOf("(")))).toEqual([
      "(in dev)",
      "(in staging)",
      "(in prod)",
    ]);
  });

  it("follows an override: a bad prod replica count points at the prod override line", async () => {
    const root = repo();
    edit(root, CART, /\n {2}environments:\n/, "\n  environments:\n    staging: { replicas: 60 }\n");
    const { diagnostics } = await validate(root);
    const found = diagnostics.find((d) => d.code === "policy.REL001");
    expect(found).toMatchObject({
      file: CART,
      severity: "error",
      message: expect.stringContaining("(in staging)"),
    });
    expect(readFileSync(join(root, CART), "utf8").split("\n")[(found?.line ?? 0) - 1]).toContain(
      "staging: { replicas: 60 }",
    );
  });

  it("reports a sidecar's foreign image at the sidecar's image line, and open prod egress at its cidr", async () => {
    const root = repo();
    edit(
      root,
      CART,
      /\n {2}env:\n/,
      "\n  sidecars:\n    - name: proxy\n      image: docker.io/envoyproxy/envoy:v1.31.0\n      resources: { cpu: 10m, memory: 32Mi }\n  egress:\n    - { cidr: 0.0.0.0/0, ports: [443] }\n  env:\n",
    );
    const { exitCode, diagnostics } = await validate(root);
    expect(exitCode).toBe(1);
    const lines = readFileSync(join(root, CART), "utf8").split("\n");
    const at = (code: string) =>
      diagnostics.filter((d) => d.code === code).map((d) => [d.severity, lines[d.line - 1]?.trim()]);
    expect(at("policy.SEC001")).toEqual([
      ["error", "image: docker.io/envoyproxy/envoy:v1.31.0"],
      ["error", "image: docker.io/envoyproxy/envoy:v1.31.0"],
      ["error", "image: docker.io/envoyproxy/envoy:v1.31.0"],
    ]);
    expect(at("policy.NET001")).toEqual([
      ["warning", "- { cidr: 0.0.0.0/0, ports: [443] }"],
      ["error", "- { cidr: 0.0.0.0/0, ports: [443] }"],
    ]);
    expect(
      diagnostics
        .filter((d) => d.code === "policy.NET001")
        .map((d) => d.message.slice(d.message.lastIndexOf("("))),
    ).toEqual(["(in dev and staging)", "(in prod)"]);
  });

  it("expose: loadBalancer: refused where not offered, a NET003 warning in dev, denied in prod", async () => {
    const CATALOG = "services/catalog/service.yaml";
    const root = repo();
    edit(root, CATALOG, "  port: 8080\n", "  port: 8080\n  expose: loadBalancer\n");
    const first = await validate(root);
    expect(first.exitCode).toBe(1);
    const where = (diagnostics: Reported[], code: string) =>
      diagnostics.filter((d) => d.code === code).map((d) => [d.severity, d.file, d.line, d.column]);
    // dev offers load balancers (routing.loadBalancers: true); staging and prod do not.
    expect(where(first.diagnostics, "resolve.load-balancer")).toEqual([["error", CATALOG, 13, 11]]);
    expect(first.diagnostics.find((d) => d.code === "resolve.load-balancer")?.message).toBe(
      "expose: loadBalancer is not offered in staging and prod (its routing.loadBalancers is not true)",
    );

    // Offered in prod too: policy reviews it, a warning in dev and a denial in prod.
    edit(
      root,
      "environments/prod.yaml",
      "    tlsIssuer: letsencrypt\n",
      "    tlsIssuer: letsencrypt\n    loadBalancers: true\n",
    );
    edit(
      root,
      CATALOG,
      "    prod: { replicas: 3 }",
      "    prod: { replicas: 3 }\n    staging: { expose: cluster }",
    );
    const second = await validate(root);
    expect(second.exitCode).toBe(1);
    expect(where(second.diagnostics, "resolve.load-balancer")).toEqual([]);
    expect(where(second.diagnostics, "policy.NET003")).toEqual([
      ["warning", CATALOG, 13, 11],
      ["error", CATALOG, 13, 11],
    ]);
    expect(second.diagnostics.filter((d) => d.code === "policy.NET003").map((d) => d.message)).toEqual([
      expect.stringMatching(
        /^expose: loadBalancer gives catalog a public address on every Service port.*\(in dev\)$/,
      ),
      expect.stringMatching(/exception for NET003 \(in prod\)$/),
    ]);
  });

  it("never prints a credential it finds in a sidecar's env", async () => {
    const root = repo();
    edit(
      root,
      CART,
      /\n {2}env:\n/,
      "\n  sidecars:\n    - name: proxy\n      image: ghcr.io/acme/proxy:1.0.0\n      env: { UPSTREAM_KEY: AKIAZ7QMYKEXAMPLE123 }\n      resources: { cpu: 10m, memory: 32Mi }\n  env:\n",
    );
    const outcome = await run(["validate", "--root", root]);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.stdout).toContain("policy.SEC004");
    expect(outcome.stdout).toContain("sidecars[0] env UPSTREAM_KEY looks like a credential");
    const messages = outcome.stdout.split("\n").filter((line) => !/^\s+\d+ \|/.test(line));
    expect(messages.join("\n")).not.toContain("AKIAZ7QMYKEXAMPLE123");
  });

  it("never prints a credential it finds in env", async () => {
    const root = repo();
    edit(root, CART, /\n {2}env:\n/, "\n  env:\n    AWS_KEY: AKIAZ7QMYKEXAMPLE123\n");
    const outcome = await run(["validate", "--root", root]);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.stdout).toContain("policy.SEC004");
    const messages = outcome.stdout.split("\n").filter((line) => !/^\s+\d+ \|/.test(line));
    expect(messages.join("\n")).not.toContain("AKIAZ7QMYKEXAMPLE123");
  });
});

describe("exceptions", () => {
  const exception = (expires: string, rule = "SEC001", target = "services/cart") =>
    `# yaml-language-server: $schema=../schemas/exceptions.schema.json\n- rule: ${rule}\n  target: ${target}\n  environments: [dev]\n  reason: vendor image until the 2027 rebuild\n  approvedBy: carol\n  expires: ${expires}\n`;

  it("turns a matching denial into a reported waiver, only where it applies", async () => {
    const root = repo();
    edit(root, CART, /image: ghcr\.io\/acme\/cart:\S+/, "image: docker.io/library/redis:7.2.4");
    writeFileSync(join(root, "policies/exceptions.yaml"), exception("2027-01-31"));
    const { diagnostics } = await validate(root);
    const sec = diagnostics.filter((d) => d.code === "policy.SEC001");
    expect(sec.map((d) => d.severity).sort()).toEqual(["error", "error", "warning"]);
    expect(sec.find((d) => d.severity === "warning")?.message).toContain(
      "waived until 2027-01-31 (approved by carol",
    );
  });

  it("reports an expired exception and applies the rule again", async () => {
    const root = repo();
    writeFileSync(join(root, "policies/exceptions.yaml"), exception("2026-01-31"));
    const { exitCode, diagnostics } = await validate(root);
    expect(exitCode).toBe(0);
    expect(diagnostics).toEqual([
      expect.objectContaining({
        code: "policy.exception-expired",
        severity: "warning",
        file: "policies/exceptions.yaml",
        line: 7,
        column: 12,
      }),
    ]);
  });

  it.each([
    [
      "a YAML syntax error",
      "- rule: SEC001\n  target: services/cart\n  reason: {x\n  approvedBy: carol\n",
      ["    4 |   approvedBy: carol", "      |   ^"],
    ],
    [
      "a schema error",
      exception("2027-01-31").replace("reason: vendor", "reasons: vendor"),
      [
        'policies/exceptions.yaml:5:3: error schema.unknown-field: unknown field "reasons" in [0]',
        "    5 |   reasons: vendor image until the 2027 rebuild",
        "      |   ^",
      ],
    ],
    [
      "a governance violation",
      exception("2027-01-31").replace("approvedBy: carol", "approvedBy: alice"),
      ["    6 |   approvedBy: alice", "      |               ^"],
    ],
  ])("prints %s in policies/exceptions.yaml with its source line", async (_name, text, expected) => {
    const root = repo();
    writeFileSync(join(root, "policies/exceptions.yaml"), text);
    const saved = { ...process.env };
    process.env.IDP_TODAY = "2026-11-25";
    try {
      const outcome = await run(["validate", "--root", root]);
      expect(outcome.exitCode).toBe(1);
      expect(outcome.stdout).toContain(expected.join("\n"));
    } finally {
      process.env = saved;
    }
  });

  it.each([
    ["an unknown rule", exception("2027-01-31", "SEC999"), "policy.exception-unknown-rule", 2],
    [
      "an unknown target",
      exception("2027-01-31", "SEC001", "services/nope"),
      "policy.exception-unknown-target",
      3,
    ],
  ])("refuses %s", async (_name, text, code, line) => {
    const root = repo();
    writeFileSync(join(root, "policies/exceptions.yaml"), text);
    const { exitCode, diagnostics } = await validate(root);
    expect(exitCode).toBe(1);
    expect(diagnostics).toEqual([expect.objectContaining({ code, file: "policies/exceptions.yaml", line })]);
  });

  it.each([
    [
      "a folder target",
      exception("2027-01-31", "SEC001", "environments"),
      "policy.exception-folder-target",
      3,
    ],
    [
      "an ownership rule",
      exception("2027-01-31", "OWN002", "teams/platform.yaml"),
      "policy.exception-ownership-rule",
      2,
    ],
    [
      "an approver outside the platform team",
      exception("2027-01-31").replace("approvedBy: carol", "approvedBy: alice"),
      "policy.exception-approver",
      6,
    ],
    ["an expiry more than 90 days ahead", exception("2027-02-24"), "policy.exception-too-long", 7],
  ])("governance: refuses %s, at its line, with a hint", async (_name, text, code, line) => {
    const root = repo();
    writeFileSync(join(root, "policies/exceptions.yaml"), text);
    const { exitCode, diagnostics } = await validate(root);
    expect(exitCode).toBe(1);
    expect(diagnostics).toEqual([
      expect.objectContaining({
        code,
        severity: "error",
        file: "policies/exceptions.yaml",
        line,
        hint: expect.any(String),
      }),
    ]);
  });

  it("governance: accepts an expiry exactly 90 days ahead, and reads the limit from policies/governance.yaml", async () => {
    const root = repo();
    writeFileSync(join(root, "policies/exceptions.yaml"), exception("2027-02-23"));
    expect((await validate(root)).diagnostics.map((d) => d.code)).toEqual(["policy.exception-unused"]);
    writeFileSync(join(root, "policies/governance.yaml"), "exceptions:\n  maxDays: 30\n");
    const { exitCode, diagnostics } = await validate(root);
    expect(exitCode).toBe(1);
    expect(diagnostics).toEqual([
      expect.objectContaining({
        code: "policy.exception-too-long",
        message: expect.stringContaining("more than 30 days after 2026-11-25 (at most 2026-12-25)"),
      }),
    ]);
  });

  it("governance: refuses a limit that is not a number of days", async () => {
    const root = repo();
    writeFileSync(join(root, "policies/governance.yaml"), "exceptions:\n  maxDays: 1000\n");
    const { exitCode, diagnostics } = await validate(root);
    expect(exitCode).toBe(1);
    expect(diagnostics).toEqual([
      expect.objectContaining({
        code: "policy.governance-invalid",
        file: "policies/governance.yaml",
        line: 2,
        column: 12,
      }),
    ]);
  });

  it("reports an exception that waives nothing", async () => {
    const root = repo();
    writeFileSync(join(root, "policies/exceptions.yaml"), exception("2027-01-31"));
    const { exitCode, diagnostics } = await validate(root);
    expect(exitCode).toBe(0);
    expect(diagnostics.map((d) => d.code)).toEqual(["policy.exception-unused"]);
  });
});

describe("the compiled bundle", () => {
  it("is refused when a policy source changed since the build", async () => {
    const root = repo();
    edit(root, "policies/platform/security.rego", "# SEC001: images", "# SEC001 (edited): images");
    const { exitCode, diagnostics } = await validate(root);
    expect(exitCode).toBe(1);
    expect(diagnostics).toEqual([
      expect.objectContaining({
        code: "policy.stale-bundle",
        file: "policies/dist/manifest.json",
        message: expect.stringContaining("policies changed, run npm run policy:build"),
      }),
    ]);
  });

  it("fails closed with exit 2 when the wasm does not load", async () => {
    const root = repo();
    writeFileSync(join(root, "policies/dist/policy.wasm"), "not wasm");
    const manifest = JSON.parse(readFileSync(join(root, "policies/dist/manifest.json"), "utf8"));
    manifest.wasm = execFileSync("sha256sum", [join(root, "policies/dist/policy.wasm")], {
      encoding: "utf8",
    }).split(" ")[0];
    writeFileSync(join(root, "policies/dist/manifest.json"), JSON.stringify(manifest));
    const outcome = await run(["validate", "--root", root]);
    expect(outcome.exitCode).toBe(2);
    expect(outcome.stderr).toContain("does not load");
    expect(outcome.stderr).not.toMatch(/\n\s+at /);
  });

  it("fails closed with exit 2 when the decision is missing from a rebuilt policy", async () => {
    const root = repo();
    // A real policy, compiled by the pinned opa, that lacks the platform/main/findings entrypoint.
    rmSync(join(root, "policies/platform"), { recursive: true });
    writeFileSync(join(root, "policies/other.rego"), 'package other\n\nallow := true\n\nnote := "SEC001"\n');
    execFileSync(
      opa,
      ["build", "-t", "wasm", "-e", "other/allow", "-o", "bundle.tar.gz", "policies/other.rego"],
      { cwd: root },
    );
    execFileSync("tar", ["-xzf", "bundle.tar.gz", "-C", "policies/dist", "/policy.wasm"], { cwd: root });
    const sha = (file: string) =>
      execFileSync("sha256sum", [join(root, file)], { encoding: "utf8" }).split(" ")[0];
    const manifest = {
      entrypoints: ["other/allow"],
      opaVersion: "test",
      sources: { "policies/other.rego": sha("policies/other.rego") },
      wasm: sha("policies/dist/policy.wasm"),
    };
    writeFileSync(join(root, "policies/dist/manifest.json"), JSON.stringify(manifest));
    const outcome = await run(["validate", "--root", root]);
    expect(outcome.exitCode, outcome.stdout).toBe(2);
    expect(outcome.stderr).toContain("has no entrypoint platform/main/findings");
  });
});

describe("a pull request judged against its base (real git history)", () => {
  function git(root: string, ...args: string[]): void {
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.test", ...args], {
      cwd: root,
      stdio: "pipe",
    });
  }

  function pullRequest(): string {
    const root = repo();
    git(root, "init", "-q", "-b", "main");
    git(root, "add", "-A");
    git(root, "commit", "-qm", "base");
    git(root, "checkout", "-q", "-b", "change");
    // A prod-only image bump of cart, and a policy edit, both by someone outside platform.
    edit(
      root,
      CART,
      "    dev: { replicas: 1 }\n",
      "    dev: { replicas: 1 }\n    prod: { image: ghcr.io/acme/cart:0.12.5 }\n",
    );
    edit(root, "policies/exceptions.yaml", "\n[]\n", "\n[] # reviewed\n");
    git(root, "commit", "-qam", "bump cart in prod");
    return root;
  }

  async function judge(root: string, today: string, author: string) {
    const saved = { ...process.env };
    process.env.IDP_TODAY = today;
    try {
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
      return { ...outcome, diagnostics: JSON.parse(outcome.stdout).diagnostics as Reported[] };
    } finally {
      process.env = saved;
    }
  }

  it("denies a prod change inside the freeze window, only for the service and environment that changed", async () => {
    const root = pullRequest();
    const { exitCode, diagnostics } = await judge(root, "2026-12-22", "carol");
    expect(exitCode).toBe(1);
    expect(diagnostics.map((d) => [d.code, d.file, d.message.slice(d.message.lastIndexOf("("))])).toEqual([
      ["policy.CHG001", CART, "(in prod)"],
    ]);
  });

  it("lets the same change through outside the window", async () => {
    const root = pullRequest();
    const { exitCode, diagnostics } = await judge(root, "2026-11-25", "carol");
    expect([exitCode, diagnostics]).toEqual([0, []]);
  });

  it("asks for the platform team on platform files and warns on another team's service", async () => {
    const root = pullRequest();
    const { exitCode, diagnostics } = await judge(root, "2026-11-25", "mallory");
    expect(exitCode).toBe(1);
    expect(diagnostics.map((d) => [d.code, d.severity, d.file])).toEqual([
      ["policy.OWN002", "error", "policies/exceptions.yaml"],
      ["policy.OWN001", "warning", CART],
    ]);
  });

  it("says what to do when the base does not exist", async () => {
    const root = pullRequest();
    const outcome = await run(["validate", "--root", root, "--base", "origin/nope"]);
    expect(outcome.exitCode).toBe(2);
    expect(outcome.stderr).toContain("git could not find where HEAD left origin/nope");
    expect(outcome.stderr).toContain("git fetch");
  });
});
