import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { EnvironmentModel, ResolvedService } from "../../model/resolved.js";
import { type ValidatedRepository, validateRepository } from "../../model/validate-repository.js";
import type { RenderContext } from "../context.js";
import type { KubeObject } from "../kube-object.js";
import { renderPlatform } from "./platform-chart.js";

const ROOT = join(import.meta.dirname, "../../..");
const repository = validateRepository(ROOT);

function contextFor(repo: ValidatedRepository, env: EnvironmentModel): RenderContext {
  return {
    environment: env,
    services: repo.services.filter((s) => s.environment === env.name),
    teams: repo.teams,
  };
}

function only(objects: readonly KubeObject[], kind: string, name: string, namespace?: string): KubeObject {
  const found = objects.filter(
    (o) =>
      o.kind === kind &&
      o.metadata.name === name &&
      (namespace === undefined || o.metadata.namespace === namespace),
  );
  expect(found, `${kind} ${namespace ?? ""}/${name}`).toHaveLength(1);
  return found[0] as KubeObject;
}

// biome-ignore lint/suspicious/noExplicitAny: the tests read deep into rendered JSON whose shape they assert
const spec = (o: KubeObject) => o.spec as Record<string, any>;

describe("the example repository", () => {
  it("validates without errors", () => {
    expect(repository.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(repository.environments.map((e) => e.name)).toEqual(["dev", "staging", "prod"]);
  });

  describe.each(repository.environments.map((env) => [env.name, env] as const))("%s", (_name, env) => {
    const context = contextFor(repository, env);
    const objects = renderPlatform(context);
    const teams = repository.teams.map((t) => t.name).sort();
    const namespaceOf = (team: string) => env.spec.namespace.replace("{team}", team);

    it("has one Namespace per team, labelled for Pod Security restricted", () => {
      const namespaces = objects.filter((o) => o.kind === "Namespace");
      expect(namespaces.map((n) => n.metadata.name)).toEqual(teams.map(namespaceOf));
      for (const [i, ns] of namespaces.entries()) {
        expect(ns.metadata.namespace).toBeUndefined();
        expect(ns.metadata.labels).toMatchObject({
          "pod-security.kubernetes.io/enforce": "restricted",
          "pod-security.kubernetes.io/audit": "restricted",
          "pod-security.kubernetes.io/warn": "restricted",
          "idp/team": teams[i],
          "idp/environment": env.name,
          "app.kubernetes.io/managed-by": "idp",
        });
        expect(ns.metadata.annotations?.["idp/source"]).toBe(
          `environments/${env.name}.yaml,teams/${teams[i]}.yaml`,
        );
      }
    });

    it("gives every team namespace the environment's quota, limit range and a default deny", () => {
      const quota = env.spec.quota;
      expect(quota).toBeDefined();
      for (const team of teams) {
        const namespace = namespaceOf(team);
        expect(spec(only(objects, "ResourceQuota", "quota", namespace)).hard).toEqual({
          "requests.cpu": quota?.cpu,
          "requests.memory": quota?.memory,
          "limits.memory": quota?.memory,
          pods: quota?.pods,
        });
        expect(spec(only(objects, "LimitRange", "limits", namespace)).limits).toEqual([
          {
            type: "Container",
            defaultRequest: {
              cpu: env.spec.defaults.resources.cpu,
              memory: env.spec.defaults.resources.memory,
            },
            default: { memory: env.spec.defaults.resources.memory },
            max: { cpu: env.spec.limits?.maxCpu, memory: env.spec.limits?.maxMemory },
          },
        ]);
        const deny = spec(only(objects, "NetworkPolicy", "default-deny", namespace));
        expect(deny.podSelector).toEqual({});
        expect([...deny.policyTypes].sort()).toEqual(["Egress", "Ingress"]);
        expect(deny.ingress).toBeUndefined();
        expect(deny.egress).toBeUndefined();
      }
    });

    it("gives every team namespace exactly one SecretStore, logging in to Vault as the team's own role", () => {
      const stores = objects.filter((o) => o.kind === "SecretStore");
      expect(stores.map((o) => o.metadata.namespace)).toEqual(teams.map(namespaceOf));
      expect(objects.filter((o) => o.kind === "ClusterSecretStore")).toEqual([]);
      for (const team of teams) {
        const namespace = namespaceOf(team);
        const store = only(objects, "SecretStore", "vault", namespace);
        expect(store.apiVersion).toBe("external-secrets.io/v1");
        const granted = repository.teams.find((t) => t.name === team)?.spec.secretPrefixes ?? [`${team}/`];
        expect(store.metadata.annotations?.["idp/secret-prefixes"]).toBe(granted.join(","));
        expect(spec(store).provider.vault).toEqual({
          server: "https://vault.acme.example",
          path: "secret",
          version: "v2",
          auth: {
            kubernetes: {
              mountPath: `kubernetes-${env.name}`,
              role: `${team}-${env.name}`,
              serviceAccountRef: { name: "vault" },
            },
          },
        });
        const account = only(objects, "ServiceAccount", "vault", namespace);
        expect(account.automountServiceAccountToken).toBe(false);
      }
    });

    it("gives every team an AppProject that allows only its namespace and the repository", () => {
      for (const team of teams) {
        const project = only(objects, "AppProject", `${team}-${env.name}`, "argocd");
        expect(spec(project).destinations).toEqual([
          { server: env.spec.cluster.server, namespace: namespaceOf(team) },
        ]);
        expect(spec(project).sourceRepos).toEqual([env.spec.gitops.repoURL]);
        expect(spec(project).clusterResourceWhitelist).toEqual([]);
        expect(spec(project).namespaceResourceBlacklist).toBeUndefined();
        const kinds = (spec(project).namespaceResourceWhitelist as { group: string; kind: string }[]).map(
          (k) => `${k.group}/${k.kind}`,
        );
        for (const kind of [
          "apps/Deployment",
          "/Service",
          "batch/CronJob",
          "external-secrets.io/ExternalSecret",
        ]) {
          expect(kinds).toContain(kind);
        }
        for (const sizes of Object.values(env.spec.dependencyClasses ?? {})) {
          for (const c of Object.values(sizes)) {
            if (!("claim" in c)) continue;
            const { claim } = c;
            expect(kinds).toContain(`${claim.apiVersion.split("/")[0]}/${claim.kind}`);
          }
        }
        expect(kinds).not.toContain("/Secret");
        // a team's own manifests may not bring a store of their own: only _platform renders stores
        expect(kinds).not.toContain("external-secrets.io/SecretStore");
        expect(kinds).not.toContain("external-secrets.io/ClusterSecretStore");
        expect(kinds.filter((k) => k.includes("Role"))).toEqual([]);
      }
    });

    it("generates exactly the environment's services, each in its team's project and namespace", () => {
      const applicationSets = objects.filter((o) => o.kind === "ApplicationSet");
      const generated: string[] = [];
      for (const set of applicationSets) {
        const s = spec(set);
        const team = set.metadata.labels?.["idp/team"] ?? "";
        expect(set.metadata.name).toBe(`${team}-${env.name}-services`);
        expect(s.goTemplate).toBe(true);
        expect(s.goTemplateOptions).toEqual(["missingkey=error"]);
        expect(s.generators).toHaveLength(1);
        const git = s.generators[0].git;
        expect(git.repoURL).toBe(env.spec.gitops.repoURL);
        expect(git.revision).toBe(env.spec.gitops.revision ?? "main");
        for (const { path } of git.directories as { path: string }[]) {
          const name = path.replace(`manifests/${env.name}/`, "");
          expect(path).toBe(`manifests/${env.name}/${name}`);
          expect(context.services.find((x) => x.name === name)?.team).toBe(team);
          generated.push(name);
        }
        const template = s.template;
        expect(template.metadata.name).toBe(`${env.name}-{{.path.basename}}`);
        expect(template.metadata.annotations).toEqual({ "argocd.argoproj.io/manifest-generate-paths": "." });
        expect(template.spec.project).toBe(`${team}-${env.name}`);
        expect(template.spec.source).toEqual({
          repoURL: env.spec.gitops.repoURL,
          targetRevision: env.spec.gitops.revision ?? "main",
          path: "{{.path.path}}",
        });
        expect(template.spec.destination).toEqual({
          server: env.spec.cluster.server,
          namespace: namespaceOf(team),
        });
        expect(template.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
        expect(template.spec.syncPolicy.syncOptions).toContain("CreateNamespace=false");
      }
      expect(generated.sort()).toEqual(context.services.map((s) => s.name).sort());
      expect(generated.length).toBeGreaterThan(0);
    });

    it("has a self-managed platform Application on manifests/<env>/_platform", () => {
      const application = only(objects, "Application", `${env.name}-platform`, "argocd");
      expect(spec(application).project).toBe(`${env.name}-platform`);
      expect(spec(application).source).toEqual({
        repoURL: env.spec.gitops.repoURL,
        targetRevision: env.spec.gitops.revision ?? "main",
        path: `manifests/${env.name}/_platform`,
      });
      expect(spec(application).destination.server).toBe(env.spec.cluster.server);
      expect(spec(application).syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
      const project = spec(only(objects, "AppProject", `${env.name}-platform`, "argocd"));
      expect(project.clusterResourceWhitelist).toEqual([
        { group: "", kind: "Namespace" },
        { group: "apiextensions.k8s.io", kind: "CustomResourceDefinition" },
        { group: "apiextensions.crossplane.io", kind: "CompositeResourceDefinition" },
      ]);
      expect(project.destinations.map((d: { namespace: string }) => d.namespace)).toEqual([
        "argocd",
        ...teams.map(namespaceOf),
      ]);
    });

    it("labels every object and keeps the documented order", () => {
      for (const o of objects) {
        expect(o.metadata.labels).toMatchObject({
          "app.kubernetes.io/managed-by": "idp",
          "idp/environment": env.name,
        });
        expect(o.metadata.annotations?.["idp/source"]).toMatch(
          new RegExp(`^environments/${env.name}\\.yaml`),
        );
      }
      const claimKinds = new Set(
        Object.values(env.spec.dependencyClasses ?? {}).flatMap((sizes) =>
          Object.values(sizes).flatMap((c) =>
            "claim" in c ? [`${c.claim.apiVersion}/${c.claim.kind}`] : [],
          ),
        ),
      );
      const definitions = [
        "CompositeResourceDefinition",
        "CustomResourceDefinition",
        "CustomResourceDefinition",
      ];
      const all = objects.map((o) => o.kind);
      expect(all.slice(0, definitions.length * claimKinds.size)).toEqual(
        [...claimKinds].flatMap(() => definitions),
      );
      for (const o of objects.slice(0, definitions.length * claimKinds.size)) {
        expect(o.metadata.annotations?.["argocd.argoproj.io/sync-wave"]).toBe("-1");
      }
      const kinds = all.slice(definitions.length * claimKinds.size);
      const perTeam = [
        "Namespace",
        "ResourceQuota",
        "LimitRange",
        "NetworkPolicy",
        "ServiceAccount",
        "SecretStore",
      ];
      // then its alert routing (and the Slack webhook's ExternalSecret), and its overview dashboard
      // when it has services here
      const teamKinds = teams.flatMap((name) => [
        ...perTeam,
        ...(repository.teams.find((t) => t.name === name)?.spec.alerts?.slackWebhook
          ? ["ExternalSecret"]
          : []),
        "AlertmanagerConfig",
        ...(context.services.some((s) => s.team === name && s.environment === env.name) ? ["ConfigMap"] : []),
      ]);
      expect(kinds.slice(0, teamKinds.length)).toEqual(teamKinds);
      expect(kinds.slice(teamKinds.length)).toEqual([
        "AppProject",
        ...teams.map(() => "AppProject"),
        ...objects.filter((o) => o.kind === "ApplicationSet").map(() => "ApplicationSet"),
        "Application",
      ]);
    });

    it("is deterministic", () => {
      const again = renderPlatform({ ...context, teams: [...context.teams].reverse() });
      expect(JSON.stringify(again)).toBe(JSON.stringify(objects));
    });
  });

  it("leaves search out of prod, where it is disabled", () => {
    const prod = repository.environments.find((e) => e.name === "prod") as EnvironmentModel;
    const paths = renderPlatform(contextFor(repository, prod))
      .filter((o) => o.kind === "ApplicationSet")
      .flatMap((o) => spec(o).generators[0].git.directories.map((d: { path: string }) => d.path));
    expect(paths).not.toContain("manifests/prod/search");
    expect(paths).toContain("manifests/prod/checkout");
  });
});

describe("renderPlatform edge cases", () => {
  const dev = repository.environments[0] as EnvironmentModel;

  it("renders no ResourceQuota without a quota, and no ApplicationSet for a team without services", () => {
    const environment = { ...dev, spec: { ...dev.spec, quota: undefined } };
    const objects = renderPlatform({
      environment,
      services: contextFor(repository, dev).services.filter((s) => s.team !== "data"),
      teams: repository.teams,
    });
    expect(objects.filter((o) => o.kind === "ResourceQuota")).toEqual([]);
    expect(objects.filter((o) => o.kind === "ApplicationSet").map((o) => o.metadata.name)).not.toContain(
      "data-dev-services",
    );
    expect(objects.filter((o) => o.kind === "AppProject").map((o) => o.metadata.name)).toContain("data-dev");
  });

  it("uses the gitops defaults: revision main, namespace argocd", () => {
    const environment = {
      ...dev,
      spec: { ...dev.spec, gitops: { repoURL: "https://git.example/platform.git" } },
    };
    const objects = renderPlatform({ ...contextFor(repository, dev), environment });
    const application = only(objects, "Application", "dev-platform", "argocd");
    expect(spec(application).source.targetRevision).toBe("main");
    expect(spec(application).source.repoURL).toBe("https://git.example/platform.git");
  });

  it("refuses a service whose Application would take the platform Application's name", () => {
    const context = contextFor(repository, dev);
    const cart = context.services.find((s) => s.name === "cart") as ResolvedService;
    const services = [...context.services, { ...cart, name: "platform" }];
    expect(() => renderPlatform({ ...context, services })).toThrow(
      "two objects of environment dev would both be Application argocd/dev-platform",
    );
  });
});

describe("a Flux environment", () => {
  const root = mkdtempSync(join(tmpdir(), "idp-platform-flux-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  for (const folder of ["environments", "teams", "services", "schemas"]) {
    cpSync(join(ROOT, folder), join(root, folder), { recursive: true });
  }
  const file = join(root, "environments/staging.yaml");
  writeFileSync(
    file,
    readFileSync(file, "utf8").replace(
      / {2}gitops:\n( {4}.*\n)+/,
      "  gitops: { controller: flux, repoURL: https://github.com/acme/platform.git }\n",
    ),
  );
  const repo = validateRepository(root);
  const staging = repo.environments.find((e) => e.name === "staging") as EnvironmentModel;
  const context = contextFor(repo, staging);
  const objects = renderPlatform(context);

  it("is valid and renders no Argo CD object", () => {
    expect(repo.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(staging.spec.gitops.controller).toBe("flux");
    expect(objects.filter((o) => o.apiVersion.startsWith("argoproj.io/"))).toEqual([]);
  });

  it("reads the repository through one GitRepository and applies _platform with it", () => {
    const source = only(objects, "GitRepository", "platform", "flux-system");
    expect(source.apiVersion).toBe("source.toolkit.fluxcd.io/v1");
    expect(spec(source)).toMatchObject({
      url: "https://github.com/acme/platform.git",
      ref: { branch: "main" },
    });
    const platform = only(objects, "Kustomization", "staging-platform", "flux-system");
    expect(spec(platform)).toMatchObject({
      path: "./manifests/staging/_platform",
      prune: true,
      sourceRef: { kind: "GitRepository", name: "platform", namespace: "flux-system" },
    });
    expect(spec(platform).serviceAccountName).toBeUndefined();
  });

  it("applies each service with its team's account into its team's namespace", () => {
    const kustomizations = objects.filter(
      (o) => o.kind === "Kustomization" && o.metadata.name !== "staging-platform",
    );
    expect(kustomizations.map((k) => k.metadata.name)).toEqual(
      context.services.map((s) => `staging-${s.name}`).sort(),
    );
    for (const k of kustomizations) {
      const service = context.services.find(
        (s) => `staging-${s.name}` === k.metadata.name,
      ) as ResolvedService;
      expect(k.apiVersion).toBe("kustomize.toolkit.fluxcd.io/v1");
      expect(k.metadata.namespace).toBe(service.namespace);
      expect(spec(k)).toMatchObject({
        path: `./manifests/staging/${service.name}`,
        prune: true,
        targetNamespace: `${service.team}-staging`,
        serviceAccountName: "gitops-reconciler",
        // the claim kinds are defined by _platform: it is applied first
        dependsOn: [{ name: "staging-platform", namespace: "flux-system" }],
      });
      only(objects, "ServiceAccount", "gitops-reconciler", service.namespace);
      const binding = only(objects, "RoleBinding", "gitops-reconciler", service.namespace);
      expect(binding.roleRef).toEqual({
        apiGroup: "rbac.authorization.k8s.io",
        kind: "ClusterRole",
        name: "admin",
      });
    }
  });
});
