import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { stringify } from "yaml";
import type {
  DependencyClass,
  Environment,
  Probes,
  Service,
  ServiceSettings,
  Team,
} from "../scripts/model/types.generated.js";
import { isMainModule, repositoryRoot } from "./paths.js";

/** How big a repository to generate. */
export interface GenerateOptions {
  /** How many services (services/<name>/service.yaml). */
  services: number;
  /** How many environments, in promotion order: dev, staging, ..., prod. Default 3 (dev, staging, prod). */
  environments?: number;
  /** Seed of the pseudo-random choices: the same options give byte-identical files. Default 1. */
  seed?: number;
  /** Where schemas/ is copied from. Default: this repository's schemas/. */
  schemasFrom?: string;
  /**
   * A policies/ folder to copy into the repository (sources, compiled bundle in
   * dist/, exceptions.yaml), so the policy stage runs on it as in real use;
   * `true` copies this repository's policies/. Default: none (idp then judges
   * the repository with the policies bundled with the tool).
   */
  policiesFrom?: string | true;
  /**
   * Also give some services the workload fields (a grace period, probe headers,
   * TCP probes, a secret inside a longer value, init containers, sidecars,
   * volumes, files, egress), chosen by a random stream of their own: every
   * other choice, and every file when this is off, stays as it was. Default off.
   */
  workloadFields?: boolean;
  /**
   * Monitoring, as in the example environments and services: true gives each
   * environment an `observability` block (dev scraped every 60s without
   * objectives, staging an availability SLO for critical services, prod
   * availability for critical and standard and latency for critical) and
   * every web service and worker a metrics port (critical ones a runbook);
   * cron jobs stay unscraped. false writes `observability: { metrics: false }`
   * in every environment, which renders no ServiceMonitor, PodMonitor or SLO
   * rules and panels (each service's kube-state alerts and dashboard, each
   * team's dashboard and AlertmanagerConfig remain); "none" writes
   * `observability: { enabled: false }`, which renders no monitoring object
   * at all. As policy REL005 denies an unscraped critical service in
   * prod, policies/exceptions.yaml then waives REL005 there for each of them
   * (expiring 30 days from today, so only those files depend on the date).
   * Neither draws a random number, so every other choice stays as it was.
   * Default true: without metrics the critical services fail REL005.
   */
  observability?: boolean | "none";
}

/** What was written, for benchmarks that need names (a service to change, an environment to render). */
export interface GeneratedRepository {
  root: string;
  /** Environment names in promotion order. */
  environments: string[];
  teams: string[];
  services: GeneratedService[];
  /** Files written (schemas included) and their total size. */
  files: number;
  bytes: number;
}

export interface GeneratedService {
  name: string;
  team: string;
  type: "web" | "worker" | "cron";
  /** Environments it is disabled in. */
  disabledIn: string[];
}

/** Services per product team. */
const SERVICES_PER_TEAM = 50;
/** At most this many services belong to the platform team. */
const PLATFORM_SERVICES = 20;
const BASE_DOMAIN = "acme.example";
const REGISTRY = "ghcr.io/acme";
const DEV_REGISTRY = "ghcr.io/acme-dev";

/**
 * Writes a repository laid out like this one into `root` (which must be empty
 * or missing): schemas/ copied from this repository, environments/, teams/
 * and `options.services` services with a deterministic, realistic mix of
 * types, routes, calls, dependencies, secrets, probes and per-environment
 * overrides. The result passes `idp validate` without a diagnostic.
 */
