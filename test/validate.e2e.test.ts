import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { run } from "../scripts/run.js";
import { snapshotTree } from "./support/fixture-repo.js";

const FIXTURE = join(import.meta.dirname, "fixtures", "minimal");
const temps: string[] = [];

/** A fresh copy of the minimal fixture repository in a temporary folder. */
function makeRepo(): string {
  const root = mkdtempSync(join(tmpdir(), "idp-validate-"));
  temps.push(root);
  cpSync(FIXTURE, root, { recursive: true });
  return root;
}

afterEach(() => {
  for (const root of temps.splice(0)) rmSync(root, { recursive: true, force: true });
});

function edit(root: string, file: string, change: (text: string) => string): void {
  const path = join(root, file);
  writeFileSync(path, change(readFileSync(path, "utf8")));
}

const WEB = "services/web/service.yaml";
const API = "services/api/service.yaml";
const JOB = "services/job/service.yaml";
const DEV = "environments/dev.yaml";
const TEAM = "teams/shop.yaml";

interface Case {
  name: string;
  arrange: (root: string) => void;
  code: string;
  file: string;
  line: number;
  column: number;
  /** Text the message must contain. */
  message?: string;
  hint?: string;
}

const write = (file: string, text: string | Buffer) => (root: string) => {
  mkdirSync(join(root, file, ".."), { recursive: true });
  writeFileSync(join(root, file), text);
};
const replace = (file: string, from: string | RegExp, to: string) => (root: string) =>
  edit(root, file, (text) => {
    const next = text.replace(from, to);
    if (next === text) throw new Error(`fixture edit did not apply: ${String(from)}`);
    return next;
  });

/** Both environments offer dependencyClasses.volume.default, a PersistentVolumeClaim of 1Gi. */
const offerVolumes = (root: string) => {
  for (const file of [DEV, "environments/prod.yaml"]) {
    replace(
      file,
      "  dependencyClasses:\n",
      "  dependencyClasses:\n    volume:\n      default: { volume: { storageClassName: standard, size: 1Gi } }\n",
    )(root);
  }
};

const BILLION_LAUGHS = [
  "a: &a [x, x, x, x, x, x, x, x, x]",
  ...Array.from({ length: 8 }, (_, i) => {
    const prev = String.fromCharCode(97 + i);
    const next = String.fromCharCode(98 + i);
    return `${next}: &${next} [*${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}]`;
  }),
].join("\n");

