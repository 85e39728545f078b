import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { run } from "../scripts/run.js";
import { isValidScore } from "../scripts/score/score-schema.js";
import { snapshotTree } from "./support/fixture-repo.js";

const ROOT = join(import.meta.dirname, "..");
const SOURCES = JSON.parse(readFileSync(join(ROOT, "upstream/score/sources.json"), "utf8")) as {
  projects: { name: string; files: { path: string }[] }[];
};
/** Every upstream Score file, relative to the repository root. */
const EXAMPLES = SOURCES.projects.flatMap((p) =>
  p.files.filter((f) => f.path.endsWith(".yaml")).map((f) => `upstream/score/${p.name}/${f.path}`),
);
const BOUTIQUE = "upstream/score/examples/samples/onlineboutique";
/** The Online Boutique services whose every field maps (the other four are refused below, with the reason). */
const BOUTIQUE_MAPPABLE = [
  "ad",
  "currency",
  "email",
  "payment",
  "productcatalog",
  "recommendation",
  "shipping",
];
const BOUTIQUE_REGISTRY = "us-central1-docker.pkg.dev/google-samples";

/** What importing each upstream file alone gives: `imported`, or its errors. Refreshed by UPDATE_GOLDEN=1. */
const OUTCOMES_FILE = join(ROOT, "test/fixtures/score/import-outcomes.json");
const UPDATE = process.env.UPDATE_GOLDEN === "1" && process.env.CI !== "true";

const temps: string[] = [];
let template = "";
const savedToday = process.env.IDP_TODAY;

/**
 * A repository with the examples' environments, teams, schemas and policies
 * and no services (the Online Boutique's checkout and cart would clash with
 * the examples' own). Its platform team allows the Online Boutique's registry,
 * as a platform team adopting those images would; everything else is as the
 * examples have it.
 */
beforeAll(() => {
  process.env.IDP_TODAY = "2026-11-25";
  template = mkdtempSync(join(tmpdir(), "idp-score-template-"));
  for (const folder of ["environments", "teams", "schemas", "policies"])
    cpSync(join(ROOT, folder), join(template, folder), { recursive: true });
  mkdirSync(join(template, "services"));
  for (const env of ["dev", "staging", "prod"]) {
    const file = join(template, "environments", `${env}.yaml`);
    const text = readFileSync(file, "utf8").replace(
      /registries: \[([^\]]*)\]/,
      `registries: [$1, ${BOUTIQUE_REGISTRY}]`,
    );
    expect(text).toContain(BOUTIQUE_REGISTRY);
    writeFileSync(file, text);
  }
});
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});
afterAll(() => {
  rmSync(template, { recursive: true, force: true });
  if (savedToday === undefined) delete process.env.IDP_TODAY;
  else process.env.IDP_TODAY = savedToday;
});

function repository(): string {
  const root = mkdtempSync(join(tmpdir(), "idp-score-"));
  temps.push(root);
  cpSync(template, root, { recursive: true });
  return root;
}

interface JsonDiagnostic {
  severity: string;
  code: string;
  message: string;
  file: string;
  line: number;
  column: number;
}

/** `idp import score` in-process (the same argv parsing as the CLI), with its JSON report. */
async function importScore(root: string, files: readonly string[], ...flags: string[]) {
  const outcome = await run(
    ["import", "score", "--root", root, "--format", "json", ...flags, ...files],
    ROOT,
  );
  const report = JSON.parse(outcome.stdout) as { diagnostics: JsonDiagnostic[] };
  const errors = report.diagnostics
    .filter((d) => d.severity === "error")
    .map((d) => `${d.file}:${d.line}:${d.column} ${d.code} ${d.message}`);
  return { ...outcome, errors };
}

async function exportScore(root: string, service: string, out: string) {
  return run(["export", "score", service, "--root", root, "--out", out], ROOT);
}