export function generateRepository(root: string, options: GenerateOptions): GeneratedRepository {
  const count = options.services;
  const environmentCount = options.environments ?? 3;
  if (!Number.isInteger(count) || count < 0) throw new Error(`services must be a whole number, not ${count}`);
  if (!Number.isInteger(environmentCount) || environmentCount < 1) {
    throw new Error(`environments must be a whole number of at least 1, not ${environmentCount}`);
  }
  if (existsSync(root) && readdirSync(root).length > 0) {
    throw new Error(`${root} is not empty: generate into a new or empty folder`);
  }
  const random = mulberry32(options.seed ?? 1);
  const observability = options.observability ?? true;
  const written = { files: 0, bytes: 0 };
  const write = (relative: string, text: string) => {
    const file = path.join(root, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    written.files += 1;
    written.bytes += Buffer.byteLength(text);
  };

  const schemas = options.schemasFrom ?? path.join(repositoryRoot(), "schemas");
  mkdirSync(path.join(root, "schemas"), { recursive: true });
  for (const entry of readdirSync(schemas, { withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".json")) continue;
    copyFileSync(path.join(schemas, entry.name), path.join(root, "schemas", entry.name));
    written.files += 1;
  }

  if (options.policiesFrom !== undefined) {
    const policies =
      options.policiesFrom === true ? path.join(repositoryRoot(), "policies") : options.policiesFrom;
    cpSync(policies, path.join(root, "policies"), { recursive: true });
    written.files += countFiles(path.join(root, "policies"));
  }

  const environments = environmentNames(environmentCount);
  environments.forEach((name, index) => {
    const document = environmentDocument(name, index, environments);
    document.spec.observability = environmentObservability(name, observability);
    write(`environments/${name}.yaml`, toYaml(document, "../schemas/environment.schema.json"));
  });

  const productTeams = teamNames(Math.max(1, Math.ceil(count / SERVICES_PER_TEAM)));
  const teams = ["platform", ...productTeams].sort();
  let platformMembers: string[] = [];
  for (const name of teams) {
    const team = teamDocument(name, random);
    if (name === "platform") platformMembers = team.spec.members;
    write(`teams/${name}.yaml`, toYaml(team, "../schemas/team.schema.json"));
  }

  const plans = planServices(count, productTeams, random);
  const generated: GeneratedService[] = [];
  for (const plan of plans) {
    const document = serviceDocument(plan, environments, random);
    if (options.workloadFields)
      addWorkloadFields(document.spec, mulberry32((options.seed ?? 1) + generated.length));
    if (observability === true) addObservability(document, plan);
    const overrides = document.spec.environments ?? {};
    generated.push({
      name: plan.name,
      team: plan.team,
      type: plan.type,
      disabledIn: Object.keys(overrides).filter((env) => overrides[env]?.enabled === false),
    });
    write(`services/${plan.name}/service.yaml`, toYaml(document, "../../schemas/service.schema.json"));
  }
  if (observability !== true && options.policiesFrom !== undefined && environments.includes("prod")) {
    const waived = plans.filter((plan) => plan.tier === "critical" && plan.type !== "cron");
    written.files -= 1; // replaces the copied exceptions.yaml, already counted
    write(
      "policies/exceptions.yaml",
      toYaml(
        monitoringWaivers(waived, platformMembers[0] ?? "platform", observability),
        "../schemas/exceptions.schema.json",
      ),
    );
  }
  return { root, environments, teams, services: generated, ...written };
}

/** REL005 waived in prod for each critical service, for a repository with metrics off. */
function monitoringWaivers(
  plans: readonly Plan[],
  approvedBy: string,
  observability: false | "none",
): object[] {
  const expires = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  return plans.map((plan) => ({
    rule: "REL005",
    target: `services/${plan.name}`,
    environments: ["prod"],
    reason:
      observability === "none"
        ? "benchmark repository without monitoring (observability.enabled: false in every environment)"
        : "benchmark repository with observability off (metrics: false in every environment)",
    approvedBy,
    expires,
  }));
}

// ---------------------------------------------------------------------------
// Environments

/** dev, staging, prod for 3; dev, prod for 2; prod for 1; more add qa, uat, perf ... before prod. */
export function environmentNames(count: number): string[] {
  if (count === 1) return ["prod"];
  const middle = ["staging", "qa", "uat", "perf", "canary"];
  for (let index = middle.length; index < count - 2; index += 1) middle.push(`stage-${index + 1}`);
  return ["dev", ...middle.slice(0, count - 2), "prod"];
}

/** The domain every route host of an environment is under. */
export function domainOf(environment: string): string {
  return environment === "prod" ? BASE_DOMAIN : `${environment}.${BASE_DOMAIN}`;
}

type Stage = "dev" | "staging" | "prod";

function stageOf(name: string): Stage {
  return name === "dev" ? "dev" : name === "prod" ? "prod" : "staging";
}

/**
 * Sizes by stage, as in the example environments, except the namespace quotas:
 * a generated team owns up to 50 services, so its namespace gets room for
 * their requests at autoscale.max (the policy's COST002 sums them) with margin.
 */
const STAGES = {
  dev: {
    namespace: "{team}-dev",
    registries: [REGISTRY, DEV_REGISTRY],
    defaults: { replicas: 1, resources: { cpu: "50m", memory: "64Mi" } },
    limits: { maxReplicas: 3, maxCpu: "1", maxMemory: "2Gi" },
    quota: { cpu: "24", memory: "48Gi", pods: 120 },
    postgres: { small: 5, large: 10, highAvailability: false },
    redis: { memoryMB: 128 },
    bucket: { versioning: false, expireAfterDays: 7 },
    retentionHours: 24,
  },
  staging: {
    namespace: undefined,
    registries: [REGISTRY],
    defaults: { replicas: 1, resources: { cpu: "100m", memory: "128Mi" } },
    limits: { maxReplicas: 10, maxCpu: "2", maxMemory: "4Gi" },
    quota: { cpu: "32", memory: "64Gi", pods: 160 },
    postgres: { small: 10, large: 50, highAvailability: false },
    redis: { memoryMB: 256 },
    bucket: { versioning: false, expireAfterDays: 30 },
    retentionHours: 72,
  },
  prod: {
    namespace: "{team}",
    registries: [REGISTRY],
    defaults: { replicas: 2, resources: { cpu: "100m", memory: "128Mi" } },
    limits: { maxReplicas: 50, maxCpu: "4", maxMemory: "8Gi" },
    quota: { cpu: "96", memory: "192Gi", pods: 600 },
    postgres: { small: 20, large: 200, highAvailability: true },
    redis: { memoryMB: 1024 },
    bucket: { versioning: true, expireAfterDays: undefined },
    retentionHours: 168,
  },
} as const;

function environmentDocument(name: string, index: number, all: readonly string[]): Environment {
  const stage = STAGES[stageOf(name)];
  const cluster = `${name}-eu-1`;
  const postgresOutputs = {
    host: { secretKey: "host" },
    port: { value: "5432" },
    uri: { secretKey: "uri" },
    username: { secretKey: "username" },
    password: { secretKey: "password" },
  };
  const postgres = (storageGB: number, backup: boolean): DependencyClass => ({
    claim: {
      apiVersion: "database.acme.io/v1alpha1",
      kind: "PostgreSQLInstance",
      ...(backup ? { metadata: { labels: { "acme.io/backup": "hourly" } } } : {}),
      spec: {
        parameters: { storageGB, version: "16", highAvailability: stage.postgres.highAvailability },
      },
    },
    outputs: postgresOutputs,
  });
  const bucketParameters: Record<string, unknown> = {
    region: "eu-west-1",
    versioning: stage.bucket.versioning,
  };
  if (stage.bucket.expireAfterDays !== undefined)
    bucketParameters.expireAfterDays = stage.bucket.expireAfterDays;
  const previous = index > 0 ? all[index - 1] : undefined;
  return {
    apiVersion: "idp/v1",
    kind: "Environment",
    metadata: { name },
    spec: {
      cluster: { name: cluster, server: `https://${cluster}.k8s.${BASE_DOMAIN}` },
      ...(previous ? { promotesFrom: previous } : {}),
      gitops: {
        controller: "argocd",
        repoURL: "https://github.com/acme/platform.git",
        revision: "main",
        namespace: "argocd",
      },
      routing:
        stageOf(name) === "prod"
          ? {
              kind: "gateway",
              gateway: { name: "public", namespace: "gateway-system" },
              controllerNamespace: "gateway-system",
              tlsIssuer: "letsencrypt",
            }
          : {
              kind: "ingress",
              className: "nginx",
              controllerNamespace: "ingress-nginx",
              ...(stageOf(name) === "staging" ? { tlsIssuer: "letsencrypt" } : {}),
            },
      secretStore: {
        name: "vault",
        refreshInterval: "1h",
        vault: {
          server: "https://vault.acme.example",
          path: "secret",
          authMountPath: `kubernetes-${name}`,
          role: `{team}-${name}`,
        },
      },
      namespace: stage.namespace ?? `{team}-${name}`,
      domain: domainOf(name),
      registries: [...stage.registries],
      defaults: { replicas: stage.defaults.replicas, resources: { ...stage.defaults.resources } },
      limits: { ...stage.limits },
      quota: { ...stage.quota },
      dependencyClasses: {
        postgres: {
          small: postgres(stage.postgres.small, false),
          large: postgres(stage.postgres.large, stageOf(name) === "prod"),
        },
        redis: {
          default: {
            claim: {
              apiVersion: "cache.acme.io/v1alpha1",
              kind: "RedisInstance",
              spec: { parameters: { memoryMB: stage.redis.memoryMB, version: "7" } },
            },
            outputs: { host: { secretKey: "host" }, port: { value: "6379" }, url: { secretKey: "url" } },
          },
        },
        bucket: {
          default: {
            claim: {
              apiVersion: "storage.acme.io/v1alpha1",
              kind: "Bucket",
              spec: { parameters: bucketParameters },
            },
            outputs: {
              bucket: { secretKey: "bucket" },
              endpoint: { value: "https://s3.eu-west-1.amazonaws.com" },
            },
          },
        },
        queue: {
          default: {
            claim: {
              apiVersion: "messaging.acme.io/v1alpha1",
              kind: "Queue",
              spec: { parameters: { region: "eu-west-1", retentionHours: stage.retentionHours } },
            },
            outputs: { url: { secretKey: "url" } },
          },
        },
      },
      ...(stageOf(name) === "prod"
        ? { freeze: [{ from: "2026-12-20", to: "2027-01-04", reason: "year-end freeze" }] }
        : {}),
    },
  };
}

/** The example environments' monitoring by stage (environments/*.yaml), metrics off, or no monitoring at all. */
function environmentObservability(
  name: string,
  on: boolean | "none",
): NonNullable<Environment["spec"]["observability"]> {
  if (on === "none") return { enabled: false };
  if (!on) return { metrics: false };
  const stage = stageOf(name);
  if (stage === "dev") return { interval: "60s" };
  if (stage === "staging") return { objectives: { critical: { availability: 99.5 } } };
  return {
    interval: "30s",
    window: "30d",
    objectives: {
      critical: { availability: 99.9, latency: { threshold: 0.5, objective: 99 } },
      standard: { availability: 99.5 },
    },
  };
}

// ---------------------------------------------------------------------------
// Teams

const TEAM_WORDS = [
  "payments",
  "storefront",
  "search",
  "logistics",
  "identity",
  "pricing",
  "inventory",
  "growth",
  "data",
  "messaging",
  "billing",
  "fulfilment",
  "catalog",
  "support",
  "risk",
  "marketing",
  "partners",
  "mobile",
  "media",
  "analytics",
];

function teamNames(count: number): string[] {
  const names: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const word = TEAM_WORDS[index % TEAM_WORDS.length] as string;
    const round = Math.floor(index / TEAM_WORDS.length);
    names.push(round === 0 ? word : `${word}-${round + 1}`);
  }
  return names;
}