const cases: Case[] = [
  // load
  {
    name: "syntax error",
    arrange: write(WEB, "apiVersion: idp/v1\nkind: [Service\n"),
    code: "load.syntax",
    file: WEB,
    line: 3,
    column: 1,
  },
  {
    name: "a quote never closed points where the string opens",
    arrange: replace(WEB, "  description: The shop front end\n", '  description: "The shop front end\n'),
    code: "load.syntax",
    file: WEB,
    line: 7,
    column: 16,
    hint: "This quoted string is never closed",
  },
  {
    name: "duplicate key",
    arrange: replace(WEB, "kind: Service\n", "kind: Service\nkind: Service\n"),
    code: "load.duplicate-key",
    file: WEB,
    line: 4,
    column: 1,
    message: "kind",
  },
  {
    name: "alias bomb",
    arrange: write(WEB, `${BILLION_LAUGHS}\n`),
    code: "load.alias",
    file: WEB,
    line: 1,
    column: 4,
  },
  {
    name: "__proto__ key",
    arrange: replace(WEB, "  team: shop\n", "  team: shop\n  __proto__: { polluted: true }\n"),
    code: "load.forbidden-key",
    file: WEB,
    line: 7,
    column: 3,
  },
  {
    name: "constructor key",
    arrange: replace(WEB, "    LOG_LEVEL: info\n", "    constructor: x\n"),
    code: "load.forbidden-key",
    file: WEB,
    line: 21,
    column: 5,
  },
  {
    name: "two documents",
    arrange: replace(JOB, /$/, "---\nkind: Service\n"),
    code: "load.multiple-documents",
    file: JOB,
    line: 16,
    column: 1,
  },
  { name: "empty file", arrange: write(JOB, ""), code: "load.empty", file: JOB, line: 1, column: 1 },
  {
    name: "only comments",
    arrange: write(JOB, "# nothing here\n"),
    code: "load.empty",
    file: JOB,
    line: 1,
    column: 1,
  },
  {
    name: "top level list",
    arrange: write(JOB, "- apiVersion: idp/v1\n"),
    code: "load.not-a-mapping",
    file: JOB,
    line: 1,
    column: 1,
  },
  {
    name: "top level scalar",
    arrange: write(JOB, "just text\n"),
    code: "load.not-a-mapping",
    file: JOB,
    line: 1,
    column: 1,
  },
  {
    name: "invalid UTF-8",
    arrange: write(JOB, Buffer.from([0x61, 0x3a, 0x20, 0xff, 0xfe, 0x0a])),
    code: "load.encoding",
    file: JOB,
    line: 1,
    column: 4,
  },
  {
    name: "file over 1 MiB",
    arrange: write(JOB, `a: "${"x".repeat(1024 * 1024)}"\n`),
    code: "load.too-large",
    file: JOB,
    line: 1,
    column: 1,
  },
  {
    name: "YAML 1.1 directive",
    arrange: write(JOB, "%YAML 1.1\n---\napiVersion: idp/v1\n"),
    code: "load.directive",
    file: JOB,
    line: 1,
    column: 1,
  },
  {
    name: "binary tag",
    arrange: replace(JOB, "  description: Nightly clean-up\n", "  description: !!binary aGVsbG8=\n"),
    code: "load.tag",
    file: JOB,
    line: 7,
    column: 16,
  },
  {
    name: "custom tag",
    arrange: replace(JOB, "  team: shop\n", "  team: !vault shop\n"),
    code: "load.tag",
    file: JOB,
    line: 6,
    column: 9,
  },
  {
    name: "set tag",
    arrange: replace(JOB, "  team: shop\n", "  team: !!set { a, b }\n"),
    code: "load.tag",
    file: JOB,
    line: 6,
    column: 9,
  },
  {
    name: "nesting too deep",
    arrange: write(JOB, `a: ${"[".repeat(200)}${"]".repeat(200)}\n`),
    code: "load.too-deep",
    file: JOB,
    line: 1,
    column: 67,
  },
  {
    name: ".yml extension",
    arrange: (root) => {
      cpSync(join(root, JOB), join(root, "services/extra/service.yml"));
    },
    code: "load.extension",
    file: "services/extra/service.yml",
    line: 1,
    column: 1,
  },
  {
    name: "folder without service.yaml",
    arrange: write("services/orphan/README.md", "hello\n"),
    code: "load.missing-file",
    file: "services/orphan/service.yaml",
    line: 1,
    column: 1,
  },
  {
    name: "a service file directly in services/",
    arrange: (root) => cpSync(join(root, JOB), join(root, "services/wishlist.yaml")),
    code: "load.stray-file",
    file: "services/wishlist.yaml",
    line: 1,
    column: 1,
    hint: "Move it to services/wishlist/service.yaml",
  },
  {
    name: "Service.yaml with a capital letter",
    arrange: (root) => {
      mkdirSync(join(root, "services/extra"));
      cpSync(join(root, JOB), join(root, "services/extra/Service.yaml"));
    },
    code: "load.file-name",
    file: "services/extra/Service.yaml",
    line: 1,
    column: 1,
    hint: "Rename it to services/extra/service.yaml",
  },
  {
    name: "a second YAML file in a service folder",
    arrange: write("services/web/overrides.yaml", "spec: { replicas: 3 }\n"),
    code: "load.stray-file",
    file: "services/web/overrides.yaml",
    line: 1,
    column: 1,
    hint: "services/web/service.yaml",
  },
  {
    name: "an environment file with an upper-case extension",
    arrange: (root) => cpSync(join(root, DEV), join(root, "environments/qa.YAML")),
    code: "load.extension",
    file: "environments/qa.YAML",
    line: 1,
    column: 1,
    hint: "Rename it to environments/qa.yaml",
  },
  {
    name: "no space after a colon (YAML reads one string)",
    arrange: replace(WEB, "  port: 8080\n", "  port:8080\n"),
    code: "load.syntax",
    file: WEB,
    line: 12,
    column: 3,
    hint: "Put a space after the colon: `port: 8080`",
  },
  {
    name: "no space after a colon in a flow mapping",
    arrange: replace(WEB, "{ type: postgres,", "{ type:postgres,"),
    code: "schema.unknown-field",
    file: WEB,
    line: 31,
    column: 11,
    hint: "Put a space after the colon: `type: postgres`",
  },
  // schema
  {
    name: "image without a tag, reported once",
    arrange: replace(WEB, "ghcr.io/example/web:1.2.3", "ghcr.io/example/web"),
    code: "schema.pattern",
    file: WEB,
    line: 11,
    column: 10,
    message: "spec.image must be an image reference with a tag or digest",
  },
  {
    name: "a transposed field name suggests the missing field",
    arrange: replace(WEB, "  tier: standard\n", "  teir: standard\n"),
    code: "schema.unknown-field",
    file: WEB,
    line: 8,
    column: 3,
    hint: 'did you mean "tier"?',
  },
  {
    name: "wrong type",
    arrange: replace(WEB, "  replicas: 2\n", "  replicas: two\n"),
    code: "schema.type",
    file: WEB,
    line: 16,
    column: 13,
    message: 'spec.replicas must be an integer, got "two"',
  },
  {
    name: "misspelled field",
    arrange: replace(WEB, "  replicas: 2\n", "  replica: 2\n"),
    code: "schema.unknown-field",
    file: WEB,
    line: 16,
    column: 3,
    hint: 'did you mean "replicas"?',
  },
  {
    name: "misspelled enum",
    arrange: replace(JOB, "  type: cron\n", "  type: cronn\n"),
    code: "schema.enum",
    file: JOB,
    line: 10,
    column: 9,
    hint: 'did you mean "cron"?',
  },
  {
    name: "missing required field",
    arrange: replace(JOB, "  team: shop\n", ""),
    code: "schema.required",
    file: JOB,
    line: 4,
    column: 1,
    message: '"team"',
  },
  {
    name: "wrong apiVersion",
    arrange: replace(JOB, "apiVersion: idp/v1", "apiVersion: idp/v2"),
    code: "schema.const",
    file: JOB,
    line: 2,
    column: 13,
  },
  {
    name: "bad cpu quantity",
    arrange: replace(JOB, "    cpu: 100m\n", "    cpu: lots\n"),
    code: "schema.pattern",
    file: JOB,
    line: 14,
    column: 10,
  },
  {
    name: "bad service name",
    arrange: replace(JOB, "  name: job\n", "  name: Job_1\n"),
    code: "schema.pattern",
    file: JOB,
    line: 5,
    column: 9,
  },
  {
    name: "unknown field in an environment",
    arrange: replace(DEV, "  domain: dev.example.test\n", "  domain: dev.example.test\n  domian: x\n"),
    code: "schema.unknown-field",
    file: DEV,
    line: 10,
    column: 3,
    hint: 'did you mean "domain"?',
  },
  {
    name: "override sets the type",
    arrange: replace(WEB, "      replicas: 1\n", "      replicas: 1\n      type: worker\n"),
    code: "schema.unknown-field",
    file: WEB,
    line: 36,
    column: 7,
  },
  // resolve
  {
    name: "unknown team",
    arrange: replace(JOB, "  team: shop\n", "  team: shoop\n"),
    code: "resolve.unknown-team",
    file: JOB,
    line: 6,
    column: 9,
    hint: 'did you mean "shop"?',
  },
  {
    name: "name differs from folder",
    arrange: replace(JOB, "  name: job\n", "  name: jobs\n"),
    code: "resolve.name-mismatch",
    file: JOB,
    line: 5,
    column: 9,
  },
  {
    name: "calls an unknown service",
    arrange: replace(WEB, "  calls: [api]\n", "  calls: [apii]\n"),
    code: "resolve.unknown-service",
    file: WEB,
    line: 29,
    column: 11,
    hint: 'did you mean "api"?',
  },
  {
    name: "calls a cron",
    arrange: replace(WEB, "  calls: [api]\n", "  calls: [api, job]\n"),
    code: "resolve.call-not-web",
    file: WEB,
    line: 29,
    column: 10,
  },
  {
    name: "override of an unknown environment",
    arrange: replace(WEB, "    dev:\n", "    qa:\n"),
    code: "resolve.unknown-environment",
    file: WEB,
    line: 33,
    column: 5,
  },
  {
    name: "two services claim one host",
    arrange: replace(API, "  autoscale:", "  route: { host: www.example.test }\n  autoscale:"),
    code: "resolve.duplicate-host",
    file: WEB,
    line: 14,
    column: 11,
    message: "already claimed by api",
  },
  {
    name: "replicas and autoscale",
    arrange: replace(JOB, "  schedule:", "  replicas: 1\n  autoscale: { min: 1, max: 2 }\n  schedule:"),
    code: "resolve.replicas-and-autoscale",
    file: JOB,
    line: 13,
    column: 3,
  },
  {
    name: "autoscale min above max",
    arrange: replace(API, "{ min: 2, max: 6, cpu: 70 }", "{ min: 8, max: 6, cpu: 70 }"),
    code: "resolve.autoscale-range",
    file: API,
    line: 14,
    column: 21,
  },
  {
    name: "route on a cron",
    arrange: replace(JOB, "  schedule:", "  route: { host: job.example.test }\n  schedule:"),
    code: "resolve.web-only",
    file: JOB,
    line: 12,
    column: 3,
  },
  {
    name: "cron without schedule",
    arrange: replace(JOB, '  schedule: "0 3 * * *"\n', ""),
    code: "resolve.cron-needs-schedule",
    file: JOB,
    line: 10,
    column: 9,
  },
  {
    name: "schedule on a web service",
    arrange: replace(API, "  autoscale:", '  schedule: "* * * * *"\n  autoscale:'),
    code: "resolve.cron-only",
    file: API,
    line: 14,
    column: 3,
  },
  {
    name: "secret value instead of reference",
    arrange: replace(
      WEB,
      "    SESSION_KEY: shop/web#session_key\n",
      "    SESSION_KEY: sk_live_4eC39HqLyjWDarjtT1zdp7dc\n",
    ),
    code: "resolve.secret-reference",
    file: WEB,
    line: 25,
    column: 18,
    message: "not shown",
  },
  {
    name: "port and ports",
    arrange: replace(WEB, "  port: 8080\n", "  port: 8080\n  ports: [{ name: http, port: 80 }]\n"),
    code: "resolve.port-and-ports",
    file: WEB,
    line: 13,
    column: 3,
  },
  {
    name: "unknown dependency type",
    arrange: replace(WEB, "{ type: postgres, size: small }", "{ type: redis }"),
    code: "resolve.unknown-dependency-class",
    file: WEB,
    line: 31,
    column: 17,
  },
  {
    name: "unknown dependency size",
    arrange: replace(WEB, "{ type: postgres, size: small }", "{ type: postgres, size: huge }"),
    code: "resolve.unknown-dependency-class",
    file: WEB,
    line: 31,
    column: 33,
  },
  {
    name: "placeholder for a missing output",
    arrange: replace(WEB, "${dependencies.db.uri}", "${dependencies.db.password}"),
    code: "resolve.placeholder",
    file: WEB,
    line: 22,
    column: 19,
    message: '"password"',
  },
  {
    name: "placeholder for an undeclared call",
    arrange: replace(WEB, "${calls.api.address}", "${calls.job.host}"),
    code: "resolve.placeholder",
    file: WEB,
    line: 23,
    column: 15,
    message: "not in calls",
  },
  {
    name: "placeholder of an unknown kind",
    arrange: replace(WEB, "    LOG_LEVEL: info\n", "    LOG_LEVEL: ${env.LEVEL}\n"),
    code: "resolve.placeholder",
    file: WEB,
    line: 21,
    column: 16,
  },
  {
    name: "gRPC probe on the Service port instead of the container port",
    arrange: (root) => {
      replace(
        API,
        "{ name: grpc, port: 5050, targetPort: 5050, protocol: grpc }",
        "{ name: grpc, port: 5000, targetPort: 8080, protocol: grpc }",
      )(root);
      replace(API, "readiness: { grpc: { port: 5050 } }", "readiness: { grpc: { port: 5000 } }")(root);
      replace(API, "liveness: { grpc: { port: 5050 }", "liveness: { grpc: { port: 8080 }")(root);
    },
    code: "resolve.probe-port",
    file: API,
    line: 17,
    column: 32,
    message: "probes.readiness asks for port 5000, the Service port of grpc; the container listens on 8080",
    hint: "use port: 8080 (or its name, grpc)",
  },
  {
    name: "HTTP path probe on a gRPC-only service",
    arrange: replace(API, "readiness: { grpc: { port: 5050 } }", "readiness: /ready"),
    code: "resolve.probe-port",
    file: API,
    line: 17,
    column: 16,
    message:
      "probes.readiness is an HTTP check on the first http port, but the container declares no http port",
    hint: "declared ports: grpc 5050 (grpc); check a gRPC server with { grpc: { port: grpc } }",
  },
  {
    name: "HTTP probe naming a gRPC port",
    arrange: replace(
      API,
      "readiness: { grpc: { port: 5050 } }",
      "readiness: { http: { path: /ready, port: grpc } }",
    ),
    code: "resolve.probe-port",
    file: API,
    line: 17,
    column: 46,
    message: "probes.readiness is an HTTP check on port grpc (5050), which speaks grpc",
    hint: "use a grpc probe",
  },
  {
    name: "gRPC probe on an HTTP port",
    arrange: replace(WEB, "    liveness: /healthz\n", "    liveness: { grpc: { port: 8080 } }\n"),
    code: "resolve.probe-port",
    file: WEB,
    line: 28,
    column: 31,
    message: "probes.liveness is a gRPC check on port http (8080), which speaks http",
    hint: "declared ports: http 8080 (http)",
  },
  {
    name: "probe naming an undeclared port",
    arrange: replace(API, "liveness: { grpc: { port: 5050 }", "liveness: { grpc: { port: grcp }"),
    code: "resolve.probe-port",
    file: API,
    line: 18,
    column: 31,
    message: 'probes.liveness asks for a port named "grcp", which the container does not declare',
    hint: 'did you mean "grpc"? declared ports: grpc 5050 (grpc)',
  },
  {
    name: "volume dependency on an autoscaled service",
    arrange: (root) => {
      offerVolumes(root);
      replace(
        API,
        "  probes:\n",
        "  dependencies:\n    data: { type: volume, path: /var/lib/api }\n  probes:\n",
      )(root);
    },
    code: "resolve.volume-replicas",
    file: API,
    line: 14,
    column: 14,
    message: "autoscale runs up to 6 pods, but dependency data is a ReadWriteOnce volume that one pod mounts",
    hint: "set replicas: 1 (without autoscale)",
  },
  {
    name: "volume dependency without a path",
    arrange: (root) => {
      offerVolumes(root);
      replace(JOB, /\nspec:\n/, "\nspec:\n  dependencies:\n    data: { type: volume }\n")(root);
    },
    code: "resolve.volume-path",
    file: JOB,
    line: 11,
    column: 11,
    message: "dependency data (volume) is a volume in dev and prod and needs a path to be mounted at",
    hint: "add path:",
  },
  {
    name: "memory limit below request",
    arrange: replace(API, "memory: 512Mi }", "memory: 128Mi }"),
    code: "resolve.limit-below-request",
    file: API,
    line: 15,
    column: 70,
  },
  {
    name: "promotes from an unknown environment",
    arrange: replace("environments/prod.yaml", "promotesFrom: dev", "promotesFrom: stage"),
    code: "resolve.unknown-environment",
    file: "environments/prod.yaml",
    line: 8,
    column: 17,
  },
  {
    name: "environment name differs from file",
    arrange: replace(DEV, "  name: dev\n", "  name: develop\n"),
    code: "resolve.name-mismatch",
    file: DEV,
    line: 5,
    column: 9,
  },
  {
    name: "team file with an unknown field",
    arrange: replace(TEAM, "  members:", "  member: [carol]\n  members:"),
    code: "schema.unknown-field",
    file: TEAM,
    line: 8,
    column: 3,
    hint: 'did you mean "members"?',
  },
];

