import { describe, expect, it } from "vitest";
import type { LoadedDocument } from "./document.js";
import { parseYamlDocument } from "./parse-yaml.js";
import { resolveRepository } from "./resolve.js";
import type { ResolvedService } from "./resolved.js";

function doc(file: string, text: string): LoadedDocument {
  const { document, diagnostics } = parseYamlDocument(file, text);
  if (!document) throw new Error(`test YAML does not parse: ${JSON.stringify(diagnostics)}`);
  return document;
}

const DEV = `apiVersion: idp/v1
kind: Environment
metadata: { name: dev }
spec:
  cluster: { name: dev, server: https://dev.example.test }
  namespace: "{team}-dev"
  domain: dev.example.test
  gitops: { repoURL: https://git.example.test/platform.git }
  registries: [ghcr.io/x]
  defaults:
    replicas: 1
    resources: { cpu: 100m, memory: 128Mi }
  dependencyClasses:
    postgres:
      small:
        claim: { apiVersion: db.example.test/v1, kind: Postgres, spec: {} }
        outputs: { uri: { secretKey: uri }, port: { value: "5432" } }
`;
const PROD = `apiVersion: idp/v1
kind: Environment
metadata: { name: prod }
spec:
  cluster: { name: prod, server: https://prod.example.test }
  promotesFrom: dev
  namespace: "{team}"
  domain: example.test
  gitops: { repoURL: https://git.example.test/platform.git }
  registries: [ghcr.io/x]
  defaults:
    replicas: 3
    resources: { cpu: 200m, memory: 256Mi }
  dependencyClasses:
    postgres:
      small:
        claim: { apiVersion: db.example.test/v1, kind: Postgres, spec: {} }
        outputs: { uri: { secretKey: uri }, port: { value: "5432" } }
`;
const TEAM = `apiVersion: idp/v1
kind: Team
metadata: { name: shop }
spec: { github: x/shop, members: [a], budget: { monthly: 1 }, contact: { slack: "#shop" } }
`;

function resolveWith(service: string, extra: Record<string, string> = {}) {
  const services = [
    doc("services/web/service.yaml", service),
    ...Object.entries(extra).map(([f, t]) => doc(f, t)),
  ];
  return resolveRepository({
    environments: [doc("environments/prod.yaml", PROD), doc("environments/dev.yaml", DEV)],
    teams: [doc("teams/shop.yaml", TEAM)],
    services,
  });
}

const service = (spec: string, metadata = "") => `apiVersion: idp/v1
kind: Service
metadata:
  name: web
  team: shop${metadata}
spec:
${spec}`;

