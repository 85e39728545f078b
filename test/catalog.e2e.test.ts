/**
 * `idp catalog --out DIR`: the example repository's Backstage catalog against
 * its golden files, every entity judged by @backstage/catalog-model's own
 * policies and kind validators (here, independently of the generator's own
 * check), hostile values, and the refusals.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import {
  componentEntityV1alpha1Validator,
  DefaultNamespaceEntityPolicy,
  type Entity,
  EntityPolicies,
  FieldFormatEntityPolicy,
  groupEntityV1alpha1Validator,
  locationEntityV1alpha1Validator,
  NoForeignRootFieldsEntityPolicy,
  resourceEntityV1alpha1Validator,
  SchemaValidEntityPolicy,
  userEntityV1alpha1Validator,
} from "@backstage/catalog-model";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { buildCatalog } from "../scripts/catalog/entities.js";
import { requireAcceptedEntities } from "../scripts/catalog/validate-entities.js";
import { ToolError } from "../scripts/errors.js";
import { run } from "../scripts/run.js";
import { edit, temporaryFolders } from "./support/suite.js";

const ROOT = join(import.meta.dirname, "..");
const GOLDEN = join(import.meta.dirname, "golden-catalog");
/** `UPDATE_GOLDEN=1 npx vitest run test/catalog.e2e.test.ts` rewrites test/golden-catalog/. */
const UPDATE = process.env.UPDATE_GOLDEN === "1" && process.env.CI !== "true";
const temps = temporaryFolders();

function temp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** A copy of the example repository (no git needed: the catalog reads the files). */
function copyExamples(prepare?: (root: string) => void): string {
  const root = temp("idp-catalog-repo-");
  for (const folder of ["environments", "teams", "services", "schemas", "policies"])
    cpSync(join(ROOT, folder), join(root, folder), { recursive: true });
  prepare?.(root);
  return root;
}

/** Every file under `dir`, relative, with its text. */
function readTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.set(relative(dir, path).split("\\").join("/"), readFileSync(path, "utf8"));
    }
  };
  walk(dir);
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The entities of every YAML document of every file, with the file they are in. */
function entitiesOf(tree: ReadonlyMap<string, string>): Array<{ file: string; entity: Entity }> {
  return [...tree].flatMap(([file, text]) =>
    parseAllDocuments(text).map((document) => {
      expect(document.errors).toEqual([]);
      return { file, entity: document.toJS() as Entity };
    }),
  );
}

/** A service like search (which has no dependencies) named `name`, of `team`, with `dependencies` (flow YAML). */
function addService(root: string, name: string, team: string, dependencies: string): void {
  mkdirSync(join(root, "services", name));
  const search = readFileSync(join(root, "services/search/service.yaml"), "utf8");
  writeFileSync(
    join(root, "services", name, "service.yaml"),
    search
      .replace("name: search", `name: ${name}`)
      .replace("team: storefront", `team: ${team}`)
      .replace("  calls: [catalog]\n", `  calls: [catalog]\n  dependencies: ${dependencies}\n`),
  );
}

async function catalog(root: string, out: string, ...flags: string[]) {
  return run(["catalog", "--root", root, "--out", out, ...flags], root);
}

/** What Backstage's catalog does on ingestion: its default policies, then one built-in kind validator must accept. */
const POLICY = EntityPolicies.allOf([
  new SchemaValidEntityPolicy(),
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
]);
const KINDS = [
  componentEntityV1alpha1Validator,
  resourceEntityV1alpha1Validator,
  groupEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
  locationEntityV1alpha1Validator,
];

async function backstageRefuses(entity: Entity): Promise<string | undefined> {
  try {
    const checked = await POLICY.enforce(structuredClone(entity));
    if (!checked) return "no policy accepted it";
    for (const kind of KINDS) if (await kind.check(checked)) return undefined;
    return "no kind validator accepted it";
  } catch (caught) {
    return String(caught);
  }
}