describe("idp validate refuses bad input with one clear diagnostic", () => {
  it("accepts the untouched fixture", async () => {
    const root = makeRepo();
    const outcome = await run(["validate", "--root", root, "--format", "json"]);
    expect(JSON.parse(outcome.stdout).diagnostics).toEqual([]);
    expect(outcome.exitCode).toBe(0);
  });

  it.each(cases)("$name", async ({ arrange, code, file, line, column, message, hint }) => {
    const root = makeRepo();
    arrange(root);
    const before = snapshotTree(root);
    const outcome = await run(["validate", "--root", root, "--format", "json"]);
    expect(outcome.stderr).toBe("");
    expect(outcome.exitCode).toBe(1);
    const diagnostics = JSON.parse(outcome.stdout).diagnostics as {
      code: string;
      file: string;
      line: number;
      column: number;
      message: string;
      hint?: string;
    }[];
    const found = diagnostics.find((d) => d.code === code);
    expect(found, JSON.stringify(diagnostics, null, 2)).toBeDefined();
    expect({ file: found?.file, line: found?.line, column: found?.column }).toEqual({ file, line, column });
    if (message) expect(found?.message).toContain(message);
    if (hint) expect(found?.hint).toContain(hint);
    expect(diagnostics.filter((d) => d.code === code && d.file === file && d.line === line)).toHaveLength(1);
    expect(snapshotTree(root)).toEqual(before);
  });

  it("never prints a secret value it refuses", async () => {
    const root = makeRepo();
    replace(
      WEB,
      "    SESSION_KEY: shop/web#session_key\n",
      "    SESSION_KEY: sk_live_4eC39HqLyjWDarjtT1zdp7dc\n",
    )(root);
    const text = await run(["validate", "--root", root]);
    const json = await run(["validate", "--root", root, "--format", "json"]);
    for (const outcome of [text, json]) {
      const printed = outcome.stdout
        .split("\n")
        .filter((l) => !/^\s+\d+ \|/.test(l))
        .join("\n");
      expect(printed).not.toContain("sk_live_4eC39HqLyjWDarjtT1zdp7dc");
    }
  });

  it("refuses a symlinked service folder and never echoes the target's content", async () => {
    const root = makeRepo();
    const outside = mkdtempSync(join(tmpdir(), "idp-outside-"));
    temps.push(outside);
    writeFileSync(join(outside, "service.yaml"), "TOP-SECRET-CONTENT: 1\n");
    symlinkSync(outside, join(root, "services", "linked"));
    const outcome = await run(["validate", "--root", root]);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.stdout).toContain("services/linked");
    expect(outcome.stdout).not.toContain("TOP-SECRET-CONTENT");
  });

  it("refuses a symlinked service file that points outside the root", async () => {
    const root = makeRepo();
    const outside = mkdtempSync(join(tmpdir(), "idp-outside-"));
    temps.push(outside);
    writeFileSync(join(outside, "passwd"), "root:x:0:0:TOP-SECRET\n");
    rmSync(join(root, JOB));
    symlinkSync(join(outside, "passwd"), join(root, JOB));
    const outcome = await run(["validate", "--root", root, "--format", "json"]);
    expect(outcome.exitCode).toBe(1);
    const diagnostics = JSON.parse(outcome.stdout).diagnostics as { code: string; file: string }[];
    expect(diagnostics.some((d) => d.file === JOB && d.code.startsWith("load."))).toBe(true);
    expect(outcome.stdout).not.toContain("TOP-SECRET");
  });

  it("a service that does not parse is still a service: its callers are not reported", async () => {
    const root = makeRepo();
    replace(API, "  type: web\n", "  type: [web\n")(root);
    const outcome = await run(["validate", "--root", root, "--format", "json"]);
    expect(outcome.exitCode).toBe(1);
    const diagnostics = JSON.parse(outcome.stdout).diagnostics as { code: string; file: string }[];
    expect(diagnostics.filter((d) => d.file !== API)).toEqual([]);
    expect(diagnostics.every((d) => d.code === "load.syntax")).toBe(true);
  });

  it("a schema error does not hide the file's other mistakes: an unknown team, environment or call", async () => {
    const root = makeRepo();
    replace(WEB, "  replicas: 2\n", "  replicas: two\n")(root);
    replace(WEB, "  team: shop\n", "  team: shopp\n")(root);
    replace(WEB, "  calls: [api]\n", "  calls: [api, apl]\n")(root);
    replace(WEB, "    dev:\n", "    dve:\n")(root);
    const outcome = await run(["validate", "--root", root, "--format", "json"]);
    expect(outcome.exitCode).toBe(1);
    const diagnostics = JSON.parse(outcome.stdout).diagnostics as {
      code: string;
      line: number;
      hint?: string;
    }[];
    expect(diagnostics.map((d) => [d.code, d.line, d.hint])).toEqual([
      ["resolve.unknown-team", 6, 'did you mean "shop"?'],
      ["schema.type", 16, undefined],
      ["resolve.unknown-service", 29, 'did you mean "api"?'],
      ["resolve.unknown-environment", 33, 'did you mean "dev"?'],
    ]);
  });

  it("a value that fails its schema is not reported again by resolve", async () => {
    const root = makeRepo();
    replace(WEB, "  team: shop\n", "  team: Shop_Team\n")(root);
    replace(WEB, "  calls: [api]\n", "  calls: [api, Not_A_Name]\n")(root);
    const outcome = await run(["validate", "--root", root, "--format", "json"]);
    const diagnostics = JSON.parse(outcome.stdout).diagnostics as { code: string; line: number }[];
    expect(diagnostics.map((d) => [d.code, d.line])).toEqual([
      ["schema.pattern", 6],
      ["schema.pattern", 29],
    ]);
  });

  it("reports every error of a file at once, in file order", async () => {
    const root = makeRepo();
    replace(JOB, "  type: cron\n", "  type: cronn\n")(root);
    replace(JOB, "    cpu: 100m\n", "    cpu: lots\n")(root);
    const outcome = await run(["validate", "--root", root, "--format", "json"]);
    const diagnostics = JSON.parse(outcome.stdout).diagnostics as { code: string; line: number }[];
    expect(diagnostics.map((d) => [d.code, d.line])).toEqual([
      ["schema.enum", 10],
      ["schema.pattern", 14],
    ]);
  });
});