describe("resolveRepository merges defaults, spec and override", () => {
  it("walks environments in promotion order and takes defaults where the service is silent", () => {
    const result = resolveWith(service("  type: worker\n  image: ghcr.io/x/web:1.0.0\n"));
    expect(result.diagnostics).toEqual([]);
    expect(result.environments.map((e) => e.name)).toEqual(["dev", "prod"]);
    expect(result.services.map((s) => [s.environment, s.namespace, s.replicas, s.resources])).toEqual([
      ["dev", "shop-dev", 1, { cpu: "100m", memory: "128Mi", limits: { memory: "128Mi" } }],
      ["prod", "shop", 3, { cpu: "200m", memory: "256Mi", limits: { memory: "256Mi" } }],
    ]);
  });

  it("merges mappings key by key and replaces lists", () => {
    const result = resolveWith(
      service(`  type: web
  image: ghcr.io/x/web:1.0.0
  port: 8080
  route: { host: web.example.test, path: /shop }
  env: { A: "1", B: "2" }
  resources: { cpu: 300m, memory: 512Mi, limits: { memory: 1Gi } }
  environments:
    dev:
      route: { host: web.dev.example.test }
      env: { B: "3" }
      resources: { cpu: 50m }
`),
    );
    expect(result.diagnostics).toEqual([]);
    const dev = result.services.find((s) => s.environment === "dev");
    expect(dev?.route).toEqual({ host: "web.dev.example.test", path: "/shop" });
    expect(dev?.env).toEqual({ A: "1", B: "3" });
    expect(dev?.resources).toEqual({ cpu: "50m", memory: "512Mi", limits: { memory: "1Gi" } });
    expect(dev?.ports).toEqual([{ name: "http", port: 80, targetPort: 8080, protocol: "http" }]);
  });

  it("lets an override choose autoscale over the spec's replicas, and the reverse", () => {
    const result = resolveWith(
      service(`  type: worker
  image: ghcr.io/x/web:1.0.0
  replicas: 2
  environments:
    prod: { autoscale: { min: 3, max: 9 } }
`),
    );
    expect(result.diagnostics).toEqual([]);
    const [dev, prod] = result.services;
    expect([dev?.replicas, dev?.autoscale]).toEqual([2, undefined]);
    expect([prod?.replicas, prod?.autoscale]).toEqual([undefined, { min: 3, max: 9, cpu: 80 }]);
  });

  it("leaves a service out of an environment where it is disabled", () => {
    const result = resolveWith(
      service(
        "  type: worker\n  image: ghcr.io/x/web:1.0.0\n  environments:\n    prod: { enabled: false }\n",
      ),
    );
    expect(result.services.map((s) => s.environment)).toEqual(["dev"]);
  });

  it("remembers which file and line set each value", () => {
    const result = resolveWith(
      service("  type: worker\n  image: ghcr.io/x/web:1.0.0\n  environments:\n    prod: { replicas: 4 }\n"),
    );
    const [dev, prod] = result.services;
    expect(dev?.origins.get("replicas")).toEqual({
      file: "environments/dev.yaml",
      path: ["spec", "defaults", "replicas"],
    });
    expect(prod?.origins.get("replicas")).toEqual({
      file: "services/web/service.yaml",
      path: ["spec", "environments", "prod", "replicas"],
    });
    expect(prod?.origins.get("image")).toEqual({
      file: "services/web/service.yaml",
      path: ["spec", "image"],
    });
  });

  it("expands the full ports form with defaults", () => {
    const result = resolveWith(
      service(
        "  type: web\n  image: ghcr.io/x/web:1.0.0\n  ports:\n    - { name: grpc, port: 5050, protocol: grpc }\n    - { name: admin, port: 9000, targetPort: 9090 }\n",
      ),
    );
    expect(result.services[0]?.ports).toEqual([
      { name: "grpc", port: 5050, targetPort: 5050, protocol: "grpc" },
      { name: "admin", port: 9000, targetPort: 9090, protocol: "http" },
    ]);
  });
});

describe("resolveRepository reports a finding once, naming every environment it holds in", () => {
  it("joins environments into one message", () => {
    const result = resolveWith(
      service("  type: worker\n  image: ghcr.io/x/web:1.0.0\n  dependencies:\n    cache: { type: redis }\n"),
    );
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        code: "resolve.unknown-dependency-class",
        message: 'dependency cache has type "redis", which dev and prod does not offer',
        line: 10,
        column: 20,
      }),
    ]);
  });

  it("names only the environment where the finding holds", () => {
    const result = resolveWith(
      service(
        '  type: worker\n  image: ghcr.io/x/web:1.0.0\n  env: { DB: "${dependencies.db.uri}" }\n  dependencies:\n    db: { type: postgres }\n  environments:\n    prod: { dependencies: { db: { type: postgres, size: large } } }\n',
      ),
    );
    expect(result.diagnostics.map((d) => [d.code, d.message, d.line])).toEqual([
      [
        "resolve.unknown-dependency-class",
        'dependency db asks for postgres size "large", which prod does not offer',
        13,
      ],
    ]);
  });

  it("points at a placeholder inside a longer value", () => {
    const result = resolveWith(
      service(
        '  type: worker\n  image: ghcr.io/x/web:1.0.0\n  env: { URL: "http://${calls.api.host}/x" }\n  environments:\n    prod: { enabled: false }\n',
      ),
    );
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        code: "resolve.placeholder",
        line: 9,
        column: 23,
        message: expect.stringContaining("not in calls"),
      }),
    ]);
  });

  it("accepts secret outputs anywhere in a value, beside plain text and other placeholders", () => {
    const result = resolveWith(
      service(
        '  type: worker\n  image: ghcr.io/x/web:1.0.0\n  env: { URL: "x${dependencies.db.uri}?port=${dependencies.db.port}&again=${dependencies.db.uri}" }\n  dependencies: { db: { type: postgres } }\n  environments:\n    prod: { enabled: false }\n',
      ),
    );
    expect(result.diagnostics).toEqual([]);
  });

  it("still refuses a secret output the class does not have, inside a longer value", () => {
    const result = resolveWith(
      service(
        '  type: worker\n  image: ghcr.io/x/web:1.0.0\n  env: { URL: "x${dependencies.db.password}" }\n  dependencies: { db: { type: postgres } }\n  environments:\n    prod: { enabled: false }\n',
      ),
    );
    expect(result.diagnostics.map((d) => [d.message, d.line, d.column])).toEqual([
      [
        'env.URL: ${dependencies.db.password} asks for "password", which postgres (small) does not provide in dev',
        9,
        17,
      ],
    ]);
  });

  it("accepts a plain output inside a longer value, and $${ as a literal", () => {
    const result = resolveWith(
      service(
        '  type: worker\n  image: ghcr.io/x/web:1.0.0\n  env: { A: "db:${dependencies.db.port}", B: "$${HOME}" }\n  dependencies: { db: { type: postgres } }\n  environments:\n    prod: { enabled: false }\n',
      ),
    );
    expect(result.diagnostics).toEqual([]);
  });
});