describe("idp catalog on the example repository", () => {
  it("writes the golden catalog (test/golden-catalog/)", async () => {
    const out = join(temp("idp-catalog-out-"), "catalog");
    const result = await catalog(ROOT, out);
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(
      "wrote 32 entities (1 Location, 4 Group, 12 User, 8 Component, 7 Resource) in 14 files",
    );
    const tree = readTree(out);
    if (UPDATE) {
      rmSync(GOLDEN, { recursive: true, force: true });
      for (const [file, text] of tree) {
        mkdirSync(dirname(join(GOLDEN, file)), { recursive: true });
        writeFileSync(join(GOLDEN, file), text);
      }
    }
    expect(tree).toEqual(readTree(GOLDEN));
  });

  it("says what the model says (intent, so a golden refresh cannot hide a regression)", async () => {
    const out = join(temp("idp-catalog-out-"), "catalog");
    expect((await catalog(ROOT, out)).exitCode).toBe(0);
    const tree = readTree(out);
    const all = entitiesOf(tree);
    const find = (kind: string, name: string) =>
      all.find((e) => e.entity.kind === kind && e.entity.metadata.name === name)?.entity;
    // The entry: a Location listing every other file, each of which exists.
    const location = entitiesOf(new Map([["catalog-info.yaml", tree.get("catalog-info.yaml") ?? ""]]));
    expect(location.map((e) => e.entity.kind)).toEqual(["Location"]);
    const targets = (location[0]?.entity.spec as { targets?: string[] } | undefined)?.targets ?? [];
    expect(targets.map((t) => t.replace(/^\.\//, "")).sort()).toEqual(
      [...tree.keys()].filter((f) => f !== "catalog-info.yaml").sort(),
    );
    expect(find("Component", "checkout")?.spec).toEqual({
      type: "service",
      lifecycle: "production",
      owner: "group:payments",
      dependsOn: ["resource:checkout-orders-db", "component:cart", "component:catalog", "component:payments"],
    });
    expect(find("Component", "search")?.spec?.lifecycle).toBe("experimental");
    expect(find("Component", "email-worker")?.spec?.type).toBe("worker");
    expect(find("Component", "nightly-report")?.spec?.type).toBe("cron-job");
    expect(find("Resource", "checkout-orders-db")?.spec).toEqual({
      type: "postgres",
      owner: "group:payments",
      dependencyOf: ["component:checkout"],
    });
    expect(find("Component", "checkout")?.metadata.annotations).toMatchObject({
      "backstage.io/view-url": "https://github.com/acme/platform/blob/main/services/checkout/service.yaml",
      "backstage.io/edit-url": "https://github.com/acme/platform/edit/main/services/checkout/service.yaml",
      "backstage.io/source-location": "url:https://github.com/acme/platform/tree/main/services/checkout/",
    });
    expect(find("Component", "checkout")?.metadata.links).toEqual([
      { url: "https://acme.github.io/platform/services/checkout.html", title: "Portal" },
    ]);
    expect(find("Group", "payments")?.spec).toMatchObject({
      type: "team",
      profile: { email: "payments@acme.example" },
      members: ["user:alice", "user:bob", "user:farah"],
    });
    expect(find("User", "alice")?.spec?.memberOf).toEqual(["group:payments"]);
  });

  it("every entity passes @backstage/catalog-model's policies and kind validators, and every reference resolves", async () => {
    const out = join(temp("idp-catalog-out-"), "catalog");
    expect((await catalog(ROOT, out)).exitCode).toBe(0);
    const all = entitiesOf(readTree(out));
    expect(all.length).toBe(32);
    const refused = [];
    for (const { file, entity } of all) {
      const why = await backstageRefuses(entity);
      if (why) refused.push(`${file} ${entity.kind} ${entity.metadata.name}: ${why}`);
    }
    expect(refused).toEqual([]);
    const names = new Set(all.map((e) => `${e.entity.kind.toLowerCase()}:${e.entity.metadata.name}`));
    const refs = all.flatMap(({ entity }) => {
      const spec = entity.spec as Record<string, unknown>;
      return ["owner", "dependsOn", "dependencyOf", "members", "memberOf"].flatMap((f) =>
        spec[f] === undefined ? [] : ([] as unknown[]).concat(spec[f]).map(String),
      );
    });
    expect(refs.length).toBeGreaterThan(30);
    expect(refs.filter((ref) => !names.has(ref))).toEqual([]);
  });

  it("the validators used above do refuse a broken entity (the check can fail)", async () => {
    const component: Entity = {
      apiVersion: "backstage.io/v1alpha1",
      kind: "Component",
      metadata: { name: "ok" },
      spec: { type: "service", lifecycle: "production", owner: "group:a" },
    };
    expect(await backstageRefuses(component)).toBeUndefined();
    expect(
      await backstageRefuses({ ...component, spec: { type: "service", lifecycle: "production" } }),
    ).toMatch(/owner/);
    expect(await backstageRefuses({ ...component, metadata: { name: "not a name" } })).toMatch(
      /metadata\.name/,
    );
    expect(
      await backstageRefuses({ ...component, metadata: { name: "ok", links: [{ url: "nope" }] } }),
    ).toMatch(/links/);
  });
});

describe("the README's example", () => {
  it("`npx idp catalog --out catalog` prints what the Backstage catalog section shows, and writes there", async () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("\n## Backstage catalog\n"));
    const example = section.match(/```sh\n\$ npx idp (catalog [^\n]*)\n([\s\S]*?)```/);
    if (!example?.[1] || example[2] === undefined)
      throw new Error("no example in the README's Backstage catalog section");
    const repo = copyExamples();
    const result = await run([...example[1].split(" "), "--root", repo], repo);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(example[2]);
    expect(readFileSync(join(repo, "catalog/catalog-info.yaml"), "utf8")).toMatch(
      /^# generated by idp catalog/,
    );
  });
});

