import {
  existsSync,
  lstatSync,
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
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listFiles } from "../../../test/support/file-tree.js";
import { ToolError } from "../../errors.js";
import { manifestsReadme, type WriteOptions, type WriteResult, writeManifests } from "../write.js";
import { IN_PLACE_MAX } from "./in-place.js";
import { acquireRenderLock } from "./lock.js";
import { recoverInterruptedWrite } from "./recover.js";
import { type FileIdentity, manifestsDirName, readTree, spareDirName } from "./tree.js";

const write: WriteOptions = { check: false, allowEmpty: true, environments: ["dev", "prod"] };

let root: string;
let outside: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "idp-in-place-"));
  outside = mkdtempSync(join(tmpdir(), "idp-in-place-outside-"));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

/**
 * What `idp render` does when it holds the render lock: recover, list and
 * read the tree under the lock, then write with what it read (the files
 * that already hold what is wanted) and the listing.
 */
function renderLocked(wanted: Map<string, string>, meanwhile?: () => void): WriteResult {
  const release = acquireRenderLock(root);
  try {
    recoverInterruptedWrite(root);
    const listing = readTree(root);
    const readBefore = new Map<string, FileIdentity>();
    for (const [path, kind] of listing) {
      const file = join(root, manifestsDirName, path);
      if (kind === "file" && readFileSync(file, "utf8") === (wanted.get(path) ?? manifestsReadme)) {
        const { ino, size, mtimeMs, ctimeMs } = lstatSync(file);
        readBefore.set(path, { ino, size, mtimeMs, ctimeMs });
      }
    }
    meanwhile?.();
    return writeManifests(root, wanted, { ...write, locked: { listing }, readBefore });
  } finally {
    release();
  }
}

const inode = (path: string) => lstatSync(join(root, manifestsDirName, path)).ino;
const leftovers = () => readdirSync(root).filter((name) => name.startsWith(".manifests.tmp-"));

const base = new Map([
  ["dev/cart/manifest.yaml", "kind: Deployment\nname: cart\n"],
  ["dev/cart/.render-key", "key: a\n"],
  ["dev/old/manifest.yaml", "kind: Deployment\nname: old\n"],
  ["prod/cart/manifest.yaml", "kind: Deployment\nreplicas: 3\n"],
]);

describe("a render under the lock that changes a few files", () => {
  it("changes them where they are, leaving every other file and the spare tree alone", () => {
    renderLocked(base);
    const spare = join(root, spareDirName);
    mkdirSync(spare);
    writeFileSync(join(spare, "marker"), "untouched\n");
    const kept = inode("prod/cart/manifest.yaml");
    const replaced = inode("dev/cart/manifest.yaml");
    const next = new Map(base);
    next.set("dev/cart/manifest.yaml", "kind: Deployment\nname: cart\nimage: v2\n");
    next.delete("dev/old/manifest.yaml");
    next.set("dev/new/manifest.yaml", "kind: Deployment\nname: new\n");
    const result = renderLocked(next);
    expect(result).toMatchObject({
      added: ["manifests/dev/new/manifest.yaml"],
      changed: ["manifests/dev/cart/manifest.yaml"],
      removed: ["manifests/dev/old/manifest.yaml"],
      unchanged: 3,
    });
    expect(listFiles(join(root, manifestsDirName))).toEqual({
      ...Object.fromEntries(next),
      "README.md": manifestsReadme,
    });
    // In place: an unchanged file is the very same file, a changed one a new one; no swap happened.
    expect(inode("prod/cart/manifest.yaml")).toBe(kept);
    expect(inode("dev/cart/manifest.yaml")).not.toBe(replaced);
    expect(existsSync(join(root, manifestsDirName, "dev/old"))).toBe(false);
    expect(listFiles(spare)).toEqual({ marker: "untouched\n" });
    expect(leftovers()).toEqual([]);
  });

  it("trusts what it read under the lock without reading it again: a hand edit made meanwhile stays", () => {
    renderLocked(base);
    const next = new Map(base);
    next.set("dev/cart/manifest.yaml", "kind: Deployment\nname: cart\nimage: v2\n");
    const edited = join(root, manifestsDirName, "prod/cart/manifest.yaml");
    const result = renderLocked(next, () => writeFileSync(edited, "edited by hand meanwhile\n"));
    // As if edited just after the render: not read again, so not rewritten (render --check reports it).
    expect(result.changed).toEqual(["manifests/dev/cart/manifest.yaml"]);
    expect(readFileSync(edited, "utf8")).toBe("edited by hand meanwhile\n");
  });

  it("replaces the whole tree when more files change than go in place", () => {
    const many = new Map<string, string>();
    for (let i = 0; i <= IN_PLACE_MAX; i++) many.set(`dev/s${i}/manifest.yaml`, "one\n");
    renderLocked(many);
    const kept = inode("dev/s0/manifest.yaml");
    const next = new Map([...many].map(([path]) => [path, "two\n"]));
    renderLocked(next);
    // Swapped: the previous tree is now the spare, and holds the old bytes.
    expect(readFileSync(join(root, spareDirName, "dev/s0/manifest.yaml"), "utf8")).toBe("one\n");
    expect(lstatSync(join(root, spareDirName, "dev/s0/manifest.yaml")).ino).toBe(kept);
    expect(listFiles(join(root, manifestsDirName))["dev/s0/manifest.yaml"]).toBe("two\n");
  });

  it("replaces the whole tree when a link stands where a folder goes, never writing through it", () => {
    renderLocked(base);
    rmSync(join(root, manifestsDirName, "dev/cart"), { recursive: true });
    symlinkSync(outside, join(root, manifestsDirName, "dev/cart"));
    renderLocked(base);
    expect(lstatSync(join(root, manifestsDirName, "dev/cart")).isDirectory()).toBe(true);
    expect(listFiles(join(root, manifestsDirName))).toEqual({
      ...Object.fromEntries(base),
      "README.md": manifestsReadme,
    });
    expect(readdirSync(outside)).toEqual([]);
  });

  it("after any sequence of renders holds exactly the last one (property)", () => {
    const path = fc.constantFrom(
      "dev/a/manifest.yaml",
      "dev/a/.render-key",
      "dev/b/manifest.yaml",
      "dev/c/d/e.yaml",
      "dev/_platform/manifest.yaml",
      "prod/a/manifest.yaml",
    );
    const tree = fc.uniqueArray(fc.tuple(path, fc.constantFrom("one\n", "two\n", "three\n")), {
      selector: ([p]) => p,
      maxLength: 6,
    });
    fc.assert(
      fc.property(fc.array(tree, { minLength: 1, maxLength: 6 }), (renders) => {
        rmSync(join(root, manifestsDirName), { recursive: true, force: true });
        for (const entries of renders) {
          renderLocked(new Map(entries));
          expect(listFiles(join(root, manifestsDirName))).toEqual({
            ...Object.fromEntries(entries),
            "README.md": manifestsReadme,
          });
          expect(leftovers()).toEqual([]);
        }
      }),
      { numRuns: 100 },
    );
  });
});