const LOGINS = ["alice", "bob", "carol", "dmitri", "erin", "farah", "gina", "hiro", "ivan", "julia", "kofi"];

function teamDocument(name: string, random: Random): Team {
  const size = 2 + Math.floor(random() * 4);
  const start = Math.floor(random() * LOGINS.length);
  const login = (i: number) => `${LOGINS[(start + i) % LOGINS.length]}-${name}`;
  const members: [string, ...string[]] = [
    login(0),
    ...Array.from({ length: size - 1 }, (_, i) => login(i + 1)),
  ];
  return {
    apiVersion: "idp/v1",
    kind: "Team",
    metadata: { name },
    spec: {
      github: `acme/${name}`,
      members,
      budget: { monthly: 1000 * (2 + Math.floor(random() * 8)) },
      contact: { slack: `#${name}`, ...(random() < 0.5 ? { email: `${name}@${BASE_DOMAIN}` } : {}) },
    },
  };
}

// ---------------------------------------------------------------------------
// Services

interface Plan {
  index: number;
  name: string;
  team: string;
  type: "web" | "worker" | "cron";
  tier: "critical" | "standard" | "experimental";
  /** web only: port shorthand, http + grpc, or grpc only. */
  ports: "port" | "http-grpc" | "grpc";
  route: boolean;
  calls: string[];
}

