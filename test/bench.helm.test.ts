import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse, parseDocument, stringify } from "yaml";
import { compareObjects, type KubeObjectData, parseObjects } from "../bench/compare-objects.js";
import { generateRepository } from "../bench/generate-repository.js";
import { helmValues } from "../bench/helm-values.js";
import { idpEntryPoint, repositoryRoot } from "../bench/paths.js";
import { validateRepository } from "../scripts/model/validate-repository.js";

const deployment = (hash: string, image = "ghcr.io/acme/a:1.0.0"): KubeObjectData => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "a", namespace: "team-dev" },
  spec: {
    template: {
      metadata: { annotations: { "idp/config-hash": hash, "idp/source": "services/a/service.yaml" } },
      spec: { containers: [{ name: "app", image }] },
    },
  },
});
const account = (name: string): KubeObjectData => ({
  apiVersion: "v1",
  kind: "ServiceAccount",
  metadata: { name, namespace: "team-dev" },
});

describe("compareObjects", () => {
  it("counts objects equal as data, the config hash's value aside, and keys by apiVersion, kind, namespace and name", () => {
    const result = compareObjects(
      [deployment("aaa"), account("a")],
      parseObjects(
        // Another key order and YAML style, another hash: still identical.
        "---\n# Source: chart/templates/workload.yaml\nkind: ServiceAccount\napiVersion: v1\nmetadata: {namespace: team-dev, name: a}\n---\n" +
          JSON.stringify(deployment("bbb")),
      ),
    );
    expect(result).toMatchObject({ identical: 2, differing: [], onlyInFirst: [], onlyInSecond: [] });
    expect(result.kinds).toEqual({ Deployment: 1, ServiceAccount: 1 });
  });

  it("lists each differing object with the paths and both values, and objects only one side has", () => {
    const missingHash = deployment("x", "ghcr.io/acme/a:2.0.0") as {
      spec: { template: { metadata: { annotations: Record<string, string> } } };
    };
    delete missingHash.spec.template.metadata.annotations["idp/config-hash"];
    const result = compareObjects(
      [deployment("aaa"), account("a"), account("b")],
      [missingHash as KubeObjectData, account("a"), account("c")],
    );
    expect(result.identical).toBe(1);
    expect(result.differing).toEqual([
      {
        key: "apps/v1/Deployment team-dev/a",
        paths: [
          '/spec/template/metadata/annotations/idp/config-hash: "(computed)" ≠ (absent)',
          '/spec/template/spec/containers/0/image: "ghcr.io/acme/a:1.0.0" ≠ "ghcr.io/acme/a:2.0.0"',
        ],
      },
    ]);
    expect(result.onlyInFirst).toEqual(["v1/ServiceAccount team-dev/b"]);
    expect(result.onlyInSecond).toEqual(["v1/ServiceAccount team-dev/c"]);
  });

  it("reports a key rendered twice, and a list in another order", () => {
    const twice = compareObjects([account("a")], [account("a"), account("a")]);
    expect(twice.differing).toEqual([
      { key: "v1/ServiceAccount team-dev/a", paths: ["(the key appears more than once)"] },
    ]);
    const reordered = compareObjects(
      [{ ...account("a"), secrets: [{ name: "x" }, { name: "y" }] }],
      [{ ...account("a"), secrets: [{ name: "y" }, { name: "x" }] }],
    );
    expect(reordered.differing[0]?.paths).toEqual([
      '/secrets/0/name: "x" ≠ "y"',
      '/secrets/1/name: "y" ≠ "x"',
    ]);
  });
});

// The chart's values come from the resolved services: what needs other services or placeholders is
// precomputed by idp's own code, so it must match what idp rendered into the committed manifests.
describe("helmValues", () => {
  const root = repositoryRoot();
  const validated = validateRepository(root);
  const rendered = (environment: string, service: string) =>
    parseObjects(readFileSync(path.join(root, "manifests", environment, service, "manifest.yaml"), "utf8"));
  const contexts = validated.environments.map((environment) => ({
    environment,
    services: validated.services.filter((s) => s.environment === environment.name),
    teams: validated.teams,
  }));

  it.each(contexts.map((c) => [c.environment.name, c]))(
    "matches the committed manifests of %s",
    (_, context) => {
      const values = helmValues(context);
      expect(values.services.map((s) => s.name)).toEqual(context.services.map((s) => s.name));
      for (const service of values.services) {
        const objects = rendered(context.environment.name, service.name);
        const configMap = objects.find(
          (o) => o.kind === "ConfigMap" && (o.metadata as { name: string }).name === `${service.name}-env`,
        );
        expect(configMap?.data ?? {}, service.name).toEqual(service.config);
        const workload = objects.find((o) => o.kind === "Deployment" || o.kind === "CronJob") as {
          spec: { template?: unknown; jobTemplate?: { spec: { template: unknown } } };
        };
        const template = (workload.spec.template ?? workload.spec.jobTemplate?.spec.template) as {
          spec: { containers: { env?: unknown[] }[] };
        };
        const env = service.env.map((v) =>
          "secretName" in v
            ? { name: v.name, valueFrom: { secretKeyRef: { name: v.secretName, key: v.key } } }
            : v,
        );
        expect(template.spec.containers[0]?.env ?? [], service.name).toEqual(env);
        const policy = objects.find((o) => o.kind === "NetworkPolicy") as {
          spec: { ingress?: { from?: { podSelector?: { matchLabels: Record<string, string> } }[] }[] };
        };
        const callers = (policy.spec.ingress ?? [])
          .flatMap((rule) => rule.from ?? [])
          .flatMap((peer) =>
            peer.podSelector ? [peer.podSelector.matchLabels["app.kubernetes.io/name"]] : [],
          );
        expect(callers, service.name).toEqual(service.callers.map((c) => c.name));
      }
    },
  );
});