describe("hostile values stay data", () => {
  const HOSTILE =
    '<script>alert(1)</script>\n---\nkind: Location\nspec: { target: "https://evil.example" } # x';

  it("a description with <script>, a document separator and YAML round-trips as one string; validators pass", async () => {
    const root = copyExamples((r) =>
      edit(
        r,
        "services/checkout/service.yaml",
        "description: Takes orders and charges cards",
        `description: ${JSON.stringify(HOSTILE)}`,
      ),
    );
    const out = join(temp("idp-catalog-out-"), "catalog");
    const result = await catalog(root, out);
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    const tree = readTree(out);
    const documents = entitiesOf(
      new Map([["services/checkout.yaml", tree.get("services/checkout.yaml") ?? ""]]),
    );
    expect(documents.map((d) => d.entity.kind)).toEqual(["Component", "Resource"]);
    expect(documents[0]?.entity.metadata.description).toBe(HOSTILE);
    expect(entitiesOf(tree).filter((e) => e.entity.kind === "Location")).toHaveLength(1);
    for (const { entity } of documents) expect(await backstageRefuses(entity)).toBeUndefined();
  });

  it("a login spelt Alice in one team and alice in another is one User in both teams (Backstage ignores case)", async () => {
    const root = copyExamples((r) =>
      edit(r, "teams/data.yaml", "members: [kofi, lena]", "members: [kofi, lena, Alice]"),
    );
    const out = join(temp("idp-catalog-out-"), "catalog");
    const result = await catalog(root, out);
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    const users = entitiesOf(readTree(out)).filter((e) => e.entity.kind === "User");
    const alices = users.filter((u) => u.entity.metadata.name.toLowerCase() === "alice");
    expect(alices).toHaveLength(1);
    expect(alices[0]?.entity.spec?.memberOf).toEqual(["group:data", "group:payments"]);
  });

  it("requireAcceptedEntities names each entity Backstage would refuse (exit 2 in the CLI)", async () => {
    const files = buildCatalog({
      teams: [
        { name: "a", file: "teams/a.yaml", github: "acme/a", members: ["x"], contact: { slack: "#a" } },
      ],
      services: [],
    });
    await expect(requireAcceptedEntities(files)).resolves.toBeUndefined();
    const group = files.find((f) => f.path === "teams/a.yaml")?.entities[0];
    if (!group) throw new Error("no group");
    (group.spec as Record<string, unknown>).children = "not a list";
    const refused = requireAcceptedEntities(files);
    await expect(refused).rejects.toBeInstanceOf(ToolError);
    await expect(refused).rejects.toThrow(/group:default\/a in teams\/a\.yaml: .*children/);
  });
});

