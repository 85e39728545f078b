import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { run } from "../scripts/run.js";
import { fixtureRepos, snapshotTree } from "./support/fixture-repo.js";

/**
 * Tenant isolation, attack by attack: each attack is performed on a copy of
 * the minimal fixture through the real `idp validate` and `idp render`, and
 * must be refused with exit code 1, its finding code, file and line, and
 * nothing written. The legitimate paths next to them must keep working.
 * docs/threat-model.md ("Tenant isolation") names these tests.
 */

const makeRepo = fixtureRepos("idp-tenant");

const WEB = "services/web/service.yaml";
const DEV = "environments/dev.yaml";
const PROD = "environments/prod.yaml";
const SHOP = "teams/shop.yaml";

const write = (root: string, file: string, text: string) => {
  mkdirSync(join(root, file, ".."), { recursive: true });
  writeFileSync(join(root, file), text);
};
const replace = (root: string, file: string, from: string | RegExp, to: string) => {
  const path = join(root, file);
  const text = readFileSync(path, "utf8");
  const next = text.replace(from, to);
  if (next === text) throw new Error(`fixture edit did not apply: ${String(from)}`);
  writeFileSync(path, next);
};

/** A second team, `name`, shaped like shop. */
const addTeam = (root: string, name: string, extra = "") =>
  write(
    root,
    `teams/${name}.yaml`,
    `apiVersion: idp/v1\nkind: Team\nmetadata:\n  name: ${name}\nspec:\n  github: example/${name}\n  members: [carol]\n${extra}  budget: { monthly: 1000 }\n  contact: { slack: "#${name}" }\n`,
  );

/** A worker service `name` of `team` with the given extra spec lines (indented two spaces). */
const addWorker = (root: string, name: string, team: string, spec = "") =>
  write(
    root,
    `services/${name}/service.yaml`,
    `apiVersion: idp/v1\nkind: Service\nmetadata:\n  name: ${name}\n  team: ${team}\nspec:\n  type: worker\n  image: ghcr.io/example/${name}:1.0.0\n${spec}`,
  );

/** Gives the dev environment a Vault store, rendered per team namespace. */
const useVault = (root: string) =>
  replace(
    root,
    DEV,
    /$/,
    '  secretStore:\n    name: vault\n    vault:\n      server: https://vault.example.test\n      path: secret\n      authMountPath: kubernetes-dev\n      role: "{team}-dev"\n',
  );

// biome-ignore lint/suspicious/noExplicitAny: the tests read deep into rendered JSON whose shape they assert
type Deep = Record<string, any>;
type Rendered = { kind: string; apiVersion: string; metadata: Deep; spec: Deep };

/** The objects of one rendered manifest file. */
function objectsIn(root: string, file: string): Rendered[] {
  return parseAllDocuments(readFileSync(join(root, file), "utf8")).map((d) => d.toJSON() as Rendered);
}

interface Finding {
  code: string;
  file: string;
  line: number;
  column: number;
  message: string;
  severity: "error" | "warning";
  hint?: string;
}

/**
 * Runs `idp validate` and then `idp render` on `root` and expects both to
 * refuse with `code` at `file:line:column`, the render writing nothing.
 */
async function expectRefused(
  root: string,
  expected: { code: string; file: string; line: number; column?: number; message?: string; hint?: string },
): Promise<Finding> {
  const validate = await run(["validate", "--root", root, "--format", "json"]);
  expect(validate.stderr).toBe("");
  expect(validate.exitCode).toBe(1);
  const diagnostics = JSON.parse(validate.stdout).diagnostics as Finding[];
  const found = diagnostics.find((d) => d.code === expected.code);
  expect(found, JSON.stringify(diagnostics, null, 2)).toBeDefined();
  const at = found as Finding;
  expect({ file: at.file, line: at.line }).toEqual({ file: expected.file, line: expected.line });
  if (expected.column !== undefined) expect(at.column).toBe(expected.column);
  if (expected.message) expect(at.message).toContain(expected.message);
  if (expected.hint) expect(at.hint).toContain(expected.hint);
  expect(diagnostics.filter((d) => d.code === expected.code && d.file === expected.file)).toHaveLength(1);

  const before = snapshotTree(root);
  const render = await run(["render", "--root", root, "--format", "json"]);
  expect(render.exitCode).toBe(1);
  const rendered = JSON.parse(render.stdout).diagnostics as Finding[];
  expect(rendered.map((d) => d.code)).toContain(expected.code);
  expect(existsSync(join(root, "manifests"))).toBe(false);
  expect(snapshotTree(root)).toEqual(before);
  return at;
}

