import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { temporaryFolders } from "./support/suite.js";

const ROOT = join(import.meta.dirname, "..");
const CLI = join(ROOT, "bin", "idp.js");
const temps = temporaryFolders();

// The parse worker exists only in the built code (test/support/build-cli.ts builds it):
// these tests run the compiled modules, and the CLI as users do.
type Load = typeof import("../scripts/model/load.js");
type Schema = typeof import("../scripts/model/schema.js");
type Schemas = typeof import("../scripts/model/read-schemas.js");
const built = (module: string) => join(ROOT, "dist", "scripts", module);
const { loadRepository } = (await import(built("model/load.js"))) as Load;
const { checkDocument, compileSchemas } = (await import(built("model/schema.js"))) as Schema;
const { readSchemas } = (await import(built("model/read-schemas.js"))) as Schemas;

/**
 * The examples with two mistakes: cart's replicas are a word (a schema
 * error, positioned through `locate`), and catalog has its `kind` twice (a
 * load error, positioned by the parser).
 */
function repository(): string {
  const root = mkdtempSync(join(tmpdir(), "idp-parse-thread-"));
  temps.push(root);
  for (const folder of ["environments", "teams", "services", "schemas", "policies"])
    cpSync(join(ROOT, folder), join(root, folder), { recursive: true });
  const edit = (file: string, from: string, to: string) => {
    const text = readFileSync(join(root, file), "utf8");
    if (!text.includes(from)) throw new Error(`the ${file} example changed`);
    writeFileSync(join(root, file), text.replace(from, to));
  };
  edit("services/cart/service.yaml", "\n  replicas: 2\n", "\n  replicas: two\n");
  edit("services/catalog/service.yaml", "\nkind: Service\n", "\nkind: Service\nkind: Service\n");
  return root;
}

function lineOf(root: string, file: string, text: string): number {
  return readFileSync(join(root, file), "utf8").split("\n").indexOf(text) + 1;
}

describe("loading with a parse worker", () => {
  it("gives the documents and diagnostics of a load on one thread, positions included", () => {
    const root = repository();
    const alone = loadRepository(root, { threads: 1 });
    const threaded = loadRepository(root, { threads: 2, workerOnly: true });
    const files = threaded.services.length + threaded.environments.length + threaded.teams.length;
    expect(alone.parsedOnWorker).toBe(0);
    expect(threaded.parsedOnWorker).toBe(files + threaded.failed.length);

    // A parse diagnostic made on the worker: the second `kind` key, line and column.
    const duplicate = threaded.diagnostics.find((d) => d.code === "load.duplicate-key");
    expect(duplicate).toMatchObject({
      file: "services/catalog/service.yaml",
      line: lineOf(root, "services/catalog/service.yaml", "kind: Service") + 1,
      column: 1,
    });
    expect(threaded.diagnostics).toEqual(alone.diagnostics);
    expect(threaded.failed).toEqual(alone.failed);

    // A schema diagnostic in a document parsed on the worker: located on this thread.
    const validators = compileSchemas(readSchemas(root));
    const cart = threaded.services.find((d) => d.file === "services/cart/service.yaml");
    if (!cart) throw new Error("cart was not loaded");
    const [replicas] = checkDocument(validators, "Service", cart).diagnostics;
    expect(replicas).toMatchObject({
      file: "services/cart/service.yaml",
      line: lineOf(root, "services/cart/service.yaml", "  replicas: two"),
      column: "  replicas: ".length + 1,
    });
    const check = (loaded: typeof alone) =>
      loaded.services.map((document) => ({
        file: document.file,
        value: document.value,
        text: document.text,
        found: checkDocument(validators, "Service", document).diagnostics,
      }));
    expect(check(threaded)).toEqual(check(alone));
  }, 60_000);

  it("prints what one thread prints from `idp validate`", () => {
    const root = repository();
    const validate = (threads: number) =>
      spawnSync(process.execPath, [CLI, "validate", "--root", root], {
        encoding: "utf8",
        env: { ...process.env, IDP_PARSE_THREADS: String(threads) },
        timeout: 50_000,
      });
    const alone = validate(1);
    const threaded = validate(2);
    expect(alone.status).toBe(1);
    expect(threaded.status).toBe(alone.status);
    expect(threaded.stdout).toBe(alone.stdout);
    expect(threaded.stderr).toBe(alone.stderr);
    expect(alone.stdout + alone.stderr).toContain("services/cart/service.yaml:");
  }, 60_000);
});
