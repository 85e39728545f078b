import { lstatSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { temporaryFolders } from "../../test/support/suite.js";
import { identityOf, READ_CACHE_FILE, ReadCache, SETTLED_MS } from "./read-cache.js";

const temps = temporaryFolders();
const SHA = "a".repeat(64);

/** A clone's top folder (with a `.git` folder) holding `manifests/dev/cart/manifest.yaml`. */
function clone(): { root: string; file: string } {
  const root = mkdtempSync(join(tmpdir(), "idp-read-cache-"));
  temps.push(root);
  mkdirSync(join(root, ".git"));
  mkdirSync(join(root, "manifests", "dev", "cart"), { recursive: true });
  const file = join(root, "manifests", "dev", "cart", "manifest.yaml");
  writeFileSync(file, "kind: Service\n");
  return { root, file };
}

/** Opens the cache as if `ms` later: what was just written has settled by then. */
function openLater(root: string, ms = SETTLED_MS + 1_000): ReadCache | undefined {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(Date.now() + ms);
  try {
    return ReadCache.open(root);
  } finally {
    vi.useRealTimers();
  }
}

afterEach(() => vi.useRealTimers());

describe("ReadCache", () => {
  it("gives back what was read of an entry while it keeps its identity, across runs", () => {
    const { root, file } = clone();
    const identity = identityOf(lstatSync(file));
    const first = openLater(root);
    expect(first?.get("dev/cart/manifest.yaml", identity)).toBeUndefined();
    first?.set("dev/cart/manifest.yaml", identity, { sha256: SHA });
    first?.save();
    const next = ReadCache.open(root);
    expect(next?.get("dev/cart/manifest.yaml", identity)).toEqual({ sha256: SHA });
    // Another identity (the file written since): nothing.
    expect(
      next?.get("dev/cart/manifest.yaml", { ...identity, ctimeMs: identity.ctimeMs + 1 }),
    ).toBeUndefined();
    expect(next?.get("dev/cart/manifest.yaml", { ...identity, ino: identity.ino + 1 })).toBeUndefined();
  });

  it("does not remember an entry changed too shortly before it was read", () => {
    const { root, file } = clone();
    const identity = identityOf(lstatSync(file));
    const now = ReadCache.open(root);
    now?.set("dev/cart/manifest.yaml", identity, { sha256: SHA });
    now?.save();
    expect(ReadCache.open(root)?.get("dev/cart/manifest.yaml", identity)).toBeUndefined();
  });

  it("forgets what a run did not ask for, and writes nothing when nothing changed", () => {
    const { root, file } = clone();
    const identity = identityOf(lstatSync(file));
    const first = openLater(root);
    first?.set("dev/cart/manifest.yaml", identity, { sha256: SHA });
    first?.set("dev/gone/manifest.yaml", identity, { sha256: SHA });
    first?.save();
    const second = ReadCache.open(root);
    expect(second?.get("dev/cart/manifest.yaml", identity)).toEqual({ sha256: SHA });
    second?.save();
    const third = ReadCache.open(root);
    expect(third?.get("dev/gone/manifest.yaml", identity)).toBeUndefined();
    expect(third?.get("dev/cart/manifest.yaml", identity)).toEqual({ sha256: SHA });
    const written = readFileSync(join(root, READ_CACHE_FILE), "utf8");
    third?.save();
    expect(readFileSync(join(root, READ_CACHE_FILE), "utf8")).toBe(written);
  });

  it("is only kept in a clone's .git folder", () => {
    const root = mkdtempSync(join(tmpdir(), "idp-read-cache-"));
    temps.push(root);
    expect(ReadCache.open(root)).toBeUndefined();
    writeFileSync(join(root, ".git"), "gitdir: elsewhere\n");
    expect(ReadCache.open(root)).toBeUndefined();
  });

  it("never remembers a path that would break the file's lines", () => {
    const { root, file } = clone();
    const identity = identityOf(lstatSync(file));
    const cache = openLater(root);
    const forged = `x\ndev/cart/manifest.yaml\t${identity.ino}\t${identity.size}\t${identity.mtimeMs}\t${identity.ctimeMs}\t{"sha256":"${SHA}"}`;
    cache?.set(forged, identity, { text: "hand\n" });
    cache?.set("tab\there", identity, { text: "hand\n" });
    cache?.save();
    const next = ReadCache.open(root);
    expect(next?.get("dev/cart/manifest.yaml", identity)).toBeUndefined();
    expect(next?.get("tab\there", identity)).toBeUndefined();
  });

  it("ignores a file of another version and entries that are not what it writes", () => {
    const { root, file } = clone();
    const identity = identityOf(lstatSync(file));
    const { ino, size, mtimeMs, ctimeMs } = identity;
    const line = (path: string, value: string) =>
      `${path}\t${ino}\t${size}\t${mtimeMs}\t${ctimeMs}\t${value}`;
    const entries = [
      line("a", `{"sha256":"${"g".repeat(64)}"}`),
      line("b", `{"text":"é"}`),
      line("c/", `{"listing":[["..","folder"]]}`),
      line("d/", `{"listing":[["x/y","file"]]}`),
      line("e/", `{"listing":[["x","link"]]}`),
      line("f", "{not json"),
      line("g", `{"text":"key abc\\n"}`),
    ];
    const cacheFile = join(root, READ_CACHE_FILE);
    writeFileSync(cacheFile, ["idp read cache 0", ...entries].join("\n"));
    expect(ReadCache.open(root)?.get("g", identity)).toBeUndefined();
    writeFileSync(cacheFile, ["idp read cache 1", ...entries].join("\n"));
    const cache = ReadCache.open(root);
    for (const path of ["a", "b", "c/", "d/", "e/", "f"]) expect(cache?.get(path, identity)).toBeUndefined();
    expect(cache?.get("g", identity)).toEqual({ text: "key abc\n" });
  });
});