const NOUNS = [
  "orders",
  "cart",
  "checkout",
  "invoice",
  "ledger",
  "refund",
  "shipment",
  "address",
  "profile",
  "session",
  "coupon",
  "review",
  "rating",
  "wishlist",
  "stock",
  "warehouse",
  "price",
  "tax",
  "currency",
  "fraud",
  "email",
  "sms",
  "push",
  "image",
  "video",
  "report",
  "audit",
  "export",
  "import",
  "feed",
];
const ROLES = {
  web: ["api", "service", "gateway", "web", "backend"],
  worker: ["worker", "consumer", "processor", "indexer"],
  cron: ["sync", "cleanup", "digest", "rollup"],
} as const;

/** Types in exact proportions (60% web, 25% worker, 15% cron), shuffled; names, teams, tiers and calls. */
function planServices(count: number, productTeams: readonly string[], random: Random): Plan[] {
  const webCount = Math.round(count * 0.6);
  const workerCount = Math.round(count * 0.25);
  const types: Plan["type"][] = Array.from({ length: count }, (_, i) =>
    i < webCount ? "web" : i < webCount + workerCount ? "worker" : "cron",
  );
  shuffle(types, random);
  const used = new Set<string>();
  const platformBlocks = new Set<number>();
  const plans = types.map((type, index): Plan => {
    const base = `${pick(NOUNS, random)}-${pick(ROLES[type], random)}`;
    let name = base;
    for (let n = 2; used.has(name); n += 1) name = `${base}-${n}`;
    used.add(name);
    // The platform team owns the first worker or cron of every hundred services, up to a cap.
    const block = Math.floor(index / 100);
    const isPlatform =
      type !== "web" && !platformBlocks.has(block) && platformBlocks.size < PLATFORM_SERVICES;
    if (isPlatform) platformBlocks.add(block);
    const team = isPlatform
      ? "platform"
      : (productTeams[Math.min(productTeams.length - 1, Math.floor(index / SERVICES_PER_TEAM))] as string);
    const roll = random();
    const tier = type === "web" && roll < 0.12 ? "critical" : roll > 0.9 ? "experimental" : "standard";
    const portRoll = random();
    const ports = type !== "web" ? "port" : portRoll < 0.8 ? "port" : portRoll < 0.9 ? "http-grpc" : "grpc";
    // Half of the web services with an HTTP port get a public route.
    const route = type === "web" && ports !== "grpc" && random() < 0.5;
    return { index, name, team, type, tier, ports, route, calls: [] };
  });
  const web = plans.filter((plan) => plan.type === "web").map((plan) => plan.name);
  for (const plan of plans) {
    if (random() >= 0.5) continue;
    const wanted = 1 + Math.floor(random() * 3);
    const calls = new Set<string>();
    for (let attempt = 0; attempt < 10 && calls.size < wanted && web.length > 0; attempt += 1) {
      const target = pick(web, random);
      if (target !== plan.name) calls.add(target);
    }
    plan.calls = [...calls].sort();
  }
  // Experimental services stay out of prod (policy REL004), so one that others call
  // (in prod too) is standard: its callers would otherwise call a service that is not there.
  const called = new Set(plans.flatMap((plan) => plan.calls));
  for (const plan of plans) if (plan.tier === "experimental" && called.has(plan.name)) plan.tier = "standard";
  return plans;
}