/** A `.manifests.tmp-*` folder as a killed in-place update leaves it: the new files, and the journal once written. */
function killedUpdate(files: string[], journal: unknown, committed = true): string {
  const temp = join(root, ".manifests.tmp-1-killed");
  mkdirSync(temp);
  for (const [index, text] of files.entries()) writeFileSync(join(temp, String(index)), text);
  writeFileSync(join(temp, committed ? "journal" : "journal.part"), JSON.stringify(journal));
  return temp;
}

describe("a render killed during an in-place update", () => {
  it("is finished by the next render once its journal was written, also when half applied", () => {
    renderLocked(base);
    // File 0 was already moved into place before the kill: only file 1 is left.
    writeFileSync(join(root, manifestsDirName, "dev/cart/manifest.yaml"), "cart v2\n");
    const temp = killedUpdate([], {
      write: [
        ["0", "dev/cart/manifest.yaml"],
        ["1", "dev/new/manifest.yaml"],
      ],
      remove: ["dev/old/manifest.yaml"],
    });
    writeFileSync(join(temp, "1"), "new\n");
    const release = acquireRenderLock(root);
    try {
      recoverInterruptedWrite(root);
    } finally {
      release();
    }
    const tree = listFiles(join(root, manifestsDirName));
    expect(tree["dev/cart/manifest.yaml"]).toBe("cart v2\n");
    expect(tree["dev/new/manifest.yaml"]).toBe("new\n");
    expect(tree["dev/old/manifest.yaml"]).toBeUndefined();
    expect(existsSync(join(root, manifestsDirName, "dev/old"))).toBe(false);
    expect(leftovers()).toEqual([]);
  });

  it("leaves manifests/ as it was when the journal was not written yet", () => {
    renderLocked(base);
    const before = listFiles(join(root, manifestsDirName));
    killedUpdate(["new\n"], { write: [["0", "dev/cart/manifest.yaml"]], remove: [] }, false);
    renderLocked(base);
    expect(listFiles(join(root, manifestsDirName))).toEqual(before);
    expect(leftovers()).toEqual([]);
  });

  it("ignores a journal with a path that leaves manifests/, and refuses to write through a link", () => {
    renderLocked(base);
    const before = listFiles(join(root, manifestsDirName));
    killedUpdate(["escaped\n"], { write: [["0", "../escaped.yaml"]], remove: ["dev/../../keep.txt"] });
    writeFileSync(join(root, "keep.txt"), "mine\n");
    renderLocked(base);
    expect(listFiles(join(root, manifestsDirName))).toEqual(before);
    expect(existsSync(join(root, "escaped.yaml"))).toBe(false);
    expect(readFileSync(join(root, "keep.txt"), "utf8")).toBe("mine\n");

    // A journal (say, committed by a pull request) whose folder is a link out of the tree.
    rmSync(join(root, manifestsDirName, "prod"), { recursive: true });
    symlinkSync(outside, join(root, manifestsDirName, "prod"));
    killedUpdate(["planted\n"], { write: [["0", "prod/cart/manifest.yaml"]], remove: [] });
    const release = acquireRenderLock(root);
    try {
      expect(() => recoverInterruptedWrite(root)).toThrow(ToolError);
    } finally {
      release();
    }
    expect(readdirSync(outside)).toEqual([]);
  });
});
