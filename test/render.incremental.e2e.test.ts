import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderCommand } from "../scripts/commands/render.js";
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

const { repository } = useRenderedRepositories("idp-incremental-");

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
    // Only cart's own files render: its callers read its name, namespace and ports, not its image.
    expect(written.data.changed).toEqual(CART_FILES.flatMap((file) => [keyFile(file), file]));
    expect(written.data.rendered).toBe(3);
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

  it("missing, corrupt or hostile key files only cost a render", async () => {
    const digits = "a".repeat(64);
    for (const text of [
      undefined,
      "{ not a key file",
      `key ${digits}\nsha256 ${digits}\n`,
      `# x\nkey ${digits.toUpperCase()}\nsha256 ${digits}\n`,
      `# x\nkey ${digits}\nsha256 ${digits}\nkey ${digits}\n`,
      "x".repeat(10_000),
    ]) {
      const root = repository();
      editCart(root);
      for (const file of CART_FILES) {
        if (text === undefined) git(root, "rm", "-q", keyFile(file));
        else writeFileSync(join(root, keyFile(file)), text);
      }
      const checked = await render(root, { check: true });
      expect(checked.exitCode).toBe(1);
      expect(checked.data.changed).toEqual(expect.arrayContaining(CART_FILES));
      if (text !== undefined) continue;
      // And a render writes good key files again.
      expect((await render(root)).exitCode).toBe(0);
      expect((await render(root, { check: true, full: true })).exitCode).toBe(0);
    }
  }, 180_000);

  it("--base trusts the merge base's key files: key files forged to vouch for stale files fails the check", async () => {
    const root = repository();
    git(root, "checkout", "-q", "-b", "change");
    editCart(root);
    // What a fresh render's index says now, taken from a scratch copy of the change.
    const scratch = repository();
    editCart(scratch);
    expect((await render(scratch)).exitCode).toBe(0);
    // Every key file as a render gives it (cart's callers' keys change too), cart's forged.
    for (const file of git(scratch, "ls-files", "--others", "--modified", "--", "manifests").split("\n"))
      if (file.endsWith("/.render-key")) writeFileSync(join(root, file), readFileSync(join(scratch, file)));
    forgeKeyFiles(root, scratch, CART_FILES);
    git(root, "commit", "-qam", "cart 9.9.9, manifests not rendered, key files forged");
    // The working tree's index is the pull request's: believing it misses the stale files...
    expect((await render(root, { check: true })).exitCode).toBe(0);
    // ...judged with the base's index, the stale files are rendered and differ.
    const judged = await render(root, { check: true, base: "main" });
    expect(judged.exitCode).toBe(1);
    expect(judged.data.changed).toEqual(expect.arrayContaining(CART_FILES));
    // Without --base, render believes the working tree's index (README: Rendering); --full believes none.
    // Rendered in full and committed, the same change passes the same check.
    expect((await render(root, { full: true })).exitCode).toBe(0);
    git(root, "commit", "-qam", "render");
    const passed = await render(root, { check: true, base: "main" });
    expect(passed.exitCode).toBe(0);
    expect(passed.data.rendered).toBeLessThan(passed.data.reused);
  }, 120_000);

  it("a new render version (changed chart code) renders every file, and --check reports the key files", async () => {
    const root = repository();
    const before = await render(root, { check: true });
    const files = before.data.reused;
    const other = await render(root, { check: true, renderVersion: "another chart code" });
    expect(other.data.rendered).toBe(files);
    expect(other.data.reused).toBe(0);
    expect(other.exitCode).toBe(1);
    expect(other.data.changed).toHaveLength(files);
    expect(other.data.changed.every((f) => f.endsWith("/.render-key"))).toBe(true);
    expect((await render(root, { renderVersion: "another chart code" })).exitCode).toBe(0);
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