describe("refusals and settings", () => {
  it("a Resource name over 63 characters is an error on the dependency's line; nothing is written", async () => {
    const service = `search-${"x".repeat(33)}`;
    const dependency = "d".repeat(30);
    const root = copyExamples((r) =>
      addService(r, service, "storefront", `{ ${dependency}: { type: redis } }`),
    );
    const out = join(temp("idp-catalog-out-"), "catalog");
    const result = await catalog(root, out, "--format", "json");
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.diagnostics).toEqual([
      expect.objectContaining({
        code: "catalog.resource-name",
        severity: "error",
        file: `services/${service}/service.yaml`,
        line: 18,
        message: `the catalog names this dependency's Resource ${service}-${dependency} (71 characters); Backstage takes at most 63`,
      }),
    ]);
    expect(existsSync(out)).toBe(false);
  });

  it("two services of different teams whose <service>-<dependency> names agree are refused", async () => {
    // payments' cart-sessions with a dependency cache, storefront's cart with one named sessions-cache.
    const root = copyExamples((r) => {
      addService(r, "cart-sessions", "payments", "{ cache: { type: redis } }");
      edit(
        r,
        "services/cart/service.yaml",
        "sessions: { type: redis }",
        "sessions: { type: redis }\n    sessions-cache: { type: redis }",
      );
    });
    const result = await catalog(root, join(temp("idp-catalog-out-"), "catalog"), "--format", "json");
    const report = JSON.parse(result.stdout);
    expect(report.diagnostics).toEqual([
      expect.objectContaining({
        code: "catalog.resource-name",
        severity: "error",
        message: expect.stringContaining("Resource cart-sessions-cache, which a dependency in services/"),
      }),
    ]);
    expect(result.exitCode).toBe(1);
  });

  it("an invalid repository writes nothing and exits 1 with its findings", async () => {
    const root = copyExamples((r) =>
      edit(r, "services/cart/service.yaml", "team: storefront", "team: nobody"),
    );
    const out = join(temp("idp-catalog-out-"), "catalog");
    const result = await catalog(root, out);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain("resolve.unknown-team");
    expect(result.stdout).toContain("catalog refused");
    expect(existsSync(out)).toBe(false);
  });

  it("source links: --repo-url wins; a gitops repoURL that is not https gives a warning and no links; a bad --repo-url is a usage error", async () => {
    const out = join(temp("idp-catalog-out-"), "catalog");
    expect(
      (await catalog(ROOT, out, "--repo-url", "https://ghe.acme.example/platform/idp.git/")).exitCode,
    ).toBe(0);
    expect(readFileSync(join(out, "services/cart.yaml"), "utf8")).toContain(
      "backstage.io/view-url: https://ghe.acme.example/platform/idp/blob/main/services/cart/service.yaml",
    );
    const bad = await catalog(ROOT, out, "--repo-url", "http://github.com/acme/platform");
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain("--repo-url is a http: URL, not https:");
    const ssh = copyExamples((r) => {
      for (const env of ["dev", "staging", "prod"])
        edit(
          r,
          `environments/${env}.yaml`,
          "repoURL: https://github.com/acme/platform.git",
          "repoURL: git@github.com:acme/platform.git",
        );
    });
    const result = await catalog(ssh, out, "--format", "json");
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.diagnostics).toEqual([
      expect.objectContaining({
        code: "catalog.repository-url",
        severity: "warning",
        file: "environments/dev.yaml",
      }),
    ]);
    const written = readTree(out);
    expect([...written.values()].join("\n")).not.toContain("backstage.io/view-url");
    for (const { entity } of entitiesOf(written)) expect(await backstageRefuses(entity)).toBeUndefined();
  });

  it("--out replaces an earlier catalog (files of removed services go) and refuses a folder of other files", async () => {
    const base = temp("idp-catalog-out-");
    const out = join(base, "catalog");
    expect((await catalog(ROOT, out)).exitCode).toBe(0);
    const fewer = copyExamples((r) => rmSync(join(r, "services/search"), { recursive: true }));
    expect((await catalog(fewer, out)).exitCode).toBe(0);
    expect(existsSync(join(out, "services/search.yaml"))).toBe(false);
    expect(existsSync(join(out, "services/cart.yaml"))).toBe(true);
    const other = join(base, "other");
    mkdirSync(other);
    writeFileSync(join(other, "notes.txt"), "mine");
    const refused = await catalog(ROOT, other);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain("is a folder with other files in it");
    expect(readFileSync(join(other, "notes.txt"), "utf8")).toBe("mine");
    const inside = await catalog(ROOT, ROOT);
    expect(inside.exitCode).toBe(2);
    expect(inside.stderr).toContain("holds the repository");
  });

  it("without portal.url in policies/governance.yaml the entities carry no portal links", async () => {
    const root = copyExamples((r) => {
      const file = join(r, "policies/governance.yaml");
      writeFileSync(file, readFileSync(file, "utf8").replace(/^portal:\n.*\n/m, ""));
    });
    const out = join(temp("idp-catalog-out-"), "catalog");
    expect((await catalog(root, out)).exitCode).toBe(0);
    expect([...readTree(out).values()].join("\n")).not.toContain("acme.github.io");
  });
});