const CPU = ["50m", "100m", "100m", "150m", "200m", "250m"];
const MEMORY = ["64Mi", "128Mi", "128Mi", "256Mi", "384Mi", "512Mi"];

function serviceDocument(plan: Plan, environments: readonly string[], random: Random): Service {
  const { name, type } = plan;
  const version = { major: Math.floor(random() * 5), minor: Math.floor(random() * 20), patch: 0 };
  version.patch = Math.floor(random() * 10);
  const spec: Service["spec"] = {
    type,
    image: `${REGISTRY}/${name}:${version.major}.${version.minor}.${version.patch}`,
  };
  if (type === "worker" && random() < 0.4) {
    spec.command = ["/app/worker"];
    spec.args = ["--concurrency", String(1 + Math.floor(random() * 8))];
  }
  const grpcPort = 5050;
  if (type === "web") {
    if (plan.ports === "port") spec.port = 8080;
    else if (plan.ports === "http-grpc") {
      spec.ports = [
        { name: "http", port: 80, targetPort: 8080, protocol: "http" },
        { name: "grpc", port: grpcPort, targetPort: grpcPort, protocol: "grpc" },
      ];
    } else {
      spec.ports = [{ name: "grpc", port: grpcPort, targetPort: grpcPort, protocol: "grpc" }];
    }
    if (plan.route) spec.route = { host: `${name}.${domainOf("prod")}`, path: random() < 0.7 ? "/" : "/api" };
  }
  if (type === "cron") {
    spec.schedule =
      random() < 0.5 ? "*/15 * * * *" : `${Math.floor(random() * 60)} ${Math.floor(random() * 6)} * * *`;
  } else {
    spec.replicas = 1 + Math.floor(random() * 3);
  }
  const cpuIndex = Math.floor(random() * CPU.length);
  const memoryIndex = Math.floor(random() * MEMORY.length);
  const cpu = type === "cron" ? "500m" : (CPU[cpuIndex] as string);
  const memory = type === "cron" ? "1Gi" : (MEMORY[memoryIndex] as string);
  spec.resources = { cpu, memory };
  if (type !== "cron" && random() < 0.3)
    spec.resources.limits = { cpu: double(cpu, "m"), memory: double(memory, "Mi") };

  const env: Record<string, string> = {};
  if (random() < 0.7) env.LOG_LEVEL = "info";
  const dependencies: NonNullable<ServiceSettings["dependencies"]> = {};
  const noun = name.split("-")[0] as string;
  if (random() < (type === "cron" ? 0.2 : 0.4)) {
    dependencies[`${noun}-db`] = { type: "postgres", size: random() < 0.75 ? "small" : "large" };
    env.DATABASE_URL = `\${dependencies.${noun}-db.uri}`;
  }
  if (type !== "cron" && random() < 0.25) {
    dependencies.cache = { type: "redis" };
    env.REDIS_URL = "${dependencies.cache.url}";
  }
  if (random() < (type === "cron" ? 0.6 : 0.1)) {
    dependencies.files = { type: "bucket" };
    env.BUCKET_NAME = "${dependencies.files.bucket}";
    env.S3_ENDPOINT = "${dependencies.files.endpoint}";
  }
  if (random() < (type === "worker" ? 0.6 : 0.1)) {
    dependencies.jobs = { type: "queue" };
    env.QUEUE_URL = "${dependencies.jobs.url}";
  }
  for (const target of plan.calls) {
    const variable = target.toUpperCase().replaceAll("-", "_");
    if (random() < 0.5) env[`${variable}_URL`] = `\${calls.${target}.url}`;
    else env[`${variable}_ADDR`] = `\${calls.${target}.address}`;
  }
  if (Object.keys(env).length > 0) spec.env = env;
  if (random() < 0.4) {
    const secrets: Record<string, string> = { API_KEY: `${plan.team}/${name}#api_key` };
    if (random() < 0.4) secrets.SIGNING_SECRET = `${plan.team}/${name}#signing_secret`;
    spec.secrets = secrets;
  }
  const probes = probesFor(plan, random);
  if (probes) spec.probes = probes;
  if (plan.calls.length > 0) spec.calls = plan.calls;
  if (Object.keys(dependencies).length > 0) spec.dependencies = dependencies;

  const overrides: NonNullable<Service["spec"]["environments"]> = {};
  for (const environment of environments) {
    const override: NonNullable<Service["spec"]["environments"]>[string] = {};
    const stage = stageOf(environment);
    if (plan.route && environment !== "prod") {
      override.route = { host: `${name}.${domainOf(environment)}`, path: spec.route?.path ?? "/" };
    }
    if (stage === "dev") {
      if (random() < 0.7) {
        override.image = `${DEV_REGISTRY}/${name}:${version.major}.${version.minor + 1}.0-rc.${1 + Math.floor(random() * 5)}`;
      }
      if (spec.replicas !== undefined && spec.replicas > 1) override.replicas = 1;
      if (type === "cron" && random() < 0.3) override.schedule = "0 */6 * * *";
      if (random() < 0.2) override.env = { LOG_LEVEL: "debug" };
    } else if (stage === "staging") {
      if (type !== "cron" && random() < 0.2) override.replicas = 2;
    } else if (stage === "prod") {
      // Experimental services are never deployed to prod (policy REL004).
      if (plan.tier === "experimental") {
        overrides[environment] = { enabled: false };
        continue;
      }
      if (type === "web" && random() < 0.5) {
        const min = 2 + Math.floor(random() * 2);
        override.autoscale = {
          min,
          max: min + 4 + Math.floor(random() * 16),
          cpu: 60 + 5 * Math.floor(random() * 5),
        };
      } else if (type !== "cron") {
        override.replicas = Math.max(2, (spec.replicas ?? 1) + Math.floor(random() * 2));
      }
    }
    if (Object.keys(override).length > 0) overrides[environment] = override;
  }
  if (Object.keys(overrides).length > 0) spec.environments = overrides;

  return {
    apiVersion: "idp/v1",
    kind: "Service",
    metadata: {
      name,
      team: plan.team,
      description: describe(plan),
      ...(plan.tier === "standard" && random() < 0.3 ? {} : { tier: plan.tier }),
    },
    spec,
  };
}