async function expectValid(root: string): Promise<void> {
  const outcome = await run(["validate", "--root", root, "--format", "json"]);
  // The fixture's services expose no metrics: the production monitoring rule only warns about that.
  const diagnostics = (JSON.parse(outcome.stdout).diagnostics as Finding[]).filter(
    (d) => !(d.code === "policy.REL005" && d.severity === "warning"),
  );
  expect(diagnostics).toEqual([]);
  expect(outcome.exitCode).toBe(0);
}

describe("tenant isolation: secret references are scoped to the owning team", () => {
  it("refuses a service reading another team's secret (the payments/stripe attack)", async () => {
    const root = makeRepo();
    addTeam(root, "payments");
    replace(root, WEB, "    SESSION_KEY: shop/web#session_key\n", "    STOLEN: payments/stripe#api_key\n");
    await expectRefused(root, {
      code: "resolve.secret-scope",
      file: WEB,
      line: 25,
      column: 13,
      message: "secrets.STOLEN reads payments/stripe, outside what team shop may read (shop/)",
      hint: "secretPrefixes in teams/shop.yaml",
    });
  });

  it("refuses the attack when it hides in one environment's override", async () => {
    const root = makeRepo();
    replace(
      root,
      WEB,
      "      replicas: 1\n",
      "      replicas: 1\n      secrets: { SESSION_KEY: payments/stripe#api_key }\n",
    );
    await expectRefused(root, {
      code: "resolve.secret-scope",
      file: WEB,
      line: 36,
      message: "may read (shop/) in dev",
    });
  });

  it("refuses a prefix that only shares the beginning of a name (shop-admin/ is not shop/)", async () => {
    const root = makeRepo();
    replace(root, WEB, "shop/web#session_key", "shop-admin/web#session_key");
    await expectRefused(root, { code: "resolve.secret-scope", file: WEB, line: 25 });
  });

  it("accepts a team reading its own prefix, and renders it through the team's SecretStore", async () => {
    const root = makeRepo();
    useVault(root);
    await expectValid(root);
    const render = await run(["render", "--root", root, "--verify"]);
    expect(render.stderr).toBe("");
    expect(render.exitCode).toBe(0);

    const externalSecret = objectsIn(root, "manifests/dev/web/manifest.yaml").find(
      (o) => o.kind === "ExternalSecret",
    );
    expect(externalSecret?.apiVersion).toBe("external-secrets.io/v1");
    expect(externalSecret?.metadata.namespace).toBe("shop-dev");
    expect(externalSecret?.spec.secretStoreRef).toEqual({ kind: "SecretStore", name: "vault" });

    const platform = objectsIn(root, "manifests/dev/_platform/manifest.yaml");
    const stores = platform.filter((o) => o.kind === "SecretStore");
    expect(stores).toHaveLength(1);
    expect(stores[0]?.metadata).toMatchObject({
      name: "vault",
      namespace: "shop-dev",
      annotations: { "idp/secret-prefixes": "shop/" },
    });
    expect(stores[0]?.spec.provider.vault.auth.kubernetes).toEqual({
      mountPath: "kubernetes-dev",
      role: "shop-dev",
      serviceAccountRef: { name: "vault" },
    });
    expect(platform.filter((o) => o.kind === "ServiceAccount").map((o) => o.metadata.name)).toEqual([
      "vault",
    ]);

    // prod declares no store: the reference is still namespaced, to a store the platform team provides
    const prodSecret = objectsIn(root, "manifests/prod/web/manifest.yaml").find(
      (o) => o.kind === "ExternalSecret",
    );
    expect(prodSecret?.spec.secretStoreRef).toEqual({ kind: "SecretStore", name: "secrets" });
    const everything = [...readdirSync(join(root, "manifests"), { recursive: true })]
      .map(String)
      .filter((f) => f.endsWith(".yaml"))
      .flatMap((f) => objectsIn(root, join("manifests", f)));
    expect(everything.filter((o) => o.kind === "ClusterSecretStore")).toEqual([]);
  });

  it("accepts a team granted an extra prefix, and still refuses what it was not granted", async () => {
    const root = makeRepo();
    replace(root, SHOP, "  budget:", "  secretPrefixes: [shop/, shared/stripe/]\n  budget:");
    replace(
      root,
      WEB,
      "    SESSION_KEY: shop/web#session_key\n",
      "    SESSION_KEY: shop/web#session_key\n    STRIPE: shared/stripe#publishable_key\n",
    );
    await expectValid(root);
    replace(root, WEB, "shared/stripe#publishable_key", "shared/github#token");
    await expectRefused(root, {
      code: "resolve.secret-scope",
      file: WEB,
      line: 26,
      message: "outside what team shop may read (shop/, shared/stripe/)",
    });
  });

  it("refuses a team's Slack webhook under another team's prefix, and accepts its own", async () => {
    const root = makeRepo();
    addTeam(root, "payments");
    useVault(root);
    replace(root, SHOP, "  budget:", "  alerts: { slackWebhook: shop/alerting#slack_webhook }\n  budget:");
    await expectValid(root);
    replace(root, SHOP, "shop/alerting#slack_webhook", "payments/alerting#slack_webhook");
    const found = await expectRefused(root, {
      code: "resolve.secret-scope",
      file: SHOP,
      line: 10,
      column: 27,
      message: "alerts.slackWebhook reads payments/alerting, outside what team shop may read (shop/)",
      hint: "secretPrefixes in teams/shop.yaml",
    });
    expect(found.severity).toBe("error");
  });

  it("refuses a Vault role without {team}: every team's store would log in as one role", async () => {
    const root = makeRepo();
    useVault(root);
    replace(root, DEV, 'role: "{team}-dev"', "role: apps-dev");
    await expectRefused(root, {
      code: "schema.pattern",
      file: DEV,
      line: 32,
      column: 13,
      message: "must contain {team} exactly once",
    });
  });

  it("refuses an environment asking for a shared ClusterSecretStore", async () => {
    const root = makeRepo();
    useVault(root);
    replace(root, DEV, "    name: vault\n", "    name: vault\n    kind: ClusterSecretStore\n");
    await expectRefused(root, {
      code: "schema.unknown-field",
      file: DEV,
      line: 28,
      column: 5,
      message: 'unknown field "kind" in spec.secretStore',
    });
  });

  it("refuses a malformed prefix in the team file, in plain words", async () => {
    const root = makeRepo();
    replace(root, SHOP, "  budget:", "  secretPrefixes: [shop]\n  budget:");
    await expectRefused(root, {
      code: "schema.pattern",
      file: SHOP,
      line: 10,
      message: "must be a secret store path prefix",
    });
  });
});

