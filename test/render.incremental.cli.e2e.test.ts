import { spawn, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { READ_CACHE_FILE, SETTLED_MS } from "../scripts/render/read-cache.js";
import {
  CART,
  CART_FILES,
  editCart,
  forgeKeyFiles,
  git,
  keyFile,
  type RenderData,
  useRenderedRepositories,
} from "./support/rendered-repository.js";

// The built CLI, as users run it: only there do the worker threads exist that
// read and hash the committed tree (and, for --check, snapshot it under the
// render lock) and render a few changed files (test/render.incremental.e2e.test.ts
// runs the command function from the sources, where both happen in this thread).
const ROOT = join(import.meta.dirname, "..");
const IDP = join(ROOT, "bin", "idp.js");

const { repository } = useRenderedRepositories("idp-incremental-cli-");

function idp(root: string, ...args: string[]): { exitCode: number; data: RenderData; stderr: string } {
  const run = spawnSync(process.execPath, [IDP, "render", "--root", root, "--format", "json", ...args], {
    encoding: "utf8",
    env: { ...process.env, IDP_TODAY: "2026-11-25" },
  });
  return { exitCode: run.status ?? -1, data: JSON.parse(run.stdout) as RenderData, stderr: run.stderr };
}

/** Every file under `dir` by relative path, with its bytes. */
function tree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(path.slice(dir.length + 1), readFileSync(path, "latin1"));
  }
  return files;
}

