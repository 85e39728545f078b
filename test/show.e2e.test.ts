import { cpSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { showCommand } from "../scripts/commands/show.js";
import { validateRepository } from "../scripts/model/validate-repository.js";
import { run } from "../scripts/run.js";
import { fixtureRepos, snapshotTree } from "./support/fixture-repo.js";
import { commit, edit, git, pinToday } from "./support/suite.js";

const ROOT = join(import.meta.dirname, "..");
const fixture = fixtureRepos("idp-show");
pinToday("2026-11-25");

const WEB = "services/web/service.yaml";

/** The minimal fixture, rendered and committed in a fresh git repository; `prepare` runs before the render. */
async function repository(prepare: (root: string) => void = () => undefined): Promise<string> {
  const root = fixture();
  prepare(root);
  const rendered = await run(["render", "--root", root]);
  expect(rendered.exitCode, rendered.stdout).toBe(0);
  git(root, "init", "-q", "-b", "main");
  commit(root, "init");
  return root;
}

/** The 1-based line of `root/file` that contains `needle` (exactly one must). */
function lineOf(root: string, file: string, needle: string): number {
  const lines = readFileSync(join(root, file), "utf8").split("\n");
  const found = lines.flatMap((line, index) => (line.includes(needle) ? [index + 1] : []));
  if (found.length !== 1) throw new Error(`${needle} is on ${found.length} lines of ${file}`);
  return found[0] as number;
}

/** `file:line:column` of the value that ends `needle` ("replicas: 2" → where the 2 is), found in the file's text. */
function at(root: string, file: string, needle: string, value: string): string {
  const line = lineOf(root, file, needle);
  const text = readFileSync(join(root, file), "utf8").split("\n")[line - 1] as string;
  return `${file}:${line}:${text.indexOf(needle) + needle.lastIndexOf(value) + 1}`;
}

/** The line of the shown YAML that sets `key` (the first one, after `from` when given). */
function shownLine(stdout: string, key: RegExp): string {
  const line = stdout.split("\n").find((l) => key.test(l));
  if (line === undefined) throw new Error(`no ${key} in\n${stdout}`);
  return line;
}

describe("idp show", () => {
  it("annotates a value from each layer: an environment default, the service spec and a per-environment override", async () => {
    const root = await repository();
    // job sets no replicas: prod's defaults give 2
    const job = await run(["show", "job", "--env", "prod", "--root", root]);
    expect(job.exitCode, job.stderr).toBe(0);
    expect(shownLine(job.stdout, /^replicas:/)).toBe(
      `replicas: 2  # ${at(root, "environments/prod.yaml", "defaults: { replicas: 2", "2")} (environment default)`,
    );

    const prod = await run(["show", "web", "--env", "prod", "--root", root]);
    expect(prod.exitCode, prod.stderr).toBe(0);
    expect(shownLine(prod.stdout, /^replicas:/)).toBe(
      `replicas: 2  # ${at(root, WEB, "  replicas: 2", "2")} (service spec)`,
    );

    const dev = await run(["show", "web", "--env", "dev", "--root", root]);
    expect(shownLine(dev.stdout, /^replicas:/)).toBe(
      `replicas: 1  # ${at(root, WEB, "      replicas: 1", "1")} (override spec.environments.dev)`,
    );
    expect(shownLine(dev.stdout, /^ {2}host:/)).toBe(
      `  host: www.dev.example.test  # ${at(root, WEB, "host: www.dev.example.test", "www")} (override spec.environments.dev)`,
    );
    // the spec's path stays under the override's host: mappings merge key by key
    expect(shownLine(dev.stdout, /^ {2}path:/)).toBe(
      `  path: /  # ${at(root, WEB, "path: /", "/")} (service spec)`,
    );
  });

  it("follows an edit: a value moved into the override is annotated with the override's line", async () => {
    const root = await repository((r) =>
      edit(
        r,
        WEB,
        "      replicas: 1\n",
        "      replicas: 1\n    prod:\n      image: ghcr.io/example/web:1.3.0\n",
      ),
    );
    const prod = await run(["show", "web", "--env", "prod", "--root", root, "--format", "json"]);
    const shown = JSON.parse(prod.stdout) as {
      environments: { values: { image: string }; sources: { path: string; where: string }[] }[];
    };
    const [environment] = shown.environments;
    expect(environment?.values.image).toBe("ghcr.io/example/web:1.3.0");
    expect(environment?.sources.find((s) => s.path === "image")?.where).toBe(
      `${at(root, WEB, "image: ghcr.io/example/web:1.3.0", "ghcr")} (override spec.environments.prod)`,
    );
  });

  it("without --env shows every environment in promotion order; built-in defaults say so", async () => {
    const root = await repository();
    const outcome = await run(["show", "job", "--root", root]);
    expect(outcome.exitCode).toBe(0);
    const documents = outcome.stdout.split("---\n");
    expect(documents.map((d) => d.split("\n")[0])).toEqual(["# job in dev", "# job in prod"]);
    expect(outcome.stdout).toContain("    memory: 128Mi  # services/job/service.yaml:");
    expect(outcome.stdout).toMatch(/the memory request, as no limit is set/);
    // tier comes from metadata; a service without a route has none shown
    expect(outcome.stdout).not.toContain("route:");
    expect(parse(documents[1] as string)).toMatchObject({ name: "job", environment: "prod", replicas: 2 });
    // a value no file sets is the resolver's own default
    edit(root, WEB, "    path: /\n", "");
    const web = await run(["show", "web", "--env", "prod", "--root", root]);
    expect(shownLine(web.stdout, /^ {2}path:/)).toBe("  path: /  # built-in default");
  });

  it("annotates observability values the environment's observability block sets with its lines", async () => {
    const PROD = "environments/prod.yaml";
    const root = await repository((r) =>
      edit(
        r,
        PROD,
        "spec:\n",
        "spec:\n  observability:\n    interval: 45s\n    window: 28d\n    objectives:\n" +
          "      critical: { availability: 99.95, latency: { threshold: 0.25, objective: 99 } }\n",
      ),
    );
    const api = await run(["show", "api", "--env", "prod", "--root", root]);
    expect(api.exitCode, api.stderr).toBe(0);
    expect(shownLine(api.stdout, /^ {4}interval:/)).toBe(
      `    interval: 45s  # ${at(root, PROD, "interval: 45s", "45s")} (environment default)`,
    );
    expect(shownLine(api.stdout, /^ {4}window:/)).toBe(
      `    window: 28d  # ${at(root, PROD, "window: 28d", "28d")} (environment default)`,
    );
    expect(shownLine(api.stdout, /^ {6}threshold:/)).toBe(
      `      threshold: 0.25  # ${at(root, PROD, "threshold: 0.25", "0.25")} (environment default)`,
    );
    expect(shownLine(api.stdout, /^ {6}objective:/)).toBe(
      `      objective: 99  # ${at(root, PROD, "objective: 99", "99")} (environment default)`,
    );
    // the service's own objective wins over its tier's, and says so; what nobody sets is built in
    expect(shownLine(api.stdout, /^ {4}availability:/)).toBe(
      `    availability: 99.9  # ${at(root, "services/api/service.yaml", "availability: 99.9", "99.9")} (service spec)`,
    );
    expect(shownLine(api.stdout, /^ {4}path:/)).toBe("    path: /metrics  # built-in default");
  });

  it("--manifests prints exactly the file idp render wrote", async () => {
    const root = await repository();
    for (const environment of ["dev", "prod"]) {
      const shown = await run(["show", "web", "--env", environment, "--manifests", "--root", root]);
      expect(shown.exitCode).toBe(0);
      expect(shown.stdout).toBe(
        readFileSync(join(root, `manifests/${environment}/web/manifest.yaml`), "utf8"),
      );
    }
    const both = await run(["show", "web", "--manifests", "--root", root]);
    expect(both.stdout).toContain("# manifests/dev/web/manifest.yaml\n");
    expect(both.stdout).toContain("# manifests/prod/web/manifest.yaml\n");
  });

  it("says where a service is not enabled, and renders nothing there", async () => {
    const root = await repository();
    edit(root, WEB, "      replicas: 1\n", "      replicas: 1\n    prod: { enabled: false }\n");
    const note = `# web is not enabled in prod (${WEB}:${lineOf(root, WEB, "prod: { enabled: false }")} spec.environments.prod.enabled)\n`;
    const settings = await run(["show", "web", "--root", root]);
    expect(settings.exitCode, settings.stderr).toBe(0);
    expect(settings.stdout.split("---\n")[1]).toBe(note);
    const manifests = await run(["show", "web", "--env", "prod", "--manifests", "--root", root]);
    expect(manifests).toMatchObject({ exitCode: 0, stdout: note });
  });

  it.each([
    [["show", "wbe"], 'idp: no service named "wbe"; did you mean "web"?\n'],
    [["show", "web", "--env", "prd"], 'idp: no environment named "prd"; did you mean "prod"?\n'],
    [["show", "zzzzzz"], 'idp: no service named "zzzzzz"; known: api, job, web (in services/)\n'],
  ])("%j is refused with exit 1 and a suggestion", async (argv, message) => {
    const root = await repository();
    const outcome = await run([...argv, "--root", root]);
    expect(outcome).toMatchObject({ exitCode: 1, stdout: "", stderr: message });
  });

  it("refuses a service whose file is invalid, with the finding, and writes nothing", async () => {
    const root = await repository();
    edit(root, WEB, "  replicas: 2\n", "  replicas: two\n");
    const before = snapshotTree(root);
    const outcome = await run(["show", "web", "--root", root]);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.stderr).toContain(`${at(root, WEB, "  replicas: two", "two")}: error schema.type`);
    expect(snapshotTree(root)).toEqual(before);
  });

  it("escapes hostile values for the terminal, and the YAML still parses back to them", async () => {
    const hostile = "x\u001b]0;pwned\u0007\u202egnp.exe";
    const root = await repository((r) =>
      edit(
        r,
        WEB,
        "    LOG_LEVEL: info\n",
        `    LOG_LEVEL: info\n    EVIL: "${JSON.stringify(hostile).slice(1, -1)}"\n`,
      ),
    );
    for (const format of ["text", "yaml"]) {
      const outcome = await run(["show", "web", "--env", "prod", "--format", format, "--root", root]);
      expect(outcome.exitCode, outcome.stderr).toBe(0);
      for (const raw of ["\u001b", "\u0007", "\u202e"]) expect(outcome.stdout).not.toContain(raw);
      expect(shownLine(outcome.stdout, /^ {2}EVIL:/)).toMatch(
        /^ {2}EVIL: "x\\u001b\]0;pwned\\u0007\\u202egnp\.exe"/,
      );
      expect((parse(outcome.stdout) as { env: Record<string, string> }).env.EVIL).toBe(hostile);
    }
  });

  it("shows secrets by their reference only, and hides a credential the policy flags", async () => {
    const credential = "AKIAZ7QMYKEXAMPLE123";
    const root = await repository((r) =>
      cpSync(join(ROOT, "policies"), join(r, "policies"), { recursive: true }),
    );
    // Denied by validate and render; show still shows the service, without the value.
    edit(root, WEB, "    LOG_LEVEL: info\n", `    LOG_LEVEL: info\n    AWS_KEY: ${credential}\n`);
    for (const argv of [[], ["--format", "json"], ["--manifests"]]) {
      const outcome = await run(["show", "web", "--env", "prod", ...argv, "--root", root]);
      expect(outcome.exitCode, outcome.stderr).toBe(0);
      expect(outcome.stdout).not.toContain(credential);
      expect(outcome.stdout).toContain("[REDACTED]");
    }
    const text = await run(["show", "web", "--env", "prod", "--root", root]);
    expect(shownLine(text.stdout, /^ {2}SESSION_KEY:/)).toMatch(
      /^ {2}SESSION_KEY: shop\/web#session_key {2}# /,
    );
  });
});

