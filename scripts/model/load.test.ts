import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { discoverRepository, loadRepository, readRepositoryFile } from "./load.js";
import { MAX_FILE_BYTES } from "./parse-yaml.js";

const temporary: string[] = [];

/** A fresh folder with the given files; a value starting with "->" makes a symbolic link to it. */
function makeTree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "idp-load-"));
  temporary.push(root);
  for (const [relative, content] of Object.entries(files)) {
    const target = path.join(root, relative);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (content.startsWith("->")) fs.symlinkSync(content.slice(2), target);
    else if (relative.endsWith("/")) fs.mkdirSync(target, { recursive: true });
    else fs.writeFileSync(target, content);
  }
  return root;
}

afterAll(() => {
  for (const root of temporary) fs.rmSync(root, { recursive: true, force: true });
});

const SERVICE = "apiVersion: idp/v1\nkind: Service\nmetadata:\n  name: checkout\n";

describe("readRepositoryFile", () => {
  let root: string;
  let outside: string;
  beforeAll(() => {
    outside = makeTree({ "secret.yaml": "password: hunter2\n" });
    root = makeTree({
      "services/checkout/service.yaml": SERVICE,
      "services/broken/service.yaml": "a: 1\na: 2\n",
      "services/linked-file/service.yaml": `->${path.join(outside, "secret.yaml")}`,
      "services/linked-folder": `->${outside}`,
      "services/folder.yaml/": "",
    });
    spawnSync("mkfifo", [path.join(root, "teams/pipe.yaml")]);
  });

  it("reads and parses a file", () => {
    const result = readRepositoryFile(root, "services/checkout/service.yaml");
    expect(result.diagnostics).toEqual([]);
    expect(result.document?.file).toBe("services/checkout/service.yaml");
    expect(result.document?.value).toEqual({
      apiVersion: "idp/v1",
      kind: "Service",
      metadata: { name: "checkout" },
    });
    expect(result.document?.locate(["metadata", "name"])).toEqual({ line: 4, column: 9 });
  });

  it("passes on parse diagnostics with the relative path", () => {
    const result = readRepositoryFile(root, "services/broken/service.yaml");
    expect(result.diagnostics).toMatchObject([
      { code: "load.duplicate-key", file: "services/broken/service.yaml", line: 2, column: 1 },
    ]);
  });

  it.each([
    ["a parent folder", "../secret.yaml", "load.path"],
    ["a nested parent folder", "services/../../secret.yaml", "load.path"],
    ["a dot component", "services/./checkout/service.yaml", "load.path"],
    ["an absolute path", "/etc/passwd", "load.path"],
    ["a Windows absolute path", "C:/Windows/win.ini", "load.path"],
    ["a backslash", "services\\checkout\\service.yaml", "load.path"],
    ["an empty component", "services//checkout/service.yaml", "load.path"],
    ["an empty path", "", "load.path"],
    ["a symbolic link to a file outside", "services/linked-file/service.yaml", "load.path"],
    ["a path through a linked folder", "services/linked-folder/secret.yaml", "load.path"],
    ["a folder", "services/folder.yaml", "load.path"],
    ["a file used as a folder", "services/checkout/service.yaml/x", "load.path"],
    ["a missing file", "services/nope/service.yaml", "load.missing-file"],
  ])("refuses %s", (_name, relative, code) => {
    const result = readRepositoryFile(root, relative);
    expect(result.document).toBeUndefined();
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({ code, severity: "error", line: 1, column: 1 });
    expect(JSON.stringify(result.diagnostics)).not.toContain("hunter2");
  });

  it("refuses a named pipe without blocking on it", () => {
    if (!fs.existsSync(path.join(root, "teams/pipe.yaml"))) return;
    expect(readRepositoryFile(root, "teams/pipe.yaml").diagnostics).toMatchObject([{ code: "load.path" }]);
  });

  it("refuses a file over the cap from its size, without reading it", () => {
    const big = makeTree({});
    fs.mkdirSync(path.join(big, "teams"));
    const target = path.join(big, "teams/huge.yaml");
    fs.writeFileSync(target, "");
    fs.truncateSync(target, 2 * 1024 * 1024 * 1024); // sparse: 2 GiB on paper, nothing on disk
    const result = readRepositoryFile(big, "teams/huge.yaml");
    expect(result.diagnostics).toMatchObject([{ code: "load.too-large", line: 1, column: 1 }]);
  });

  it("accepts a file exactly at the cap", () => {
    const exact = makeTree({ "teams/exact.yaml": `a: ${"x".repeat(MAX_FILE_BYTES - 4)}\n` });
    expect(readRepositoryFile(exact, "teams/exact.yaml").diagnostics).toEqual([]);
  });
});