describe("idp import score on every upstream example, each file alone", () => {
  const outcomes: Record<string, string[] | "imported"> = UPDATE
    ? {}
    : JSON.parse(readFileSync(OUTCOMES_FILE, "utf8"));

  it.each(EXAMPLES)("%s", async (file) => {
    const root = repository();
    const before = snapshotTree(root);
    const result = await importScore(root, [file], "--team", "storefront");
    const outcome = result.exitCode === 0 ? "imported" : result.errors;
    if (UPDATE) outcomes[file] = outcome;
    else expect(outcome).toEqual(outcomes[file]);
    if (result.exitCode !== 0) {
      expect(result.exitCode).toBe(1);
      expect(snapshotTree(root)).toEqual(before);
    }
  });

  afterAll(() => {
    if (!UPDATE) return;
    mkdirSync(dirname(OUTCOMES_FILE), { recursive: true });
    writeFileSync(OUTCOMES_FILE, `${JSON.stringify(outcomes, null, 2)}\n`);
  });

  it("records an outcome for every upstream file, and nothing else", () => {
    if (UPDATE) return;
    const recorded = JSON.parse(readFileSync(OUTCOMES_FILE, "utf8")) as Record<string, unknown>;
    expect(Object.keys(recorded).sort()).toEqual([...EXAMPLES].sort());
  });
});

describe("what the outcomes say (a refreshed outcome file cannot hide these)", () => {
  const recorded = () =>
    JSON.parse(readFileSync(OUTCOMES_FILE, "utf8")) as Record<string, string[] | "imported">;
  const errorsOf = (file: string) => recorded()[`upstream/score/${file}`] as string[];

  it.each([
    [
      "score-compose/examples/03-files/score.yaml",
      "15:18 score.unmappable containers.hello.files./fileB.txt.content: file content has the placeholder ${metadata.name}, which Score expands and the platform does not",
    ],
    [
      "score-compose/examples/03-files/score.yaml",
      "13:17 score.unmappable containers.hello.files./fileA.txt.source: a file from source is not supported: a service file holds its files' content",
    ],
    [
      "score-compose/examples/05-volume-mounts/score.yaml",
      "9:5 score.unmappable containers.first.volumes: Score volumes are not supported: a Score volume is whatever the provisioner makes (often persistent), and the platform's volumes are scratch directories emptied with the pod",
    ],
    [
      "score-compose/examples/04-multiple-workloads/score.yaml",
      "11:3 score.unmappable containers.second.resources: container second needs CPU and memory requests: a pod's requests are the sum of its containers'",
    ],
    [
      "score-compose/examples/01-hello/score.yaml",
      "10:12 score.unmappable containers.hello.image: image busybox has no tag or digest",
    ],
    [
      "score-compose/examples/12-mysql-database/score.yaml",
      "14:11 score.unmappable resources.db.type: Score resource type mysql has no dependency class here",
    ],
    [
      "examples/samples/onlineboutique/cart/score.yaml",
      "10:19 score.unmappable containers.cart.variables.REDIS_ADDR: ${resources.redis-cart.username} asks for username, which the redis class does not provide",
    ],
  ])("%s is refused at the field: %s", (file, error) => {
    expect(errorsOf(file)).toContain(`upstream/score/${file}:${error}`);
  });

  it("no longer refuses probe headers (frontend), a secret inside a longer value (cart) or inline files (09-dns-and-route)", () => {
    const all = Object.values(recorded()).flatMap((o) => (o === "imported" ? [] : o));
    expect(all.filter((e) => /httpHeaders|longer value|not supported yet/.test(e))).toEqual([]);
    expect(errorsOf("score-compose/examples/09-dns-and-route/score.yaml").join("\n")).not.toContain("files");
  });

  it("refuses a latest tag through the real policy, at the imported file's line", () => {
    expect(errorsOf("score-compose/examples/04-multiple-workloads/score2.yaml")).toContain(
      "services/hello-world-2/service.yaml:9:10 policy.SEC002 image nginx:latest uses the tag latest, which changes under you; use a version tag such as 1.4.2 (or a @sha256: digest) (in dev, staging and prod)",
    );
  });

  it("imports exactly the Online Boutique services that call nothing refused", () => {
    const imported = Object.entries(recorded())
      .filter(([, outcome]) => outcome === "imported")
      .map(([file]) => file);
    // recommendation calls productcatalog: alone it is refused (the called service does not exist yet).
    expect(imported).toEqual(
      BOUTIQUE_MAPPABLE.filter((s) => s !== "recommendation").map((s) => `${BOUTIQUE}/${s}/score.yaml`),
    );
  });
});

