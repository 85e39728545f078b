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

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** The services of a generated repository (bench/generate-repository.ts), as their files hold them. */
function generatedServices(seed: number, environments: number) {
  const root = join(mkdtempSync(join(tmpdir(), "idp-score-property-")), "repo");
  temps.push(root);
  generateRepository(root, { services: 8, environments, seed });
  const repository = validateRepository(root);
  expect(repository.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const services = [...repository.documents.entries()]
    .filter(([file]) => file.startsWith("services/"))
    .map(([, document]) => document.value as ServiceDocument);
  return { services, catalog: dependencyCatalog(repository.environments) };
}

describe("idp export score on generated services", () => {
  it("every generated service exports to a Score file valid against the pinned schema, and imports back to itself", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 4 }),
        (seed, environments) => {
          const { services, catalog } = generatedServices(seed, environments);
          expect(services.length).toBe(8);
          for (const service of services) {
            const score = exportService(service, catalog);
            expect(scoreSchemaErrors(score), service.metadata.name).toEqual([]);
            const back = mapScoreToService(structuredClone(score), { catalog });
            expect(back.refusals.list.filter((r) => r.severity === "error")).toEqual([]);
            expect(back.service.metadata).toEqual(service.metadata);
            expect(back.service.spec).toEqual(service.spec);
          }
        },
      ),
      { numRuns: 12 },
    );
  }, 120_000);
});
