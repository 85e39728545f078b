import { createHash } from "node:crypto";
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { temporaryFolders } from "../../test/support/suite.js";
import { ToolError } from "../errors.js";
import { type CommittedTree, readCommittedBytes, readCommittedTree } from "./committed-tree.js";
import { READ_CACHE_FILE, SETTLED_MS } from "./read-cache.js";
import { holds } from "./write/tree.js";

const temps = temporaryFolders();
const digest = (bytes: string | Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** A repository whose manifests/dev/ holds `files` (path under manifests/dev/ → content). */
function repository(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "idp-committed-"));
  temps.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, "manifests", "dev", path, ".."), { recursive: true });
    writeFileSync(join(root, "manifests", "dev", path), content);
  }
  return root;
}

// Larger than the 1 MiB buffer manifests are hashed through, and not a multiple of it.
const large = `kind: ConfigMap\ndata: ${"é".repeat(1_300_000)}\n`;

describe("readCommittedTree", () => {
  it("keeps a manifest's digest only, and a key file's bytes", () => {
    const root = repository({ "cart/manifest.yaml": large, "cart/.render-key": "key: k\nsha256: s\n" });
    const { files } = readCommittedTree(root);
    const manifest = files.get("dev/cart/manifest.yaml");
    expect(manifest?.bytes).toBeUndefined();
    expect(manifest?.sha256).toBe(digest(large));
    expect(manifest?.identity.size).toBe(Buffer.byteLength(large));
    const key = files.get("dev/cart/.render-key");
    expect(key?.sha256).toBeUndefined();
    expect(Buffer.from(key?.bytes ?? []).toString("utf8")).toBe("key: k\nsha256: s\n");
  });

  it("under the lock, lists the whole tree and hashes every manifest in it", () => {
    const root = repository({ "cart/manifest.yaml": "a: 1\n", "README.md": "hand\n" });
    symlinkSync("/etc/hostname", join(root, "manifests", "dev", "link.yaml"));
    const tree = readCommittedTree(root, { whole: { lockWaitMs: 0 } });
    expect(tree.files.get("dev/cart/manifest.yaml")?.sha256).toBe(digest("a: 1\n"));
    expect(Buffer.from(tree.files.get("dev/README.md")?.bytes ?? []).toString()).toBe("hand\n");
    expect(tree.listing?.get("dev/link.yaml")).toBe("other");
    expect(tree.files.has("dev/link.yaml")).toBe(false);
  });
});

describe("readCommittedTree remembering what it read (read-cache.ts)", () => {
  const whole = { whole: { lockWaitMs: 0 }, remember: true };
  /** What a read found, comparable: each file's digest or text, and the listing. */
  const found = (tree: CommittedTree) => ({
    files: Object.fromEntries(
      [...tree.files].map(([path, file]) => [path, file.sha256 ?? Buffer.from(file.bytes).toString()]),
    ),
    listing: Object.fromEntries(tree.listing ?? []),
  });
  /** A read as if a while after the files were written: everything read is remembered. */
  const readLater = (root: string) => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + SETTLED_MS + 1_000);
    try {
      return readCommittedTree(root, whole);
    } finally {
      vi.useRealTimers();
    }
  };

  const MTIME = 1_700_000_000;

  it("believes the cache for what kept its identity and reads again what changed since", () => {
    const root = repository({
      "cart/manifest.yaml": large,
      "cart/.render-key": "key k\n",
      "web/manifest.yaml": "b: 2\n",
    });
    mkdirSync(join(root, ".git"));
    // A whole second, which a hand edit can put back exactly.
    const manifest = join(root, "manifests", "dev", "cart", "manifest.yaml");
    utimesSync(manifest, MTIME, MTIME);
    const first = found(readLater(root));
    expect(first).toEqual(found(readCommittedTree(root, { whole: { lockWaitMs: 0 } })));
    expect(found(readCommittedTree(root, whole))).toEqual(first);
    // Believed, not read: a digest put in the cache by hand is what the next read gives.
    const cacheFile = join(root, READ_CACHE_FILE);
    writeFileSync(cacheFile, readFileSync(cacheFile, "utf8").replace(digest(large), "f".repeat(64)));
    expect(readCommittedTree(root, whole).files.get("dev/cart/manifest.yaml")?.sha256).toBe("f".repeat(64));
    // Written since (the same size, its mtime put back by hand), the manifest and the key file are
    // read again: a write sets the ctime, which cannot be put back. A file added to a folder is listed.
    writeFileSync(manifest, large.replace("kind", "KIND"));
    utimesSync(manifest, MTIME, MTIME);
    expect(statSync(manifest).mtimeMs).toBe(MTIME * 1000);
    writeFileSync(join(root, "manifests", "dev", "cart", ".render-key"), "key K\n");
    writeFileSync(join(root, "manifests", "dev", "web", "hand.yaml"), "c: 3\n");
    const after = found(readCommittedTree(root, whole));
    expect(after).toEqual(found(readCommittedTree(root, { whole: { lockWaitMs: 0 } })));
    expect(after.files["dev/cart/manifest.yaml"]).toBe(digest(large.replace("kind", "KIND")));
    expect(after.files["dev/cart/.render-key"]).toBe("key K\n");
    expect(after.listing["dev/web/hand.yaml"]).toBe("file");
  });

  it("reads everything, and remembers nothing, outside a clone's top folder or without remember", () => {
    const root = repository({ "cart/manifest.yaml": "a: 1\n" });
    readLater(root);
    mkdirSync(join(root, ".git"));
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + SETTLED_MS + 1_000);
    try {
      readCommittedTree(root, { whole: { lockWaitMs: 0 } });
    } finally {
      vi.useRealTimers();
    }
    expect(() => readFileSync(join(root, READ_CACHE_FILE))).toThrow(/ENOENT/);
  });
});

describe("readCommittedBytes", () => {
  it("reads a manifest again while it still has the digest read, and refuses one changed since", () => {
    const root = repository({ "cart/manifest.yaml": large });
    const read = readCommittedTree(root).files.get("dev/cart/manifest.yaml");
    const sha = read?.sha256 ?? "";
    expect(Buffer.from(readCommittedBytes(root, "dev/cart/manifest.yaml", sha)).toString()).toBe(large);
    writeFileSync(join(root, "manifests", "dev", "cart", "manifest.yaml"), `${large}# edited\n`);
    expect(() => readCommittedBytes(root, "dev/cart/manifest.yaml", sha)).toThrow(ToolError);
    expect(() => readCommittedBytes(root, "dev/cart/manifest.yaml", sha)).toThrow(/changed while idp render/);
  });
});

describe("holds", () => {
  const text = "kind: Service\n";
  const committed = { sha256: digest(text), bytes: () => Buffer.from(text) };

  it("compares a file read as its digest with rendered content by hashing it", () => {
    expect(holds({ sha256: digest(text) }, text)).toBe(true);
    expect(holds({ sha256: digest(text) }, Buffer.from(text))).toBe(true);
    expect(holds({ sha256: digest(text) }, `${text} `)).toBe(false);
  });

  it("compares a committed file kept as it is by digest, and bytes read with content byte for byte", () => {
    expect(holds({ sha256: digest(text) }, committed)).toBe(true);
    expect(holds({ sha256: digest("other\n") }, committed)).toBe(false);
    expect(holds({ bytes: Buffer.from(text) }, text)).toBe(true);
    expect(holds({ bytes: Buffer.from(text) }, "kind: Pod\n")).toBe(false);
    expect(holds(undefined, text)).toBe(false);
  });
});