describe("the Online Boutique, a multi-service application", () => {
  const mappable = BOUTIQUE_MAPPABLE.map((s) => `${BOUTIQUE}/${s}/score.yaml`);

  it("imports its mappable services together; they pass idp validate and render", async () => {
    const root = repository();
    const result = await importScore(root, mappable, "--team", "storefront");
    expect(result.errors).toEqual([]);
    expect(result.exitCode).toBe(0);
    for (const name of BOUTIQUE_MAPPABLE) {
      const text = readFileSync(join(root, `services/${name}/service.yaml`), "utf8");
      expect(text.split("\n")[0]).toBe("# yaml-language-server: $schema=../../schemas/service.schema.json");
      expect(existsSync(join(root, `manifests/prod/${name}/manifest.yaml`))).toBe(true);
    }
    const recommendation = parse(readFileSync(join(root, "services/recommendation/service.yaml"), "utf8"));
    expect(recommendation.spec.env.PRODUCT_CATALOG_SERVICE_ADDR).toBe("${calls.productcatalog.host}:3550");
    expect(recommendation.spec.calls).toEqual(["productcatalog"]);
    expect(recommendation.spec.ports).toEqual([
      { name: "grpc", port: 8080, targetPort: 8080, protocol: "grpc" },
    ]);
    expect(recommendation.spec.resources).toEqual({
      cpu: "10m",
      memory: "50Mi",
      limits: { cpu: "30m", memory: "70Mi" },
    });
    const validated = await run(["validate", "--root", root], ROOT);
    expect(validated.stdout).toContain("valid: 7 services");
    expect(validated.exitCode).toBe(0);
    const rendered = await run(["render", "--check", "--root", root], ROOT);
    expect(rendered.exitCode).toBe(0);
  });

  it("refuses the whole application, writing nothing, and names every unmappable field", async () => {
    const root = repository();
    const before = snapshotTree(root);
    const all = EXAMPLES.filter((f) => f.startsWith(BOUTIQUE));
    expect(all).toHaveLength(11);
    const result = await importScore(root, all, "--team", "storefront");
    expect(result.exitCode).toBe(1);
    expect(
      result.errors.every((e) => e.startsWith(`${BOUTIQUE}/cart/`) || e.startsWith(`${BOUTIQUE}/frontend/`)),
    ).toBe(true);
    expect(result.errors).toHaveLength(4);
    expect(snapshotTree(root)).toEqual(before);
  });

  it("refuses checkout, which calls the refused cart, with validate's own message", async () => {
    const root = repository();
    expect((await importScore(root, mappable, "--team", "storefront")).exitCode).toBe(0);
    const result = await importScore(root, [`${BOUTIQUE}/checkout/score.yaml`], "--team", "storefront");
    expect(result.exitCode).toBe(1);
    expect(result.errors).toContain(
      'services/checkout/service.yaml:30:7 resolve.unknown-service calls names "cart", which is not a service',
    );
    expect(existsSync(join(root, "services/checkout"))).toBe(false);
  });

  it.each(BOUTIQUE_MAPPABLE)(
    "round trip of %s: import → export → import gives the same bytes",
    async (name) => {
      const root = repository();
      expect((await importScore(root, mappable, "--team", "storefront")).exitCode).toBe(0);
      const first = readFileSync(join(root, `services/${name}/service.yaml`), "utf8");
      const out = join(root, `${name}.score.yaml`);
      const exported = await exportScore(root, name, out);
      expect(exported.exitCode).toBe(0);
      const score = parse(readFileSync(out, "utf8"));
      expect(isValidScore(score)).toBe(true);
      // No --team: the owner travels in the idp/team annotation.
      const again = await importScore(root, [out], "--force");
      expect(again.errors).toEqual([]);
      expect(again.exitCode).toBe(0);
      expect(readFileSync(join(root, `services/${name}/service.yaml`), "utf8")).toBe(first);
    },
  );
});

/**
 * Upstream examples with only what is still refused edited out (pinned
 * images from an allowed registry, requests for a second container, no dns
 * resource and route, no username/password outputs): what they newly carry
 * imports, passes validate and render, and round-trips byte for byte.
 */