describe("idp validate output formats", () => {
  it("prints the source line and a caret in text format", async () => {
    const root = makeRepo();
    replace(WEB, "  replicas: 2\n", "  replicas: two\n")(root);
    const outcome = await run(["validate", "--root", root]);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.stdout).toContain(
      [
        `${WEB}:16:13: error schema.type: spec.replicas must be an integer, got "two"`,
        "   16 |   replicas: two",
        "      |             ^",
      ].join("\n"),
    );
  });

  it("prints the source line and a caret under a YAML syntax error", async () => {
    const root = makeRepo();
    replace(WEB, "  port: 8080\n", "  port:8080\n")(root);
    const outcome = await run(["validate", "--root", root]);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.stdout).toContain(
      [
        `${WEB}:12:3: error load.syntax: YAML syntax error: Implicit keys need to be on a single line`,
        "   12 |   port:8080",
        "      |   ^",
        "  hint: Put a space after the colon: `port: 8080` (`port:8080` is read as one string)",
      ].join("\n"),
    );
  });

  it("prints GitHub workflow annotations", async () => {
    const root = makeRepo();
    replace(WEB, "  replicas: 2\n", "  replica: 2\n")(root);
    const outcome = await run(["validate", "--root", root, "--format", "github"]);
    expect(outcome.stdout).toContain(
      `::error file=${WEB},line=16,col=3,title=schema.unknown-field::unknown field "replica" in spec%0Ahint: did you mean "replicas"?`,
    );
  });

  it("prints a Markdown table", async () => {
    const root = makeRepo();
    replace(WEB, "  replicas: 2\n", "  replica: 2\n")(root);
    const outcome = await run(["validate", "--root", root, "--format", "markdown"]);
    expect(outcome.stdout).toContain(`| ❌ | \`${WEB}:16:3\` | \`schema.unknown-field\` |`);
  });
});