describe("probe ports", () => {
  it("checks a probe against the ports of each environment, on the probe's port line", () => {
    const result = resolveWith(
      service(
        "  type: web\n  image: ghcr.io/x/web:1.0.0\n  ports: [{ name: grpc, port: 5050, protocol: grpc }]\n  probes:\n    readiness: { grpc: { port: 5050 } }\n  environments:\n    prod: { ports: [{ name: grpc, port: 5050, targetPort: 9000, protocol: grpc }] }\n",
      ),
    );
    expect(result.diagnostics.map((d) => [d.code, d.message, d.line, d.column, d.hint])).toEqual([
      [
        "resolve.probe-port",
        "probes.readiness asks for port 5050, the Service port of grpc; the container listens on 9000 in prod",
        11,
        32,
        "probes reach the container, not the Service: use port: 9000 (or its name, grpc)",
      ],
    ]);
  });

  it("accepts a probe that names its port, in every environment", () => {
    const result = resolveWith(
      service(
        "  type: web\n  image: ghcr.io/x/web:1.0.0\n  ports: [{ name: grpc, port: 5050, protocol: grpc }, { name: web, port: 80, targetPort: 8080 }]\n  probes:\n    readiness: { grpc: { port: grpc } }\n    liveness: /healthz\n  environments:\n    prod: { ports: [{ name: grpc, port: 5050, targetPort: 9000, protocol: grpc }, { name: web, port: 80, targetPort: 8081 }] }\n",
      ),
    );
    expect(result.diagnostics).toEqual([]);
  });
});

describe("egress", () => {
  it("keeps the entries as written, an override replacing the list", () => {
    const result = resolveWith(
      service(`  type: worker
  image: ghcr.io/x/web:1.0.0
  egress:
    - { host: api.stripe.com, ports: [443] }
  environments:
    prod:
      egress: [{ cidr: 203.0.113.0/24, ports: [5432, 443] }]
`),
    );
    expect(result.diagnostics).toEqual([]);
    expect(result.services.map((s) => [s.environment, s.egress])).toEqual([
      ["dev", [{ host: "api.stripe.com", ports: [443] }]],
      ["prod", [{ cidr: "203.0.113.0/24", ports: [5432, 443] }]],
    ]);
  });

  it("refuses a CIDR with host bits on its own line, with a hint", () => {
    const result = resolveWith(
      service(`  type: worker
  image: ghcr.io/x/web:1.0.0
  egress:
    - { host: api.stripe.com, ports: [443] }
    - { cidr: 10.0.0.1/8, ports: [443] }
`),
    );
    expect(result.diagnostics.map((d) => [d.code, d.message, d.line, d.column, d.hint])).toEqual([
      [
        "resolve.egress-cidr",
        "egress[1].cidr 10.0.0.1/8 has host bits set after the prefix",
        11,
        15,
        "write the network address and its prefix length, such as 203.0.113.0/24 or 2001:db8::/32",
      ],
    ]);
  });
});