describe("idp import score on upstream examples with their other refusals edited out", () => {
  const cases: [string, string, [string | RegExp, string][], (spec: Record<string, unknown>) => void][] = [
    [
      "cart",
      `${BOUTIQUE}/cart/score.yaml`,
      [[/,user=.*password}/, ""]],
      (spec) =>
        expect(spec.env).toEqual({
          REDIS_ADDR: "${dependencies.redis-cart.host}:${dependencies.redis-cart.port}",
        }),
    ],
    [
      "hello-world",
      "upstream/score/score-compose/examples/04-multiple-workloads/score.yaml",
      [
        [/"nginx:latest"/g, "ghcr.io/acme/nginx:1.27.0"],
        [/variables:/g, "resources: { requests: { cpu: 20m, memory: 32Mi } }\n    variables:"],
      ],
      (spec) =>
        expect(spec.sidecars).toEqual([
          {
            name: "second",
            image: "ghcr.io/acme/nginx:1.27.0",
            env: { NGINX_PORT: "8081" },
            resources: { cpu: "20m", memory: "32Mi" },
          },
        ]),
    ],
    [
      "hello-world",
      "upstream/score/score-compose/examples/09-dns-and-route/score.yaml",
      [
        ["image: nginx", "image: ghcr.io/acme/nginx:1.27.0"],
        [/resources:[\s\S]*$/, ""], // a dns resource and a route to its made-up host
      ],
      (spec) =>
        expect(spec.files).toEqual([
          { path: "/usr/share/nginx/html/my/fizz/path/index.html", content: "fizz" },
          { path: "/usr/share/nginx/html/my/buzz/path/index.html", content: "buzz" },
        ]),
    ],
  ];

  it.each(cases)("%s from %s", async (name, file, edits, check) => {
    const root = repository();
    let text = readFileSync(join(ROOT, file), "utf8");
    for (const [from, to] of edits) {
      const edited = text.replace(from, to);
      expect(edited).not.toBe(text);
      text = edited;
    }
    const source = join(root, "edited.score.yaml");
    writeFileSync(source, text);
    const result = await importScore(root, [source], "--team", "storefront");
    expect(result.errors).toEqual([]);
    expect(result.exitCode).toBe(0);
    const first = readFileSync(join(root, `services/${name}/service.yaml`), "utf8");
    check(parse(first).spec);
    expect((await run(["validate", "--root", root], ROOT)).exitCode).toBe(0);
    expect((await run(["render", "--check", "--root", root], ROOT)).exitCode).toBe(0);
    const out = join(root, "exported.score.yaml");
    expect((await exportScore(root, name, out)).exitCode).toBe(0);
    expect(isValidScore(parse(readFileSync(out, "utf8")))).toBe(true);
    expect((await importScore(root, [out], "--force")).exitCode).toBe(0);
    expect(readFileSync(join(root, `services/${name}/service.yaml`), "utf8")).toBe(first);
  });
});

describe("idp import score: guard rails", () => {
  const ad = `${BOUTIQUE}/ad/score.yaml`;

  it("refuses to overwrite an existing service without --force, at the workload's name", async () => {
    const root = repository();
    expect((await importScore(root, [ad], "--team", "storefront")).exitCode).toBe(0);
    const before = snapshotTree(root);
    const result = await importScore(root, [ad], "--team", "payments");
    expect(result.exitCode).toBe(1);
    expect(result.errors).toEqual([
      `${ad}:3:9 score.exists the service ad already exists (services/ad/service.yaml)`,
    ]);
    expect(snapshotTree(root)).toEqual(before);
    const forced = await importScore(root, [ad], "--team", "payments", "--force");
    expect(forced.exitCode).toBe(0);
    expect(parse(readFileSync(join(root, "services/ad/service.yaml"), "utf8")).metadata.team).toBe(
      "payments",
    );
  });

  it("needs an owner: --team or the idp/team annotation", async () => {
    const root = repository();
    const result = await importScore(root, [ad]);
    expect(result.exitCode).toBe(1);
    expect(result.errors).toEqual([
      `${ad}:2:1 score.unmappable metadata: a Score workload names no owner, and every service needs one`,
    ]);
  });

  it("refuses an unknown team as a usage error (exit 2)", async () => {
    const result = await run(["import", "score", "--root", repository(), "--team", "nobody", ad], ROOT);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('the team "nobody" does not exist');
  });

  it("checks the file against the Score schema first, with file:line:column", async () => {
    const root = repository();
    const file = join(root, "bad.score.yaml");
    writeFileSync(
      file,
      "apiVersion: score.dev/v1b1\nmetadata:\n  name: bad\ncontainers:\n  main:\n    image: ghcr.io/acme/x:1.0.0\n    imagePullPolicy: Always\n",
    );
    const outcome = await run(["import", "score", "--root", root, "--team", "storefront", file], root);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.stdout).toContain(
      'bad.score.yaml:7:5: error score.schema.unknown-field: unknown field "imagePullPolicy" in containers.main',
    );
    expect(outcome.stdout).toContain(
      "import refused: the Score files above cannot be imported; nothing was written",
    );
    expect(existsSync(join(root, "services/bad"))).toBe(false);
  });
});
