import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { readSchemas } from "../scripts/model/read-schemas.js";
import { compileSchemas } from "../scripts/model/schema.js";
import { validateRepository } from "../scripts/model/validate-repository.js";

const root = mkdtempSync(join(tmpdir(), "idp-property-"));
cpSync(join(import.meta.dirname, "fixtures", "minimal"), root, { recursive: true });
const file = join(root, "services", "web", "service.yaml");
afterAll(() => rmSync(root, { recursive: true, force: true }));
// Compiled once, as the CLI does once per run.
const validators = compileSchemas(readSchemas(root));

/** Values of the shapes a service file holds, and some it must not. */
const value = fc.letrec((tie) => ({
  leaf: fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.constantFrom(
      "web",
      "cron",
      "250m",
      "1Gi",
      "${calls.api.host}",
      "${dependencies.db.uri}",
      "a#b",
      "dev",
      "prod",
    ),
    fc.integer({ min: -5, max: 70000 }),
    fc.boolean(),
    fc.constant(null),
  ),
  node: fc.oneof({ depthSize: "small" }, tie("leaf"), fc.array(tie("node"), { maxLength: 3 }), tie("map")),
  map: fc.dictionary(
    fc.constantFrom(
      "type",
      "image",
      "port",
      "ports",
      "replicas",
      "autoscale",
      "env",
      "secrets",
      "calls",
      "dependencies",
      "environments",
      "route",
      "schedule",
      "resources",
      "probes",
      "dev",
      "prod",
      "name",
      "x",
    ),
    tie("node"),
    { maxKeys: 5 },
  ),
}));

describe("validate on random service files", () => {
  it("never throws and always reports a broken file with a located error", () => {
    fc.assert(
      fc.property(value.map, value.map, (metadata, spec) => {
        const text = stringify({
          apiVersion: "idp/v1",
          kind: "Service",
          metadata: { name: "web", team: "shop", ...metadata },
          spec,
        });
        writeFileSync(file, text);
        const result = validateRepository(root, validators);
        for (const d of result.diagnostics) {
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.column).toBeGreaterThanOrEqual(1);
          expect(d.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("never throws on random text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        writeFileSync(file, text);
        expect(() => validateRepository(root, validators)).not.toThrow();
      }),
      { numRuns: 150 },
    );
  });

  it("resolves any mix of valid settings without throwing", () => {
    const settings = fc.record(
      {
        image: fc.constantFrom("ghcr.io/example/web:1.0.0", "ghcr.io/example/web:2.0.0-rc.1"),
        port: fc.integer({ min: 1, max: 65535 }),
        ports: fc.array(
          fc.record({
            name: fc.constantFrom("http", "grpc", "admin"),
            port: fc.integer({ min: 1, max: 65535 }),
          }),
          { maxLength: 3 },
        ),
        route: fc.record({ host: fc.constantFrom("a.example.test", "b.dev.example.test") }),
        schedule: fc.constant("*/5 * * * *"),
        replicas: fc.integer({ min: 0, max: 60 }),
        autoscale: fc.record({ min: fc.integer({ min: 1, max: 9 }), max: fc.integer({ min: 1, max: 9 }) }),
        resources: fc.record({
          cpu: fc.constantFrom("100m", "2", "0.5"),
          memory: fc.constantFrom("64Mi", "1Gi"),
        }),
        env: fc.dictionary(
          fc.constantFrom("A", "B", "C"),
          fc.constantFrom(
            "x",
            "${calls.api.host}",
            "${dependencies.db.uri}",
            "${dependencies.db.port}:1",
            "${nope}",
            "${",
          ),
        ),
        secrets: fc.dictionary(fc.constantFrom("S", "T"), fc.constantFrom("a/b#c", "plain-value", "x#")),
        calls: fc.array(fc.constantFrom("api", "job", "web", "ghost"), { maxLength: 3 }),
        dependencies: fc.dictionary(
          fc.constantFrom("db", "cache"),
          fc.record(
            { type: fc.constantFrom("postgres", "redis"), size: fc.constantFrom("small", "large") },
            { requiredKeys: ["type"] },
          ),
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.constantFrom("web", "worker", "cron"),
        settings,
        settings,
        fc.boolean(),
        (type, spec, dev, prodEnabled) => {
          const document = {
            apiVersion: "idp/v1",
            kind: "Service",
            metadata: { name: "web", team: "shop" },
            spec: {
              type,
              image: "ghcr.io/example/web:1.0.0",
              ...spec,
              environments: { dev, prod: { enabled: prodEnabled } },
            },
          };
          writeFileSync(file, stringify(document));
          const result = validateRepository(root, validators);
          expect(result.services.every((s) => s.name !== "web" || s.image.length > 0)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});