describe("tenant isolation: reserved team and namespace names", () => {
  it.each([
    ["kube-ops", "kube-*"],
    ["default", "default"],
    ["argocd", "argocd"],
    ["flux-system", "flux-system"],
    ["external-secrets", "external-secrets"],
    ["crossplane-system", "crossplane-system"],
    ["cert-manager", "cert-manager"],
    ["ingress-nginx", "ingress-nginx"],
  ])("refuses the team name %s", async (name, reserved) => {
    const root = makeRepo();
    addTeam(root, name);
    await expectRefused(root, {
      code: "resolve.reserved-name",
      file: `teams/${name}.yaml`,
      line: 4,
      column: 9,
      message: `collides with the system or controller namespace ${reserved}`,
    });
  });

  it("refuses a namespace template that makes a team namespace a system namespace", async () => {
    const root = makeRepo();
    replace(root, DEV, 'namespace: "{team}-dev"', 'namespace: "kube-{team}"');
    await expectRefused(root, {
      code: "resolve.reserved-namespace",
      file: DEV,
      line: 8,
      column: 14,
      message: 'gives "kube-shop" for team shop in dev',
    });
  });

  it("refuses a team whose namespace is the environment's own GitOps namespace", async () => {
    const root = makeRepo();
    replace(root, PROD, "gitops: { repoURL:", "gitops: { namespace: ops, repoURL:");
    addTeam(root, "ops");
    await expectRefused(root, {
      code: "resolve.reserved-namespace",
      file: PROD,
      line: 9,
      message: 'gives "ops" for team ops in prod',
    });
  });

  it("refuses a namespace template without {team}: every team would share one namespace", async () => {
    const root = makeRepo();
    replace(root, DEV, 'namespace: "{team}-dev"', "namespace: apps-dev");
    await expectRefused(root, { code: "resolve.shared-namespace", file: DEV, line: 8, column: 14 });
  });
});

describe("tenant isolation: service names are DNS-1035 labels", () => {
  it.each([
    ["9web", "must be a DNS-1035 label: start with a lowercase letter"],
    ["web-", "must be a DNS-1035 label"],
    ["2fa", "must be a DNS-1035 label"],
  ])("refuses the service name %s in plain words", async (name, message) => {
    const root = makeRepo();
    addWorker(root, name, "shop");
    await expectRefused(root, {
      code: "schema.pattern",
      file: `services/${name}/service.yaml`,
      line: 4,
      column: 9,
      message,
    });
  });

  it("refuses a service name over 40 characters", async () => {
    const root = makeRepo();
    const name = `a${"b".repeat(40)}`;
    addWorker(root, name, "shop");
    await expectRefused(root, { code: "schema.maxLength", file: `services/${name}/service.yaml`, line: 4 });
  });
});