// With Helm built (tools/helm.sh; the benchmark builds it, CI does not), the chart renders exactly
// idp's objects: for the examples (files, sidecars, volumes, egress, exec, gRPC and header probes,
// gateway routes) and for a generated repository with the workload fields (init containers, TCP probes).
const helm = path.join(repositoryRoot(), ".tools", "bin", "helm");
describe.skipIf(!existsSync(helm))("the benchmark's Helm chart", () => {
  const scratch = mkdtempSync(path.join(tmpdir(), "idp-helm-chart-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  const renderBoth = (root: string) => {
    const validated = validateRepository(root);
    const ours: KubeObjectData[] = [];
    const theirs: KubeObjectData[] = [];
    for (const environment of validated.environments) {
      const values = path.join(scratch, `${environment.name}.json`);
      const context = {
        environment,
        services: validated.services.filter((s) => s.environment === environment.name),
        teams: validated.teams,
      };
      writeFileSync(values, JSON.stringify(helmValues(context)));
      const output = execFileSync(
        helm,
        [
          "template",
          environment.name,
          path.join(repositoryRoot(), "bench", "helm", "chart"),
          "--values",
          values,
        ],
        { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
      );
      theirs.push(...parseObjects(output));
      for (const folder of readdirSync(path.join(root, "manifests", environment.name))) {
        if (folder !== "_platform")
          ours.push(
            ...parseObjects(
              readFileSync(path.join(root, "manifests", environment.name, folder, "manifest.yaml"), "utf8"),
            ),
          );
      }
    }
    return { ours, theirs };
  };

  // The chart has no monitoring templates (nor the metrics port and the
  // scraper's ingress rule monitoring adds), so both sides judge a copy of
  // the examples with monitoring off, as the benchmark generates its repository.
  const examplesWithoutMonitoring = (root: string): void => {
    for (const folder of ["services", "teams", "environments", "schemas", "policies"]) {
      cpSync(path.join(repositoryRoot(), folder), path.join(root, folder), { recursive: true });
    }
    for (const name of readdirSync(path.join(root, "environments"))) {
      const file = path.join(root, "environments", name);
      const document = parseDocument(readFileSync(file, "utf8"));
      document.setIn(["spec", "observability"], { enabled: false });
      writeFileSync(file, document.toString());
    }
    // REL005 denies an unscraped critical service in prod: waive it, as the generator does.
    const approvedBy = parse(readFileSync(path.join(root, "teams", "platform.yaml"), "utf8")).spec.members[0];
    const critical = readdirSync(path.join(root, "services")).filter(
      (name) =>
        parse(readFileSync(path.join(root, "services", name, "service.yaml"), "utf8")).metadata.tier ===
        "critical",
    );
    expect(critical.length).toBeGreaterThan(0);
    const expires = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const waivers = critical.map((name) => ({
      rule: "REL005",
      target: `services/${name}`,
      environments: ["prod"],
      reason: "the Helm chart comparison renders the examples without monitoring",
      approvedBy,
      expires,
    }));
    writeFileSync(path.join(root, "policies", "exceptions.yaml"), stringify(waivers));
    execFileSync(process.execPath, [idpEntryPoint(), "render", "--root", root], { stdio: "pipe" });
  };

  it("renders the same objects as idp for the examples, monitoring off", () => {
    const root = path.join(scratch, "examples");
    examplesWithoutMonitoring(root);
    const { ours, theirs } = renderBoth(root);
    expect(ours.length).toBeGreaterThan(100);
    expect({ ...compareObjects(ours, theirs), kinds: {} }).toEqual({
      identical: ours.length,
      differing: [],
      onlyInFirst: [],
      onlyInSecond: [],
      kinds: {},
    });
  });

  it("renders the same objects as idp for a generated repository with the workload fields", () => {
    const root = path.join(scratch, "generated");
    generateRepository(root, {
      services: 60,
      workloadFields: true,
      policiesFrom: true,
      observability: "none",
    });
    execFileSync(process.execPath, [idpEntryPoint(), "render", "--root", root], { stdio: "pipe" });
    const { ours, theirs } = renderBoth(root);
    const kinds = compareObjects(ours, theirs).kinds;
    expect(Object.keys(kinds)).toEqual(
      expect.arrayContaining(["CronJob", "HorizontalPodAutoscaler", "Ingress"]),
    );
    expect({ ...compareObjects(ours, theirs), kinds: {} }).toEqual({
      identical: ours.length,
      differing: [],
      onlyInFirst: [],
      onlyInSecond: [],
      kinds: {},
    });
  });
});

// tools/helm.sh refuses to build when these disagree; this says so before anyone runs the benchmark.
describe("tools/helm/go.mod", () => {
  it("requires helm.sh/helm/v4 at HELM_VERSION of tools/versions.env, as its tool", () => {
    const root = repositoryRoot();
    const version = /^HELM_VERSION=(\S+)$/m.exec(
      readFileSync(path.join(root, "tools", "versions.env"), "utf8"),
    )?.[1];
    const goMod = readFileSync(path.join(root, "tools", "helm", "go.mod"), "utf8");
    expect(version).toMatch(/^v4\.\d+\.\d+$/);
    expect(goMod).toMatch(
      new RegExp(`^\\s*helm\\.sh/helm/v4 ${version?.replaceAll(".", "\\.")}( // indirect)?$`, "m"),
    );
    expect(goMod).toMatch(/^tool helm\.sh\/helm\/v4\/cmd\/helm$/m);
  });
});