function probesFor(plan: Plan, random: Random): Probes | undefined {
  if (plan.type === "cron") return undefined;
  if (plan.type === "worker") {
    return random() < 0.6
      ? { liveness: { exec: ["/app/worker", "healthcheck"], periodSeconds: 30 } }
      : undefined;
  }
  if (plan.ports === "grpc") {
    return { readiness: { grpc: { port: 5050 } }, liveness: { grpc: { port: 5050 }, periodSeconds: 10 } };
  }
  if (plan.tier === "critical" || random() < 0.7) {
    return random() < 0.8
      ? { readiness: "/ready", liveness: "/healthz" }
      : {
          readiness: "/ready",
          liveness: { http: { path: "/healthz", port: 8080 }, initialDelaySeconds: 10, failureThreshold: 3 },
        };
  }
  return random() < 0.5 ? { readiness: "/ready" } : undefined;
}

/** Some of the workload fields, each with its own chance (see GenerateOptions.workloadFields). */
function addWorkloadFields(spec: Service["spec"], random: Random): void {
  const resources = { cpu: "20m", memory: "32Mi" };
  if (random() < 0.3) spec.terminationGracePeriodSeconds = 30 + 15 * Math.floor(random() * 4);
  if (spec.dependencies?.cache && random() < 0.6)
    spec.env = { ...spec.env, REDIS_ADDR: "${dependencies.cache.host}:${dependencies.cache.port}" };
  const readiness = spec.probes?.readiness;
  if (typeof readiness === "string" && spec.port !== undefined && random() < 0.4)
    spec.probes = {
      ...spec.probes,
      readiness: { http: { path: readiness, port: 8080, headers: { "X-Health-Check": "kubelet" } } },
    };
  else if (spec.ports?.[0]?.protocol === "grpc" && random() < 0.3)
    spec.probes = { ...spec.probes, readiness: { tcp: { port: spec.ports[0].name } } };
  if (random() < 0.25)
    spec.initContainers = [
      {
        name: "migrate",
        image: `${REGISTRY}/migrate:1.${Math.floor(random() * 9)}.0`,
        command: ["/migrate"],
        resources,
      },
    ];
  if (random() < 0.3)
    spec.sidecars = [
      {
        name: random() < 0.2 ? "main" : "log-shipper",
        image: `${REGISTRY}/log-shipper:2.1.0`,
        ...(random() < 0.5 ? { args: ["--listen", "127.0.0.1:9025"] } : {}),
        ...(random() < 0.5 ? { env: { LOG_FORMAT: "json", PRICE: "$5" } } : {}),
        resources,
      },
    ];
  if (random() < 0.3) spec.volumes = [{ path: "/var/cache/app", emptyDir: { sizeLimit: "256Mi" } }];
  if (random() < 0.3)
    spec.files = [
      {
        path: "/etc/app/config.yaml",
        content: random() < 0.5 ? "mode: fast\n" : "greeting: Hi ${name}, $$5\n",
      },
    ];
  if (random() < 0.25) spec.egress = [{ host: "api.stripe.com", ports: [443] }];
}