describe("usage and internal errors exit 2 without a stack trace", () => {
  it.each([
    [["validate", "--format", "yaml"], "--format"],
    [["validate", "--bogus"], "--bogus"],
    [["frobnicate"], "frobnicate"],
  ])("%j", async (argv, mention) => {
    const outcome = await run(argv);
    expect(outcome.exitCode).toBe(2);
    expect(outcome.stderr).toContain(mention);
    expect(outcome.stderr).not.toMatch(/\n\s+at /);
  });

  it("reports a broken schema as an internal problem, naming the file", async () => {
    const root = makeRepo();
    mkdirSync(join(root, "schemas"));
    for (const name of ["service", "environment", "team"])
      writeFileSync(join(root, "schemas", `${name}.schema.json`), "{ not json");
    const outcome = await run(["validate", "--root", root]);
    expect(outcome.exitCode).toBe(2);
    expect(outcome.stderr).toMatch(/schemas\/(service|environment|team)\.schema\.json is not a JSON object/);
    expect(outcome.stderr).not.toMatch(/\n\s+at /);
  });

  it("reports a root that does not exist", async () => {
    const outcome = await run(["validate", "--root", join(tmpdir(), "idp-no-such-root")]);
    expect(outcome.exitCode).toBe(2);
    expect(outcome.stderr).toContain("idp-no-such-root");
  });
});