describe("sidecars and init containers", () => {
  it("refuses a name another container of the pod has, and a limit below its request, on their lines", () => {
    const result = resolveWith(
      service(`  type: worker
  image: ghcr.io/x/web:1.0.0
  initContainers:
    - { name: setup, image: ghcr.io/x/setup:1.0.0, resources: { cpu: 10m, memory: 16Mi } }
  sidecars:
    - { name: setup, image: ghcr.io/x/proxy:1.0.0, resources: { cpu: 10m, memory: 64Mi, limits: { memory: 32Mi } } }
`),
    );
    expect(result.diagnostics.map((d) => [d.code, d.message, d.line])).toEqual([
      [
        "resolve.duplicate-container",
        "sidecars[0] is named setup, a name another container of the pod has",
        12,
      ],
      ["resolve.limit-below-request", "limits.memory (32Mi) is below the memory request (64Mi)", 12],
    ]);
    expect(result.services[0]?.sidecars[0]?.resources).toEqual({
      cpu: "10m",
      memory: "64Mi",
      limits: { memory: "32Mi" },
    });
  });
});

/** DEV and PROD, both offering dependencyClasses.volume.default. */
const VOLUME_CLASS = `    volume:
      default: { data: true, volume: { storageClassName: fast-rwo, size: 2Gi } }
`;
function resolveWithVolumes(spec: string) {
  return resolveRepository({
    environments: [
      doc("environments/prod.yaml", PROD + VOLUME_CLASS),
      doc("environments/dev.yaml", DEV + VOLUME_CLASS),
    ],
    teams: [doc("teams/shop.yaml", TEAM)],
    services: [doc("services/web/service.yaml", service(spec))],
  });
}

describe("volume dependencies", () => {
  it("resolves a volume class with the path it is mounted at; a claim class has none", () => {
    const result = resolveWithVolumes(`  type: worker
  image: ghcr.io/x/web:1.0.0
  replicas: 1
  dependencies:
    data: { type: volume, path: /var/lib/web }
    db: { type: postgres, size: small }
`);
    expect(result.diagnostics).toEqual([]);
    const prod = result.services.find((s) => s.environment === "prod");
    expect(prod?.dependencies.map((d) => [d.name, d.path])).toEqual([
      ["data", "/var/lib/web"],
      ["db", undefined],
    ]);
    expect(prod?.dependencies[0]?.class).toEqual({
      data: true,
      volume: { storageClassName: "fast-rwo", size: "2Gi" },
    });
  });

  it("refuses a volume without a path, and a path on a claim class, on their lines", () => {
    const result = resolveWithVolumes(`  type: worker
  image: ghcr.io/x/web:1.0.0
  replicas: 1
  dependencies:
    data: { type: volume }
    db: { type: postgres, size: small, path: /var/lib/db }
`);
    expect(result.diagnostics.map((d) => [d.code, d.message, d.line, d.hint])).toEqual([
      [
        "resolve.volume-path",
        "dependency data (volume) is a volume in dev and prod and needs a path to be mounted at",
        11,
        "add path: (an absolute directory such as /var/lib/app) to the dependency",
      ],
      [
        "resolve.volume-path",
        "dependency db is a postgres in dev and prod, not a volume: it has nothing to mount at /var/lib/db",
        12,
        "remove path: (only a class with volume: in the environment is mounted)",
      ],
    ]);
  });

  it("refuses more than one pod: on the replicas the service sets, or on the dependency when the environment's default is 3", () => {
    const own = resolveWithVolumes(`  type: worker
  image: ghcr.io/x/web:1.0.0
  replicas: 2
  dependencies:
    data: { type: volume, path: /var/lib/web }
`);
    expect(own.diagnostics.map((d) => [d.code, d.message, d.line])).toEqual([
      [
        "resolve.volume-replicas",
        "replicas is 2 in dev and prod, but dependency data is a ReadWriteOnce volume that one pod mounts",
        9,
      ],
    ]);
    expect(own.diagnostics[0]?.hint).toMatch(/^a volume dependency attaches to one pod: set replicas: 1/);
    const defaulted = resolveWithVolumes(`  type: worker
  image: ghcr.io/x/web:1.0.0
  dependencies:
    data: { type: volume, path: /var/lib/web }
`);
    expect(defaulted.diagnostics.map((d) => [d.code, d.message, d.file, d.line])).toEqual([
      [
        "resolve.volume-replicas",
        "replicas is 3 in prod, but dependency data is a ReadWriteOnce volume that one pod mounts",
        "services/web/service.yaml",
        10,
      ],
    ]);
    const scaled = resolveWithVolumes(`  type: worker
  image: ghcr.io/x/web:1.0.0
  autoscale: { max: 4 }
  dependencies:
    data: { type: volume, path: /var/lib/web }
`);
    expect(scaled.diagnostics.map((d) => [d.code, d.line])).toEqual([["resolve.volume-replicas", 9]]);
    // A cron job runs one pod per run: the environment's replicas do not apply.
    const cron = resolveWithVolumes(`  type: cron
  image: ghcr.io/x/web:1.0.0
  schedule: "0 3 * * *"
  dependencies:
    data: { type: volume, path: /var/lib/web }
`);
    expect(cron.diagnostics).toEqual([]);
  });

  it("refuses a volume mounted inside a scratch volume or at /tmp", () => {
    const result = resolveWithVolumes(`  type: worker
  image: ghcr.io/x/web:1.0.0
  replicas: 1
  volumes:
    - { path: /var/lib, emptyDir: { sizeLimit: 1Gi } }
  dependencies:
    data: { type: volume, path: /var/lib/web }
    temp: { type: volume, path: /tmp/keep }
`);
    expect(result.diagnostics.map((d) => [d.code, d.message, d.line])).toEqual([
      ["resolve.mount-path", "dependencies.data.path /var/lib/web overlaps /var/lib", 13],
      [
        "resolve.mount-path",
        "dependencies.temp.path /tmp/keep overlaps /tmp, the platform's own scratch directory",
        14,
      ],
    ]);
  });
});