describe("tenant isolation: rendered object names never collide in a namespace", () => {
  const postgres = (name: string) => `  dependencies:\n    ${name}: { type: postgres, size: small }\n`;

  it.each([
    ["secrets", "web-secrets", "web's ExternalSecret and Secret"],
    ["env", "web-env", "web's ConfigMap of plain variables"],
  ])("refuses a dependency named %s (its claim would be %s)", async (dependency, name, what) => {
    const root = makeRepo();
    replace(
      root,
      WEB,
      "    db: { type: postgres, size: small }\n",
      `    db: { type: postgres, size: small }\n    ${dependency}: { type: postgres, size: small }\n`,
    );
    await expectRefused(root, {
      code: "resolve.name-collision",
      file: WEB,
      line: 32,
      column: 5,
      message: `dependency ${dependency} would be named ${name}, which is already ${what} in the same namespace in dev and prod`,
      hint: "rename the dependency",
    });
  });

  it("refuses service a-b with dependency c next to service a with dependency b-c (both a-b-c)", async () => {
    const root = makeRepo();
    addWorker(root, "a", "shop", postgres("b-c"));
    addWorker(root, "a-b", "shop", postgres("c"));
    await expectRefused(root, {
      code: "resolve.name-collision",
      file: "services/a-b/service.yaml",
      line: 10,
      column: 5,
      message: "dependency c would be named a-b-c, which is already a's dependency b-c",
    });
  });

  it("refuses a service named like another service's ConfigMap (web-env next to web)", async () => {
    const root = makeRepo();
    addWorker(root, "web-env", "shop");
    await expectRefused(root, {
      code: "resolve.name-collision",
      file: "services/web-env/service.yaml",
      line: 4,
      column: 9,
      message:
        "service web-env takes the name web-env for web-env's workload, Service and NetworkPolicy, which is already web's ConfigMap of plain variables (services/web/service.yaml)",
      hint: "rename the service",
    });
  });

  it.each([
    ["default-deny", "the namespace's default-deny NetworkPolicy"],
    ["secrets", "the team's SecretStore and its ServiceAccount"],
  ])("refuses a service named %s, a platform object of every team namespace", async (name, what) => {
    const root = makeRepo();
    addWorker(root, name, "shop");
    await expectRefused(root, {
      code: "resolve.name-collision",
      file: `services/${name}/service.yaml`,
      line: 4,
      message: `which is already ${what}`,
    });
  });

  it("accepts the same names in different teams' namespaces", async () => {
    const root = makeRepo();
    addTeam(root, "ops");
    addWorker(root, "a", "shop", postgres("b-c"));
    addWorker(root, "a-b", "ops", postgres("c"));
    await expectValid(root);
  });
});

describe("environments sharing a cluster never own the same objects", () => {
  const PROD_CLUSTER = "cluster: { name: prod-1, server: https://prod-1.k8s.example.test }";
  const ON_DEV_CLUSTER = "cluster: { name: dev-1, server: https://dev-1.k8s.example.test }";

  it("refuses two environments on one cluster that both define a claim kind", async () => {
    const root = makeRepo();
    replace(root, PROD, PROD_CLUSTER, ON_DEV_CLUSTER);
    await expectRefused(root, {
      code: "resolve.shared-cluster",
      file: PROD,
      line: 7,
      message:
        "prod and dev both run on cluster https://dev-1.k8s.example.test and both define the claim kind database.example.test/PostgreSQLInstance",
      hint: "give each environment its own cluster",
    });
  });

  it("refuses two environments on one cluster whose team namespaces are the same", async () => {
    const root = makeRepo();
    replace(root, PROD, PROD_CLUSTER, ON_DEV_CLUSTER);
    replace(root, PROD, 'namespace: "{team}"', 'namespace: "{team}-dev"');
    await expectRefused(root, {
      code: "resolve.shared-cluster",
      file: PROD,
      line: 7,
      message: "and the namespace shop-dev",
    });
  });

  it("accepts environments on one cluster with their own namespaces and claim kinds", async () => {
    const root = makeRepo();
    replace(root, PROD, PROD_CLUSTER, ON_DEV_CLUSTER);
    replace(root, PROD, "kind: PostgreSQLInstance", "kind: ProdPostgreSQLInstance");
    await expectValid(root);
  });
});
