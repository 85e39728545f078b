import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { generateRepository } from "../bench/generate-repository.js";
import { validateRepository } from "../scripts/model/validate-repository.js";
import { dependencyCatalog } from "../scripts/score/dependency-catalog.js";
import { exportService, type ServiceDocument } from "../scripts/score/export-mapping.js";
import { mapScoreToService } from "../scripts/score/import-mapping.js";
import { scoreSchemaErrors } from "../scripts/score/score-schema.js";

const WORKLOAD_KEYS = [
  "terminationGracePeriodSeconds",
  "initContainers",
  "sidecars",
  "volumes",
  "files",
  "egress",
  "headers",
  "tcp",
  "REDIS_ADDR",
] as const;

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** The services of a generated repository (bench/generate-repository.ts, with the workload fields), as their files hold them. */
function generatedServices(seed: number, environments: number) {
  const root = join(mkdtempSync(join(tmpdir(), "idp-score-property-")), "repo");
  temps.push(root);
  generateRepository(root, { services: 8, environments, seed, workloadFields: true });
  const repository = validateRepository(root);
  expect(repository.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const services = [...repository.documents.entries()]
    .filter(([file]) => file.startsWith("services/"))
    .map(([, document]) => document.value as ServiceDocument);
  return { services, catalog: dependencyCatalog(repository.environments) };
}

describe("idp export score on generated services", () => {
  it("every generated service exports to a Score file valid against the pinned schema, and imports back to itself", () => {
    /** How many generated services had each workload field: the property must have met them all. */
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 4 }),
        (seed, environments) => {
          const { services, catalog } = generatedServices(seed, environments);
          expect(services.length).toBe(8);
          for (const service of services) {
            const text = JSON.stringify(service.spec);
            for (const key of WORKLOAD_KEYS)
              if (text.includes(`"${key}":`)) seen.set(key, (seen.get(key) ?? 0) + 1);
            const score = exportService(service, catalog);
            expect(scoreSchemaErrors(score), service.metadata.name).toEqual([]);
            const back = mapScoreToService(structuredClone(score), { catalog });
            expect(back.refusals.list.filter((r) => r.severity === "error")).toEqual([]);
            expect(back.service.metadata).toEqual(service.metadata);
            expect(back.service.spec).toEqual(service.spec);
          }
        },
      ),
      // A fixed seed: the coverage check below must not depend on the luck of one run.
      { numRuns: 12, seed: 20261205 },
    );
    expect(WORKLOAD_KEYS.filter((key) => !seen.has(key))).toEqual([]);
  }, 120_000);
});