/**
 * A metrics port for web services (their first named port: http, or grpc for
 * gRPC-only ones) and workers (a container port number); a runbook for
 * critical services, as services/checkout/service.yaml has.
 */
function addObservability(document: Service, plan: Plan): void {
  if (plan.type === "cron") return;
  const port = plan.type === "worker" ? 9090 : plan.ports === "grpc" ? "grpc" : "http";
  document.spec.observability = {
    metrics: { port, path: "/metrics" },
    ...(plan.tier === "critical" ? { runbook: `https://runbooks.${BASE_DOMAIN}/${plan.name}` } : {}),
  };
}

function describe(plan: Plan): string {
  const [noun] = plan.name.split("-");
  const what = { web: "Serves", worker: "Processes", cron: "Periodically reconciles" }[plan.type];
  return `${what} ${noun} for the ${plan.team} team`;
}

/** "250m" → "500m", "256Mi" → "512Mi". */
function double(quantity: string, unit: string): string {
  return `${Number.parseInt(quantity, 10) * 2}${unit}`;
}

// ---------------------------------------------------------------------------
// Helpers

function countFiles(folder: string): number {
  return readdirSync(folder, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile())
    .length;
}

function toYaml(document: object, schema: string): string {
  const body = stringify(document, { aliasDuplicateObjects: false, lineWidth: 0 });
  return `# yaml-language-server: $schema=${schema}\n${body}`;
}