describe("idp render with key files, as built", () => {
  it("renders only the changed service's files, byte-identical to --full", () => {
    const root = repository();
    const unchanged = idp(root, "--check");
    expect(unchanged.exitCode).toBe(0);
    expect(unchanged.data.rendered).toBe(0);
    expect(unchanged.data.reused).toBeGreaterThan(20);
    editCart(root);
    const full = repository();
    editCart(full);
    const written = idp(root);
    expect(written.exitCode).toBe(0);
    expect(written.data.rendered).toBe(3);
    expect(written.data.changed).toEqual(CART_FILES.flatMap((file) => [keyFile(file), file]));
    expect(idp(full, "--full").exitCode).toBe(0);
    expect(tree(join(root, "manifests"))).toEqual(tree(join(full, "manifests")));
    expect(idp(root, "--check", "--full").exitCode).toBe(0);
    expect(idp(root, "--check").data.rendered).toBe(0);
  }, 120_000);

  it("successive one-service renders write in place, leave the spare tree as it is, and match --full", () => {
    const root = repository();
    const full = repository();
    // A spare tree as a swap leaves it (the previous tree).
    cpSync(join(root, "manifests"), join(root, ".manifests.spare"), { recursive: true });
    for (const [round, tag] of ["9.9.1", "9.9.2", "9.9.3"].entries()) {
      for (const dir of [root, full]) {
        const file = join(dir, "services/cart/service.yaml");
        writeFileSync(file, readFileSync(file, "utf8").replace(/(image: \S+:)(\S+)/, `$1${tag}`));
      }
      if (round === 2) {
        // The spare is anything: a file in it edited in place, a stray file, a link.
        const spare = join(root, ".manifests.spare");
        writeFileSync(join(spare, "dev/cart/manifest.yaml"), "edited in the spare\n");
        writeFileSync(join(spare, "dev/cart/stray.yaml"), "kind: ConfigMap\n");
        unlinkSync(join(spare, "prod/cart/.render-key"));
        symlinkSync("/etc/hostname", join(spare, "prod/cart/.render-key"));
      }
      const spareBefore = tree(join(root, ".manifests.spare"));
      const written = idp(root);
      expect(written.exitCode, tag).toBe(0);
      expect(written.data.rendered, tag).toBe(3);
      // Written in place (write/in-place.ts): the spare tree, whatever it holds, is not touched.
      expect(tree(join(root, ".manifests.spare")), tag).toEqual(spareBefore);
      expect(idp(full, "--full").exitCode).toBe(0);
      expect(tree(join(root, "manifests")), tag).toEqual(tree(join(full, "manifests")));
    }
  }, 180_000);

  it("--base believes the merge base's key files, read beside validation: forged ones fail the check", () => {
    const root = repository();
    git(root, "checkout", "-q", "-b", "change");
    editCart(root);
    const scratch = repository();
    editCart(scratch);
    expect(idp(scratch).exitCode).toBe(0);
    for (const file of git(scratch, "ls-files", "--others", "--modified", "--", "manifests").split("\n"))
      if (file.endsWith("/.render-key")) writeFileSync(join(root, file), readFileSync(join(scratch, file)));
    forgeKeyFiles(root, scratch, CART_FILES);
    git(root, "commit", "-qam", "cart 9.9.9, manifests not rendered, key files forged");
    expect(idp(root, "--check").exitCode).toBe(0);
    const judged = idp(root, "--check", "--base", "main");
    expect(judged.exitCode).toBe(1);
    expect(judged.data.changed).toEqual(expect.arrayContaining(CART_FILES));
    expect(idp(root, "--full").exitCode).toBe(0);
    git(root, "commit", "-qam", "render");
    const passed = idp(root, "--check", "--base", "main");
    expect(passed.exitCode).toBe(0);
    // Cart's three files differ from the base's index (its key changed); the rest is trusted.
    expect(passed.data.rendered).toBe(3);
    // A base the clone does not have: git's answer, as the main thread gave it, exit 2.
    const missing = spawnSync(
      process.execPath,
      [IDP, "render", "--check", "--base", "origin/nowhere", "--root", root],
      { encoding: "utf8" },
    );
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain(
      "origin/nowhere is not in this clone; fetch it (git fetch origin nowhere)",
    );
  }, 120_000);

  it("a render refuses to start while another render holds the lock, and writes nothing", () => {
    const root = repository();
    editCart(root);
    const before = tree(join(root, "manifests"));
    const holder = spawn("sleep", ["30"]);
    try {
      writeFileSync(join(root, ".idp-render.lock"), `${holder.pid}\n`);
      const run = spawnSync(process.execPath, [IDP, "render", "--root", root], { encoding: "utf8" });
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(`another idp render is running (pid ${holder.pid})`);
      expect(tree(join(root, "manifests"))).toEqual(before);
      expect(readFileSync(join(root, ".idp-render.lock"), "utf8")).toBe(`${holder.pid}\n`);
    } finally {
      holder.kill();
    }
    rmSync(join(root, ".idp-render.lock"));
    expect(idp(root).data.rendered).toBe(3);
  }, 120_000);

  it("--check catches every hand edit of the committed tree", () => {
    const edits: [string, (root: string) => void, Partial<RenderData>][] = [
      [
        "a manifest edited, its key file left alone",
        (root) =>
          writeFileSync(
            join(root, CART),
            readFileSync(join(root, CART), "utf8").replace("replicas: 1", "replicas: 5"),
          ),
        { changed: [CART] },
      ],
      [
        "a manifest replaced by a symbolic link to its own bytes",
        (root) => {
          cpSync(join(root, CART), join(root, "cart-copy.yaml"));
          unlinkSync(join(root, CART));
          symlinkSync(join(root, "cart-copy.yaml"), join(root, CART));
        },
        { changed: [CART] },
      ],
      ["a manifest removed", (root) => rmSync(join(root, CART)), { added: [CART] }],
      [
        "a file added",
        (root) => writeFileSync(join(root, "manifests/dev/cart/extra.yaml"), "kind: ConfigMap\n"),
        { removed: ["manifests/dev/cart/extra.yaml"] },
      ],
      [
        "the README edited",
        (root) => writeFileSync(join(root, "manifests/README.md"), "edited\n"),
        { changed: ["manifests/README.md"] },
      ],
      [
        "a key file edited",
        (root) => writeFileSync(join(root, keyFile(CART)), "# x\n"),
        { changed: [keyFile(CART)] },
      ],
    ];
    for (const [what, edit, drift] of edits) {
      const root = repository();
      edit(root);
      const checked = idp(root, "--check");
      expect(checked.exitCode, what).toBe(1);
      expect(checked.data, what).toMatchObject({ added: [], changed: [], removed: [], ...drift });
    }
  }, 180_000);

  it("--check catches a hand edit of a manifest that keeps its length and mtime", () => {
    const root = repository();
    const manifest = join(root, CART);
    // A whole second, so that it can be set back exactly after the edit.
    const longAgo = new Date("2025-01-01T00:00:00Z");
    utimesSync(manifest, longAgo, longAgo);
    expect(idp(root, "--check").exitCode).toBe(0);
    const text = readFileSync(manifest, "utf8");
    const edited = text.replace("replicas: 1", "replicas: 5");
    expect(edited.length).toBe(text.length);
    expect(edited).not.toBe(text);
    writeFileSync(manifest, edited);
    utimesSync(manifest, longAgo, longAgo);
    const checked = idp(root, "--check");
    expect(checked.exitCode).toBe(1);
    expect(checked.data).toMatchObject({ added: [], changed: [CART], removed: [] });
  }, 120_000);

  it("with the clone's read cache warm, --check still catches that edit; --base neither reads nor writes the cache", async () => {
    const root = repository();
    const manifest = join(root, CART);
    const longAgo = new Date("2025-01-01T00:00:00Z");
    utimesSync(manifest, longAgo, longAgo);
    // Only what changed at least SETTLED_MS before a read is remembered.
    await new Promise((resolve) => setTimeout(resolve, SETTLED_MS + 200));
    const cache = join(root, READ_CACHE_FILE);
    expect(idp(root, "--check", "--base", "main").exitCode).toBe(0);
    expect(existsSync(cache)).toBe(false);
    expect(idp(root, "--check").exitCode).toBe(0);
    expect(readFileSync(cache, "utf8")).toContain(`\n${CART.slice("manifests/".length)}\t`);
    const text = readFileSync(manifest, "utf8");
    writeFileSync(manifest, text.replace("replicas: 1", "replicas: 5"));
    utimesSync(manifest, longAgo, longAgo);
    const checked = idp(root, "--check");
    expect(checked.exitCode).toBe(1);
    expect(checked.data).toMatchObject({ added: [], changed: [CART], removed: [] });
    expect(idp(root).data.changed).toEqual([CART]);
    expect(idp(root, "--check").exitCode).toBe(0);
  }, 120_000);

  it("--check waits for a render that holds the lock, and compares with the tree it leaves", async () => {
    const root = repository();
    const holder = spawn("sleep", ["30"]);
    try {
      writeFileSync(join(root, ".idp-render.lock"), `${holder.pid}\n`);
      const started = Date.now();
      const checking = new Promise<{ code: number | null; stdout: string }>((resolve) => {
        const child = spawn(
          process.execPath,
          [IDP, "render", "--check", "--root", root, "--format", "json"],
          {
            env: { ...process.env, IDP_TODAY: "2026-11-25" },
          },
        );
        let stdout = "";
        child.stdout.on("data", (chunk) => {
          stdout += chunk;
        });
        child.on("close", (code) => resolve({ code, stdout }));
      });
      // The "render" holding the lock edits a manifest by hand, then lets go.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      writeFileSync(
        join(root, CART),
        readFileSync(join(root, CART), "utf8").replace("replicas: 1", "replicas: 5"),
      );
      rmSync(join(root, ".idp-render.lock"));
      const { code, stdout } = await checking;
      expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
      expect(code).toBe(1);
      expect((JSON.parse(stdout) as RenderData).changed).toEqual([CART]);
    } finally {
      holder.kill();
    }
  }, 120_000);
});