describe("volumes and files", () => {
  it("refuses a file inside a scratch volume and a volume at /tmp, on their paths", () => {
    const result = resolveWith(
      service(`  type: worker
  image: ghcr.io/x/web:1.0.0
  volumes:
    - { path: /var/cache/app, emptyDir: { sizeLimit: 1Gi } }
    - { path: /tmp/x, emptyDir: { sizeLimit: 1Gi } }
  files:
    - { path: /var/cache/app/seed.txt, content: seed }
    - { path: /tmp/ok.txt, content: fine }
`),
    );
    expect(result.diagnostics.map((d) => [d.code, d.message, d.line])).toEqual([
      [
        "resolve.mount-path",
        "volumes[1].path /tmp/x overlaps /tmp, the platform's own scratch directory",
        11,
      ],
      ["resolve.mount-path", "files[0].path /var/cache/app/seed.txt overlaps /var/cache/app", 13],
    ]);
  });
});

describe("environment checks", () => {
  it("finds a promotion cycle", () => {
    const result = resolveRepository({
      environments: [
        doc("environments/dev.yaml", DEV.replace("  namespace:", "  promotesFrom: prod\n  namespace:")),
        doc("environments/prod.yaml", PROD),
      ],
      teams: [doc("teams/shop.yaml", TEAM)],
      services: [],
    });
    expect(result.diagnostics.map((d) => [d.code, d.file])).toEqual([
      ["resolve.promotion-cycle", "environments/dev.yaml"],
      ["resolve.promotion-cycle", "environments/prod.yaml"],
    ]);
  });

  it("refuses a namespace template that gives an invalid name", () => {
    const result = resolveRepository({
      environments: [doc("environments/dev.yaml", DEV.replace('"{team}-dev"', '"{team}_dev"'))],
      teams: [doc("teams/shop.yaml", TEAM)],
      services: [],
    });
    expect(result.diagnostics.map((d) => [d.code, d.line])).toEqual([["resolve.namespace", 6]]);
  });
});