describe("discoverRepository", () => {
  it("lists the configuration files, sorted", () => {
    const root = makeTree({
      "services/web/service.yaml": SERVICE,
      "services/api/service.yaml": SERVICE,
      "services/api/README.md": "# api",
      "services/.hidden/": "",
      "services/NOTES.md": "notes",
      "environments/prod.yaml": "a: 1",
      "environments/dev.yaml": "a: 1",
      "environments/README.md": "docs",
      "teams/payments.yaml": "a: 1",
    });
    expect(discoverRepository(root)).toEqual({
      services: ["services/api/service.yaml", "services/web/service.yaml"],
      environments: ["environments/dev.yaml", "environments/prod.yaml"],
      teams: ["teams/payments.yaml"],
      diagnostics: [],
    });
  });

  it("returns empty lists when the folders are missing", () => {
    expect(discoverRepository(makeTree({}))).toEqual({
      services: [],
      environments: [],
      teams: [],
      diagnostics: [],
    });
  });

  it.each<[string, Record<string, string>, [string, string][]]>([
    [
      "a service folder without service.yaml",
      { "services/empty/README.md": "x" },
      [["load.missing-file", "services/empty/service.yaml"]],
    ],
    [
      "a service.yml",
      { "services/old/service.yml": SERVICE },
      [["load.extension", "services/old/service.yml"]],
    ],
    ["an environment .yml", { "environments/dev.yml": "a: 1" }, [["load.extension", "environments/dev.yml"]]],
    ["a team .yml", { "teams/payments.yml": "a: 1" }, [["load.extension", "teams/payments.yml"]]],
    [
      "a symbolic link to a service folder",
      { "real/service.yaml": SERVICE, "services/linked": "->../real" },
      [["load.symlink", "services/linked"]],
    ],
    [
      "a symbolic link to a service.yaml",
      { "real.yaml": SERVICE, "services/linked/service.yaml": "->../../real.yaml" },
      [["load.symlink", "services/linked/service.yaml"]],
    ],
    [
      "a symbolic link to an environment file",
      { "real.yaml": "a: 1", "environments/dev.yaml": "->../real.yaml" },
      [["load.symlink", "environments/dev.yaml"]],
    ],
    [
      "a symbolic link as the teams folder",
      { "real/payments.yaml": "a: 1", teams: "->real" },
      [["load.symlink", "teams"]],
    ],
    [
      "a dangling symbolic link",
      { "teams/ghost.yaml": "->/nonexistent/ghost.yaml" },
      [["load.symlink", "teams/ghost.yaml"]],
    ],
    ["services as a file", { services: "oops" }, [["load.path", "services"]]],
    [
      "a service file directly in services/",
      { "services/wishlist.yaml": SERVICE },
      [["load.stray-file", "services/wishlist.yaml"]],
    ],
    [
      "a service file as .yml directly in services/",
      { "services/toys.yml": SERVICE },
      [["load.stray-file", "services/toys.yml"]],
    ],
    [
      "Service.yaml",
      { "services/toys/Service.yaml": SERVICE },
      [["load.file-name", "services/toys/Service.yaml"]],
    ],
    [
      "SERVICE.YML",
      { "services/toys/SERVICE.YML": SERVICE },
      [["load.file-name", "services/toys/SERVICE.YML"]],
    ],
    [
      "a team with an upper-case extension",
      { "teams/payments.YAML": "a: 1" },
      [["load.extension", "teams/payments.YAML"]],
    ],
  ])("reports %s", (_name, files, expected) => {
    const found = discoverRepository(makeTree(files));
    expect(found.services).toEqual([]);
    expect(found.environments).toEqual([]);
    expect(found.teams).toEqual([]);
    expect(found.diagnostics.map((d) => [d.code, d.file])).toEqual(expected);
    for (const diagnostic of found.diagnostics) {
      expect(diagnostic).toMatchObject({ severity: "error", line: 1, column: 1 });
      expect(diagnostic.hint).toBeTruthy();
    }
  });

  it("reads service.yaml and reports the other YAML files beside it", () => {
    const found = discoverRepository(
      makeTree({
        "services/toys/service.yaml": SERVICE,
        "services/toys/extra.yaml": "a: 1",
        "services/toys/README.md": "x",
      }),
    );
    expect(found.services).toEqual(["services/toys/service.yaml"]);
    expect(found.diagnostics.map((d) => [d.code, d.file])).toEqual([
      ["load.stray-file", "services/toys/extra.yaml"],
    ]);
  });

  it("tells where a stray service file goes", () => {
    const [diagnostic] = discoverRepository(makeTree({ "services/wishlist.yaml": SERVICE })).diagnostics;
    expect(diagnostic?.hint).toBe(
      "Move it to services/wishlist/service.yaml (`idp new service` scaffolds one).",
    );
  });

  it("tells how to rename a .yml file", () => {
    const [diagnostic] = discoverRepository(makeTree({ "teams/payments.yml": "a: 1" })).diagnostics;
    expect(diagnostic?.hint).toBe("Rename it to teams/payments.yaml.");
  });
});

describe("loadRepository", () => {
  it("reads every file and gathers every diagnostic", () => {
    const root = makeTree({
      "services/checkout/service.yaml": SERVICE,
      "services/cart/service.yaml": "a: &x 1\n",
      "services/orphan/": "",
      "environments/dev.yaml": "kind: Environment\n",
      "teams/payments.yaml": "kind: Team\n",
    });
    const loaded = loadRepository(root);
    expect(loaded.services.map((d) => d.file)).toEqual(["services/checkout/service.yaml"]);
    expect(loaded.environments.map((d) => d.value)).toEqual([{ kind: "Environment" }]);
    expect(loaded.teams.map((d) => d.file)).toEqual(["teams/payments.yaml"]);
    expect(loaded.diagnostics.map((d) => [d.code, d.file, d.line, d.column])).toEqual([
      ["load.alias", "services/cart/service.yaml", 1, 4],
      ["load.missing-file", "services/orphan/service.yaml", 1, 1],
    ]);
    // The file that did not load keeps its text, for the source line under its diagnostic.
    expect(loaded.failed).toEqual([{ file: "services/cart/service.yaml", text: "a: &x 1\n" }]);
  });
});
