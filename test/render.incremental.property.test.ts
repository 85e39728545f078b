import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { generateRepository } from "../bench/generate-repository.js";
import { renderCommand } from "../scripts/commands/render.js";

// Incremental rendering must never differ from a full render. For random
// generated repositories and random edits of what a render reads (a service,
// an environment default, a dependency class, a team, a call between
// services, a policy exception), `idp render` (which renders only files
// whose key changed) must leave manifests/ byte for byte as `idp render
// --full` of the same sources does; and a hand edit of any rendered file must
// fail `render --check`. Fixed seed; more runs:
//   IDP_PROPERTY_RUNS=200 IDP_PROPERTY_SEED=7 npx vitest run --project unit test/render.incremental.property.test.ts
const RUNS = Number(process.env.IDP_PROPERTY_RUNS ?? 8);
const SEED = Number(process.env.IDP_PROPERTY_SEED ?? 20261205);

const scratch = mkdtempSync(join(tmpdir(), "idp-incremental-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let made = 0;

type Edit =
  | { kind: "service-image"; pick: number; tag: number }
  | { kind: "service-env"; pick: number; value: string }
  | { kind: "drop-call"; pick: number }
  | { kind: "service-port"; pick: number; port: number }
  | { kind: "environment-default"; pick: number; memory: string }
  | { kind: "dependency-class"; pick: number; storage: number }
  | { kind: "team"; pick: number; member: string }
  | { kind: "exception"; pick: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant("service-image" as const), pick: fc.nat(), tag: fc.nat({ max: 99 }) }),
  fc.record({
    kind: fc.constant("service-env" as const),
    pick: fc.nat(),
    value: fc.string({ minLength: 1, maxLength: 8 }),
  }),
  // Edits that change what other services render (their callers, callees) weigh more.
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("drop-call" as const), pick: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("service-port" as const),
      pick: fc.nat(),
      port: fc.integer({ min: 1024, max: 9999 }),
    }),
  },
  fc.record({
    kind: fc.constant("environment-default" as const),
    pick: fc.nat(),
    memory: fc.constantFrom("32Mi", "96Mi", "128Mi"),
  }),
  fc.record({
    kind: fc.constant("dependency-class" as const),
    pick: fc.nat(),
    storage: fc.integer({ min: 1, max: 50 }),
  }),
  fc.record({
    kind: fc.constant("team" as const),
    pick: fc.nat(),
    member: fc.stringMatching(/^[a-z]{3,8}$/),
  }),
  fc.record({ kind: fc.constant("exception" as const), pick: fc.nat() }),
);

/** How a rendered file is changed by hand. */
type HandEdit = { pick: number; how: "append" | "flip" | "truncate" | "delete" | "orphan" };

const handEdit: fc.Arbitrary<HandEdit> = fc.record({
  pick: fc.nat(),
  how: fc.constantFrom("append", "flip", "truncate", "delete", "orphan"),
});

function yamlFiles(root: string, folder: string): string[] {
  return readdirSync(join(root, folder), { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".yaml"))
    .sort()
    .map((name) => join(folder, name));
}

// biome-ignore lint/suspicious/noExplicitAny: the edits reach into generated YAML of known shape
type Yaml = any;

function updateYaml(root: string, file: string, change: (document: Yaml) => void): void {
  const path = join(root, file);
  const document = parse(readFileSync(path, "utf8"));
  change(document);
  writeFileSync(path, stringify(document));
}

