import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { run } from "../scripts/run.js";
import { scoreSchemaErrors } from "../scripts/score/score-schema.js";
import { useRenderedRepositories } from "./support/rendered-repository.js";

const ROOT = join(import.meta.dirname, "..");
const { repository } = useRenderedRepositories("idp-score-export-");
const SERVICES = readdirSync(join(ROOT, "services")).sort();

describe("idp export score on the example services", () => {
  it.each(SERVICES)(
    "%s exports a valid Score file; export → import → export → import is stable",
    async (name) => {
      const root = repository();
      const first = await run(["export", "score", name, "--root", root], ROOT);
      expect(first.exitCode).toBe(0);
      expect(first.stdout.split("\n")[0]).toBe(
        "# yaml-language-server: $schema=https://raw.githubusercontent.com/score-spec/spec/0.4.1/score-v1b1.json",
      );
      const score = parse(first.stdout);
      expect(scoreSchemaErrors(score)).toEqual([]);
      expect(score.metadata.annotations["idp/team"]).toBe(
        parse(readFileSync(join(ROOT, `services/${name}/service.yaml`), "utf8")).metadata.team,
      );

      // The hand-written file becomes the canonical form on the first import; from then on every round is identical.
      const file = join(root, "exported.score.yaml");
      writeFileSync(file, first.stdout);
      const imported = await run(["import", "score", "--force", "--root", root, file], ROOT);
      expect(imported.stdout).toContain(`imported 1 Score workload`);
      expect(imported.exitCode).toBe(0);
      const once = readFileSync(join(root, `services/${name}/service.yaml`), "utf8");
      expect(parse(once)).toEqual(parse(readFileSync(join(ROOT, `services/${name}/service.yaml`), "utf8")));
      expect((await run(["export", "score", name, "--root", root, "--out", file], ROOT)).exitCode).toBe(0);
      expect((await run(["import", "score", "--force", "--root", root, file], ROOT)).exitCode).toBe(0);
      expect(readFileSync(join(root, `services/${name}/service.yaml`), "utf8")).toBe(once);
      expect((await run(["validate", "--root", root], ROOT)).exitCode).toBe(0);
    },
  );

  it("names a missing service as a usage error, with the closest name", async () => {
    const result = await run(["export", "score", "checkuot", "--root", repository()], ROOT);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('there is no service checkuot: did you mean "checkout"?');
  });

  it("refuses to export a service file with errors, pointing at them", async () => {
    const root = repository();
    const file = join(root, "services/cart/service.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("replicas: 2", "replica: 2"));
    const result = await run(["export", "score", "cart", "--root", root], ROOT);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(
      'services/cart/service.yaml:14:3: error schema.unknown-field: unknown field "replica" in spec',
    );
    expect(result.stdout).toContain(
      "export refused: fix services/cart/service.yaml first; nothing was written",
    );
  });
});