describe("idp show hides credentials beyond env", () => {
  it("redacts a sidecar's env value and a file's content the policy flags", async () => {
    const sidecarKey = "AKIAZ7QMYKEXAMPLE456";
    const fileKey = "AKIAZ7QMYKEXAMPLE789";
    const root = await repository((r) =>
      cpSync(join(ROOT, "policies"), join(r, "policies"), { recursive: true }),
    );
    edit(
      root,
      WEB,
      "  env:\n",
      `  sidecars:\n    - name: proxy\n      image: ghcr.io/example/proxy:1.0.0\n      env: { UPSTREAM_KEY: ${sidecarKey} }\n      resources: { cpu: 10m, memory: 32Mi }\n  files:\n    - { path: /etc/web/key.txt, content: ${fileKey} }\n  env:\n`,
    );
    for (const argv of [[], ["--format", "json"]]) {
      const outcome = await run(["show", "web", "--env", "prod", ...argv, "--root", root]);
      expect(outcome.exitCode, outcome.stderr).toBe(0);
      expect(outcome.stdout).toContain("proxy");
      expect(outcome.stdout).not.toContain(sidecarKey);
      expect(outcome.stdout).not.toContain(fileKey);
    }
  });
});

describe("idp show on the repository's own examples", () => {
  const examples = validateRepository(ROOT);

  it("prints what resolve resolved, and every source points at the text of the value it annotates", async () => {
    expect(examples.services.length).toBeGreaterThan(10);
    const texts = new Map<string, string[]>();
    const lines = (file: string) => {
      let cached = texts.get(file);
      if (!cached) {
        cached = readFileSync(join(ROOT, file), "utf8").split("\n");
        texts.set(file, cached);
      }
      return cached;
    };
    for (const service of examples.services) {
      const options = {
        root: ROOT,
        service: service.name,
        environment: service.environment,
        manifests: false,
      };
      const yaml = await showCommand({ ...options, format: "yaml" });
      const { origins: _origins, dependencies, ...settings } = service;
      const {
        file: _file,
        dependencies: shownDependencies,
        ...shown
      } = parse(yaml.stdout) as Record<string, unknown>;
      // show leaves out what is empty (no calls, no secrets, no description)
      const expected = Object.fromEntries(
        Object.entries(
          JSON.parse(JSON.stringify({ ...settings, file: undefined })) as Record<string, unknown>,
        ).filter(
          ([, v]) =>
            v !== "" &&
            !(Array.isArray(v) && v.length === 0) &&
            !(typeof v === "object" && v !== null && Object.keys(v).length === 0),
        ),
      );
      expect(shown).toEqual(expected);
      expect(Object.keys(shownDependencies ?? {})).toEqual(dependencies.map((d) => d.name));

      const json = JSON.parse((await showCommand({ ...options, format: "json" })).stdout) as {
        environments: {
          sources: {
            path: string;
            source: { file?: string; line?: number; column?: number; note?: string };
          }[];
        }[];
      };
      for (const { path, source } of json.environments[0]?.sources ?? []) {
        if (!source.file || source.note) continue;
        const value = path.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown>)?.[k], shown);
        if (typeof value === "object" || value === undefined) continue;
        const at = (lines(source.file)[(source.line ?? 0) - 1] ?? "").slice((source.column ?? 1) - 1);
        expect(
          [value, `"${value}"`, `'${value}'`].some((v) => at.startsWith(String(v))),
          `${service.name}/${service.environment} ${path} at ${source.file}:${source.line}:${source.column}: ${at}`,
        ).toBe(true);
      }
    }
  }, 120_000);
});