describe("resolveRepository with an earlier resolution", () => {
  const environments = [doc("environments/prod.yaml", PROD), doc("environments/dev.yaml", DEV)];
  const teams = [doc("teams/shop.yaml", TEAM)];
  const web = doc("services/web/service.yaml", service("  type: worker\n  image: ghcr.io/x/web:1.0.0\n"));
  const api = doc(
    "services/api/service.yaml",
    service("  type: worker\n  image: ghcr.io/x/api:1.0.0\n").replace("name: web", "name: api"),
  );
  const first = resolveRepository({ environments, teams, services: [web, api] });
  const before = {
    documents: new Map([...environments, ...teams, web, api].map((d) => [d.file, d])),
    services: first.services,
  };
  const byKey = (services: readonly ResolvedService[]) =>
    new Map(services.map((s) => [`${s.name}/${s.environment}`, s]));

  it("takes over the services of unchanged documents and resolves the changed ones", () => {
    const bumped = doc(
      "services/web/service.yaml",
      service("  type: worker\n  image: ghcr.io/x/web:2.0.0\n"),
    );
    const again = resolveRepository({ environments, teams, services: [bumped, api] }, before);
    const was = byKey(first.services);
    const now = byKey(again.services);
    expect(now.get("api/dev")).toBe(was.get("api/dev"));
    expect(now.get("api/prod")).toBe(was.get("api/prod"));
    expect(now.get("web/dev")).not.toBe(was.get("web/dev"));
    expect(now.get("web/dev")?.image).toBe("ghcr.io/x/web:2.0.0");
    // The same resolution as from nothing, in the same order.
    const fresh = resolveRepository({ environments, teams, services: [bumped, api] });
    expect(again.services.map(({ origins: _o, ...rest }) => rest)).toEqual(
      fresh.services.map(({ origins: _o, ...rest }) => rest),
    );
  });

  it("resolves every service again in an environment whose document changed", () => {
    const dev = doc("environments/dev.yaml", DEV.replace("replicas: 1", "replicas: 2"));
    const again = resolveRepository(
      { environments: [environments[0] as LoadedDocument, dev], teams, services: [web, api] },
      before,
    );
    const was = byKey(first.services);
    const now = byKey(again.services);
    expect(now.get("api/prod")).toBe(was.get("api/prod"));
    expect(now.get("api/dev")).not.toBe(was.get("api/dev"));
    expect(now.get("api/dev")?.replicas).toBe(2);
  });
});

describe("expose: loadBalancer", () => {
  const offered = (env: string) =>
    env.replace("  dependencyClasses:\n", "  routing: { loadBalancers: true }\n  dependencyClasses:\n");
  const resolveIn = (environments: { dev: string; prod: string }, spec: string) =>
    resolveRepository({
      environments: [
        doc("environments/prod.yaml", environments.prod),
        doc("environments/dev.yaml", environments.dev),
      ],
      teams: [doc("teams/shop.yaml", TEAM)],
      services: [doc("services/web/service.yaml", service(spec))],
    });
  const WEB = `  type: web
  image: ghcr.io/x/web:1.0.0
  port: 8080
  expose: loadBalancer
`;

  it("is refused on its line where the environment does not offer load balancers", () => {
    const result = resolveIn({ dev: offered(DEV), prod: PROD }, WEB);
    expect(result.diagnostics.map((d) => [d.code, d.message, d.line, d.hint])).toEqual([
      [
        "resolve.load-balancer",
        "expose: loadBalancer is not offered in prod (its routing.loadBalancers is not true)",
        10,
        "give the service a route: with a host name, set expose: cluster for prod under environments:, or ask the platform team for routing.loadBalancers: true",
      ],
    ]);
    expect(result.services.find((s) => s.environment === "dev")?.expose).toBe("loadBalancer");
  });

  it("resolves where offered, and an override turns it off for one environment", () => {
    const result = resolveIn(
      { dev: offered(DEV), prod: PROD },
      `${WEB}  environments:\n    prod: { expose: cluster }\n`,
    );
    expect(result.diagnostics).toEqual([]);
    expect(result.services.map((s) => [s.environment, s.expose])).toEqual([
      ["dev", "loadBalancer"],
      ["prod", undefined],
    ]);
  });

  it("is only for web services", () => {
    const result = resolveIn(
      { dev: offered(DEV), prod: offered(PROD) },
      "  type: worker\n  image: ghcr.io/x/web:1.0.0\n  replicas: 1\n  expose: loadBalancer\n",
    );
    expect(result.diagnostics.map((d) => [d.code, d.message, d.line])).toEqual([
      ["resolve.web-only", "expose is only for web services; web is a worker", 10],
    ]);
  });
});