function applyEdit(root: string, e: Edit): void {
  const services = yamlFiles(root, "services");
  const service = services[e.pick % services.length] as string;
  switch (e.kind) {
    case "service-image":
      updateYaml(root, service, (d) => {
        d.spec.image = String(d.spec.image).replace(/:[^:]*$/, `:2.${e.tag}.0`);
      });
      return;
    case "service-env":
      updateYaml(root, service, (d) => {
        d.spec.env = { ...(d.spec.env ?? {}), PROPERTY_VALUE: e.value };
      });
      return;
    case "drop-call":
      updateYaml(root, service, (d) => {
        const calls: string[] = d.spec.calls ?? [];
        const dropped = calls[e.pick % Math.max(1, calls.length)];
        if (dropped === undefined) return;
        d.spec.calls = calls.filter((c) => c !== dropped);
        // References to the dropped call would not validate: they go with it.
        for (const [name, value] of Object.entries(d.spec.env ?? {}))
          if (String(value).includes(`calls.${dropped}.`)) delete d.spec.env[name];
      });
      return;
    case "service-port": {
      // A port is read by the services that call this one (addresses, egress).
      const web = services.filter((f) => /\n {2}port: /.test(readFileSync(join(root, f), "utf8")));
      if (web.length === 0) return;
      updateYaml(root, web[e.pick % web.length] as string, (d) => {
        d.spec.port = e.port;
      });
      return;
    }
    case "environment-default": {
      const environments = yamlFiles(root, "environments");
      updateYaml(root, environments[e.pick % environments.length] as string, (d) => {
        d.spec.defaults.resources.memory = e.memory;
      });
      return;
    }
    case "dependency-class": {
      const environments = yamlFiles(root, "environments");
      updateYaml(root, environments[e.pick % environments.length] as string, (d) => {
        d.spec.dependencyClasses.postgres.small.claim.spec.parameters.storageGB = e.storage;
      });
      return;
    }
    case "team": {
      const teams = yamlFiles(root, "teams");
      updateYaml(root, teams[e.pick % teams.length] as string, (d) => {
        d.spec.members = [...d.spec.members, e.member];
      });
      return;
    }
    case "exception": {
      const approver = parse(readFileSync(join(root, "teams", "platform.yaml"), "utf8")).spec.members[0];
      const name = service.split("/")[1];
      const entry = {
        rule: "SEC003",
        target: `services/${name}`,
        reason: "property test: an exception is policy data, never a render input",
        approvedBy: approver,
        expires: new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10),
      };
      const path = join(root, "policies", "exceptions.yaml");
      const list = parse(readFileSync(path, "utf8")) ?? [];
      writeFileSync(path, stringify([...list, entry]));
      return;
    }
  }
}

/** Every file under manifests/, by path, with its bytes. */
function tree(root: string): Map<string, string> {
  const files = readdirSync(join(root, "manifests"), { recursive: true, encoding: "utf8" }).sort();
  const result = new Map<string, string>();
  for (const file of files) {
    try {
      result.set(file, readFileSync(join(root, "manifests", file), "latin1"));
    } catch {
      // a folder
    }
  }
  return result;
}

function render(root: string, more: { check?: boolean; full?: boolean } = {}) {
  return renderCommand({
    root,
    format: "json",
    check: more.check ?? false,
    allowEmpty: true,
    verify: false,
    full: more.full ?? false,
  });
}

describe("incremental render", () => {
  it("gives the full render's bytes after random edits, and --check catches every hand edit", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 3, max: 8 }),
        fc.array(edit, { minLength: 1, maxLength: 3 }),
        handEdit,
        async (seed, services, edits, hand) => {
          const root = join(scratch, `repo-${made++}`);
          generateRepository(root, { services, seed, policiesFrom: true, workloadFields: seed % 2 === 0 });
          expect((await render(root)).exitCode).toBe(0);
          for (const e of edits) applyEdit(root, e);
          const full = `${root}-full`;
          cpSync(root, full, { recursive: true });
          const incremental = await render(root);
          const reference = await render(full, { full: true });
          expect(incremental.exitCode).toBe(reference.exitCode);
          expect(tree(root)).toEqual(tree(full));
          rmSync(full, { recursive: true, force: true });
          if (incremental.exitCode !== 0) return;
          // Unchanged sources: nothing to render, and the check passes.
          const clean = await render(root, { check: true });
          expect(clean.exitCode).toBe(0);
          expect(JSON.parse(clean.stdout).rendered).toBe(0);
          // Any hand edit of a rendered file is drift.
          const files = [...tree(root).keys()].filter((f) => f.endsWith("manifest.yaml"));
          const file = files[hand.pick % files.length] as string;
          const path = join(root, "manifests", file);
          const text = readFileSync(path, "utf8");
          if (hand.how === "append") writeFileSync(path, `${text}# edited\n`);
          if (hand.how === "flip") writeFileSync(path, text.replace(/: (\S)/, ": x$1"));
          if (hand.how === "truncate") writeFileSync(path, text.slice(0, text.length >> 1));
          if (hand.how === "delete") unlinkSync(path);
          if (hand.how === "orphan")
            writeFileSync(join(root, "manifests", file.replace(/manifest\.yaml$/, "extra.yaml")), text);
          const checked = await render(root, { check: true });
          expect(checked.exitCode).toBe(1);
          const drift = JSON.parse(checked.stdout) as {
            added: string[];
            changed: string[];
            removed: string[];
          };
          expect([...drift.added, ...drift.changed, ...drift.removed].length).toBeGreaterThan(0);
          rmSync(root, { recursive: true, force: true });
        },
      ),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  }, 600_000);
});