type Random = () => number;

/** mulberry32: a small, fast, seeded PRNG in [0, 1); the same seed gives the same sequence. */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(items: readonly T[], random: Random): T {
  return items[Math.floor(random() * items.length)] as T;
}

function shuffle<T>(items: T[], random: Random): void {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
}

// ---------------------------------------------------------------------------
// node dist/bench/generate-repository.js [--policies] [--no-observability | --no-monitoring] <dir> <count> [environments] [seed]

if (isMainModule(import.meta.url)) {
  const args = process.argv.slice(2);
  const withPolicies = args.includes("--policies");
  const observability = args.includes("--no-monitoring") ? "none" : !args.includes("--no-observability");
  const [dir, countText, environmentsText, seedText] = args.filter((arg) => !arg.startsWith("--"));
  const services = Number(countText);
  if (!dir || !Number.isInteger(services) || services < 0) {
    console.error(
      "usage: node dist/bench/generate-repository.js [--policies] [--no-observability | --no-monitoring] <dir> <services> [environments] [seed]",
    );
    process.exit(2);
  }
  let generated: GeneratedRepository;
  try {
    generated = generateRepository(path.resolve(dir), {
      services,
      ...(environmentsText ? { environments: Number(environmentsText) } : {}),
      ...(seedText ? { seed: Number(seedText) } : {}),
      ...(withPolicies ? { policiesFrom: true as const } : {}),
      observability,
    });
  } catch (failure) {
    console.error(failure instanceof Error ? failure.message : String(failure));
    process.exit(2);
  }
  console.log(
    `wrote ${generated.services.length} services, ${generated.environments.length} environments and ` +
      `${generated.teams.length} teams to ${generated.root} (${generated.files} files, ${(generated.bytes / 1024).toFixed(0)} KiB)`,
  );
}
