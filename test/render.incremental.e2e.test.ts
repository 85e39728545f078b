import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderCommand } from "../scripts/commands/render.js";
import { parseRenderIndex, RENDER_INDEX_FILE } from "../scripts/render/render-index.js";
import { git, useRenderedRepositories } from "./support/rendered-repository.js";

const { repository } = useRenderedRepositories("idp-incremental-");

const INDEX = join("manifests", RENDER_INDEX_FILE);
const CART = "manifests/dev/cart/manifest.yaml";

interface RenderData {
  ok: boolean;
  added: string[];
  changed: string[];
  removed: string[];
  rendered: number;
  reused: number;
}

async function render(
  root: string,
  more: { check?: boolean; full?: boolean; base?: string; renderVersion?: string } = {},
) {
  const result = await renderCommand({
    root,
    format: "json",
    check: more.check ?? false,
    allowEmpty: false,
    verify: false,
    ...(more.full !== undefined ? { full: more.full } : {}),
    ...(more.base !== undefined ? { base: more.base } : {}),
    ...(more.renderVersion !== undefined ? { renderVersion: more.renderVersion } : {}),
  });
  return { exitCode: result.exitCode, data: JSON.parse(result.stdout) as RenderData };
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** Bumps cart's image tag in services/cart/service.yaml, without rendering. */
function editCart(root: string): void {
  const file = join(root, "services/cart/service.yaml");
  const text = readFileSync(file, "utf8");
  const edited = text.replace(/(image: \S+:)(\S+)/, "$1" + "9.9.9");
  expect(edited).not.toBe(text);
  writeFileSync(file, edited);
}

/**
 * The index as a pull request would forge it: each entry of `paths` claims
 * the key the current sources give (read from a fresh render's index) and
 * the digest of the stale bytes on disk.
 */
function forgeIndex(root: string, fresh: string, paths: readonly string[]): void {
  const claimed = parseRenderIndex(fresh);
  let text = readFileSync(join(root, INDEX), "utf8");
  for (const path of paths) {
    const relative = path.slice("manifests/".length);
    const stale = sha256(readFileSync(join(root, path), "utf8"));
    const entry = claimed.get(relative);
    if (!entry) throw new Error(`no entry for ${relative}`);
    text = text.replace(
      new RegExp(`("${relative.replace(/[/.]/g, "\\$&")}": \\{ "key": ")[0-9a-f]+(", "sha256": ")[0-9a-f]+`),
      `$1${entry.key}$2${stale}`,
    );
  }
  writeFileSync(join(root, INDEX), text);
}

describe("render with the render index", () => {
  it("renders nothing for unchanged sources, and only the changed service's files after an edit", async () => {
    const root = repository();
    const unchanged = await render(root, { check: true });
    expect(unchanged.exitCode).toBe(0);
    expect(unchanged.data.rendered).toBe(0);
    expect(unchanged.data.reused).toBeGreaterThan(20);
    editCart(root);
    const written = await render(root);
    expect(written.exitCode).toBe(0);
    // Only cart's own files change; its callers' files render again too (their keys take
    // cart's settings whole), and come out the same.
    expect(written.data.changed).toEqual([
      `manifests/${RENDER_INDEX_FILE}`,
      "manifests/dev/cart/manifest.yaml",
      "manifests/prod/cart/manifest.yaml",
      "manifests/staging/cart/manifest.yaml",
    ]);
    // cart, checkout and storefront (which call cart) in each of the 3 environments.
    expect(written.data.rendered).toBe(9);
    expect((await render(root, { check: true, full: true })).exitCode).toBe(0);
  }, 60_000);

  it("catches a hand edit whose index entry was left alone", async () => {
    const root = repository();
    writeFileSync(
      join(root, CART),
      readFileSync(join(root, CART), "utf8").replace("replicas: 1", "replicas: 5"),
    );
    const checked = await render(root, { check: true });
    expect(checked.exitCode).toBe(1);
    expect(checked.data.changed).toEqual([CART]);
    expect(checked.data.rendered).toBe(1);
  }, 60_000);

  it("a missing, corrupt or hostile index only costs a full render", async () => {
    for (const index of [
      undefined,
      "{ not json",
      '{"files": []}',
      '{"files": {"dev/cart/manifest.yaml": {"key": 1, "sha256": "x"}, "__proto__": {"key": "a"}}}',
      "x".repeat(70 * 1024 * 1024),
    ]) {
      const root = repository();
      editCart(root);
      if (index === undefined) git(root, "rm", "-q", INDEX);
      else writeFileSync(join(root, INDEX), index);
      const checked = await render(root, { check: true });
      expect(checked.exitCode).toBe(1);
      expect(checked.data.reused).toBe(0);
      expect(checked.data.changed).toEqual(
        expect.arrayContaining([CART, "manifests/staging/cart/manifest.yaml"]),
      );
      if (index !== undefined) continue;
      // And a render writes a good index again.
      expect((await render(root)).exitCode).toBe(0);
      expect((await render(root, { check: true, full: true })).exitCode).toBe(0);
    }
  }, 180_000);

  it("--base trusts the merge base's index: an index forged to vouch for stale files fails the check", async () => {
    const root = repository();
    git(root, "checkout", "-q", "-b", "change");
    editCart(root);
    // What a fresh render's index says now, taken from a scratch copy of the change.
    const scratch = repository();
    editCart(scratch);
    expect((await render(scratch)).exitCode).toBe(0);
    const fresh = readFileSync(join(scratch, INDEX), "utf8");
    forgeIndex(root, fresh, [CART, "manifests/staging/cart/manifest.yaml"]);
    git(root, "commit", "-qam", "cart 9.9.9, manifests not rendered, index forged");
    // The working tree's index is the pull request's: believing it misses the stale files...
    expect((await render(root, { check: true })).exitCode).toBe(0);
    // ...judged with the base's index, the stale files are rendered and differ.
    const judged = await render(root, { check: true, base: "main" });
    expect(judged.exitCode).toBe(1);
    expect(judged.data.changed).toEqual(
      expect.arrayContaining([
        CART,
        "manifests/staging/cart/manifest.yaml",
        `manifests/${RENDER_INDEX_FILE}`,
      ]),
    );
    // Without --base, render believes the working tree's index (README: Rendering); --full believes none.
    // Rendered in full and committed, the same change passes the same check.
    expect((await render(root, { full: true })).exitCode).toBe(0);
    git(root, "commit", "-qam", "render");
    const passed = await render(root, { check: true, base: "main" });
    expect(passed.exitCode).toBe(0);
    expect(passed.data.rendered).toBeLessThan(passed.data.reused);
  }, 120_000);

  it("a new render version (changed chart code) renders every file, and --check reports the index", async () => {
    const root = repository();
    const before = await render(root, { check: true });
    const files = before.data.reused;
    const other = await render(root, { check: true, renderVersion: "another chart code" });
    expect(other.data.rendered).toBe(files);
    expect(other.data.reused).toBe(0);
    expect(other.exitCode).toBe(1);
    expect(other.data.changed).toEqual([`manifests/${RENDER_INDEX_FILE}`]);
    expect((await render(root, { renderVersion: "another chart code" })).exitCode).toBe(0);
    const index = readFileSync(join(root, INDEX), "utf8");
    expect(index).toContain(`"renderVersion": "another chart code"`);
    const again = await render(root, { check: true, renderVersion: "another chart code" });
    expect(again.exitCode).toBe(0);
    expect(again.data.rendered).toBe(0);
  }, 90_000);

  it("--full renders every file and trusts no entry", async () => {
    const root = repository();
    const full = await render(root, { check: true, full: true });
    expect(full.exitCode).toBe(0);
    expect(full.data.reused).toBe(0);
    expect(full.data.rendered).toBeGreaterThan(20);
  }, 60_000);
});
