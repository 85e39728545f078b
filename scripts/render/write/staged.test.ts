import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseKeyFile } from "../render-index.js";
import { commitStagedTree, discardStagedTree, openStagedTree, writeStagedFile } from "./staged.js";
import { sha256 } from "./tree.js";

describe("a staged first render", () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "idp-staged-"));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("becomes manifests/ with each file, its key file and the extra files", () => {
    const staged = openStagedTree(root, ["dev", "prod"]);
    if (!staged) throw new Error("no staged tree where manifests/ is missing");
    writeStagedFile(staged, "dev/cart/manifest.yaml", "kind: Service # ü\n", "a".repeat(64));
    writeStagedFile(staged, "prod/_platform/manifest.yaml", "kind: Namespace\n", undefined);
    expect(readdirSync(root)).toEqual([expect.stringMatching(/^\.manifests\.tmp-/)]);
    commitStagedTree(root, staged, new Map([["README.md", "# Rendered\n"]]));
    expect(readdirSync(root)).toEqual(["manifests"]);
    const manifests = join(root, "manifests");
    expect(readFileSync(join(manifests, "dev/cart/manifest.yaml"), "utf8")).toBe("kind: Service # ü\n");
    expect(parseKeyFile(readFileSync(join(manifests, "dev/cart/.render-key"), "utf8"))).toEqual({
      key: "a".repeat(64),
      sha256: sha256("kind: Service # ü\n"),
    });
    expect(readdirSync(join(manifests, "prod/_platform"))).toEqual(["manifest.yaml"]);
    expect(readFileSync(join(manifests, "README.md"), "utf8")).toBe("# Rendered\n");
  });

  it("is not opened where manifests/ exists, even as a dangling link", () => {
    symlinkSync(join(root, "elsewhere"), join(root, "manifests"));
    expect(openStagedTree(root, ["dev"])).toBeUndefined();
    expect(readdirSync(root)).toEqual(["manifests"]);
  });

  it("refuses a carriage return or a path leaving the tree, writing neither", () => {
    const staged = openStagedTree(root, ["dev"]);
    if (!staged) throw new Error("no staged tree");
    expect(() => writeStagedFile(staged, "dev/cart/manifest.yaml", "a: b\r\n", undefined)).toThrow(
      /carriage return/,
    );
    expect(() => writeStagedFile(staged, "dev/../../x/manifest.yaml", "a: b\n", undefined)).toThrow(
      /refusing to write/,
    );
    expect(readdirSync(join(staged.dir, "dev"))).toEqual([]);
    discardStagedTree(staged);
    expect(readdirSync(root)).toEqual([]);
  });

  it("leaves a manifests/ that appeared meanwhile as it is, and removes itself", () => {
    const staged = openStagedTree(root, ["dev"]);
    if (!staged) throw new Error("no staged tree");
    writeStagedFile(staged, "dev/cart/manifest.yaml", "a: b\n", undefined);
    mkdirSync(join(root, "manifests"));
    writeFileSync(join(root, "manifests", "mine.yaml"), "kept: true\n");
    expect(() => commitStagedTree(root, staged, new Map())).toThrow(/could not move the new tree/);
    expect(readdirSync(root)).toEqual(["manifests"]);
    expect(readdirSync(join(root, "manifests"))).toEqual(["mine.yaml"]);
  });
});
