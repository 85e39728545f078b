import { createHash } from "node:crypto";
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { temporaryFolders } from "../../test/support/suite.js";
import { type ReadCommittedOptions, readCommittedTree } from "./committed-tree.js";
import { DigestCache } from "./digest-cache.js";
import { walkTree } from "./write/tree.js";

const temps = temporaryFolders();
const digest = (text: string) => createHash("sha256").update(text).digest("hex");
const MANIFEST = "dev/cart/manifest.yaml";
const KEY_FILE = "dev/cart/.render-key";

/** A repository with one manifest and key file, and a cache folder of its own. */
function repository(): { root: string; env: NodeJS.ProcessEnv } {
  const root = mkdtempSync(join(tmpdir(), "idp-digest-cache-"));
  temps.push(root);
  mkdirSync(join(root, "manifests", "dev", "cart"), { recursive: true });
  writeFileSync(join(root, "manifests", MANIFEST), "kind: Service\nname: a\n");
  writeFileSync(join(root, "manifests", KEY_FILE), "key k\n");
  return { root, env: { IDP_CACHE_DIR: join(root, "..", `${root.split("/").pop()}-cache`) } };
}

/** Lets the files' times age past the racy margin (ctime cannot be set back). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 250));

/** Reads the tree through the repository's cache and saves it, as a render's reader does. */
function readThroughCache(root: string, env: NodeJS.ProcessEnv, options: ReadCommittedOptions = {}) {
  const cache = DigestCache.open(root, env);
  const tree = readCommittedTree(root, options, undefined, cache);
  cache.save();
  return tree;
}

describe("DigestCache", () => {
  it("spares reading a file whose identity is unchanged, and never trusts one written since, even with its size and mtime restored", async () => {
    const { root, env } = repository();
    temps.push(env.IDP_CACHE_DIR as string);
    const path = join(root, "manifests", MANIFEST);
    // A whole second, so that setting it again below restores it exactly.
    const longAgo = new Date("2025-01-01T00:00:00Z");
    utimesSync(path, longAgo, longAgo);
    await settle();
    readThroughCache(root, env);
    const recalled = DigestCache.open(root, env);
    const before = lstatSync(path);
    const identity = { ino: before.ino, size: before.size, mtimeMs: before.mtimeMs, ctimeMs: before.ctimeMs };
    expect(recalled.recall(MANIFEST, identity)).toEqual({ sha256: digest("kind: Service\nname: a\n") });

    // A hand edit of the same length, its modification time set back: its change time still moves.
    writeFileSync(path, "kind: Service\nname: b\n");
    utimesSync(path, longAgo, longAgo);
    expect(lstatSync(path).mtimeMs).toBe(before.mtimeMs);
    expect(lstatSync(path).size).toBe(before.size);
    const tree = readThroughCache(root, env);
    expect(tree.files.get(MANIFEST)?.sha256).toBe(digest("kind: Service\nname: b\n"));
    expect(Buffer.from(tree.files.get(KEY_FILE)?.bytes ?? []).toString()).toBe("key k\n");
  });

  it("lists a folder again once an entry is added, even with the folder's mtime set back", async () => {
    const { root, env } = repository();
    temps.push(env.IDP_CACHE_DIR as string);
    const folder = join(root, "manifests", "dev", "cart");
    const longAgo = new Date("2025-01-01T00:00:00Z");
    utimesSync(folder, longAgo, longAgo);
    await settle();
    const first = readThroughCache(root, env, { whole: {} });
    expect([...(first.listing?.keys() ?? [])].sort()).toEqual([KEY_FILE, MANIFEST]);
    const before = lstatSync(folder);
    expect(
      DigestCache.open(root, env).recallFolder({
        ino: before.ino,
        size: before.size,
        mtimeMs: before.mtimeMs,
        ctimeMs: before.ctimeMs,
      }),
    ).toEqual([
      [".render-key", "file"],
      ["manifest.yaml", "file"],
    ]);

    writeFileSync(join(folder, "extra.yaml"), "kind: ConfigMap\n");
    symlinkSync("/etc/hostname", join(folder, "link.yaml"));
    utimesSync(folder, longAgo, longAgo);
    expect(lstatSync(folder).mtimeMs).toBe(before.mtimeMs);
    const second = readThroughCache(root, env, { whole: {} });
    expect(second.listing).toEqual(
      new Map([
        [KEY_FILE, "file"],
        ["dev/cart/extra.yaml", "file"],
        ["dev/cart/link.yaml", "other"],
        [MANIFEST, "file"],
      ]),
    );
  });

  it("lists the spare tree from the cache as walkTree does", async () => {
    const { root, env } = repository();
    temps.push(env.IDP_CACHE_DIR as string);
    const spare = join(root, ".manifests.spare");
    mkdirSync(join(spare, "dev", "cart"), { recursive: true });
    writeFileSync(join(spare, "dev", "cart", "manifest.yaml"), "old\n");
    symlinkSync("/etc/hostname", join(spare, "dev", "link.yaml"));
    mkdirSync(join(spare, "prod"));
    await settle();
    for (const round of ["listed", "recalled"]) {
      const tree = readThroughCache(root, env, { whole: { spare: true } });
      expect(tree.spare, round).toEqual(walkTree(spare));
    }
  });

  it("does not remember a file written just before the read (git's racy case)", () => {
    const { root, env } = repository();
    temps.push(env.IDP_CACHE_DIR as string);
    readThroughCache(root, env);
    expect(DigestCache.open(root, env).knows(MANIFEST)).toBe(false);
  });

  it("ignores a cache file that is not private to the user, and saves nothing when turned off", async () => {
    const { root, env } = repository();
    const folder = env.IDP_CACHE_DIR as string;
    temps.push(folder);
    await settle();
    readThroughCache(root, env);
    expect(DigestCache.open(root, env).knows(MANIFEST)).toBe(true);
    const [file] = readdirSync(folder);
    chmodSync(join(folder, file as string), 0o666);
    expect(DigestCache.open(root, env).knows(MANIFEST)).toBe(false);

    const off = repository();
    await settle();
    readThroughCache(off.root, { IDP_CACHE_DIR: "off" });
    expect(DigestCache.open(off.root, { IDP_CACHE_DIR: "off" }).knows(MANIFEST)).toBe(false);
  });

  it("ignores the cache of another tree and a corrupt one", async () => {
    const { root, env } = repository();
    const folder = env.IDP_CACHE_DIR as string;
    temps.push(folder);
    await settle();
    readThroughCache(root, env);
    const [file] = readdirSync(folder);
    const cacheFile = join(folder, file as string);
    expect(statSync(cacheFile).mode & 0o777).toBe(0o600);
    writeFileSync(cacheFile, "{not json", { mode: 0o600 });
    expect(DigestCache.open(root, env).knows(MANIFEST)).toBe(false);
    const other = repository();
    temps.push(other.env.IDP_CACHE_DIR as string);
    expect(DigestCache.open(other.root, env).knows(MANIFEST)).toBe(false);
  });
});
