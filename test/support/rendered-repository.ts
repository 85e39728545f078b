import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { renderCommand } from "../../scripts/commands/render.js";
import { parseKeyFile } from "../../scripts/render/render-index.js";
import { git } from "./suite.js";

export { git };

const ROOT = join(import.meta.dirname, "..", "..");
const FOLDERS = ["environments", "teams", "services", "schemas", "policies"];

/** Temporary repositories of a test file, removed after each test. */
export interface RenderedRepositories {
  /** A fresh git repository with the examples and their rendered manifests committed on main. */
  repository(): string;
  /** An empty temporary folder. */
  temp(prefix: string): string;
}

/**
 * Registers the hooks of a test file that works on copies of the example
 * repository: one rendered and committed template (built once, copied per
 * test), IDP_TODAY pinned to 2026-11-25, and cleanup after each test.
 */
export function useRenderedRepositories(prefix: string): RenderedRepositories {
  const temps: string[] = [];
  const savedToday = process.env.IDP_TODAY;
  let template = "";

  beforeAll(async () => {
    process.env.IDP_TODAY = "2026-11-25";
    template = mkdtempSync(join(tmpdir(), `${prefix}template-`));
    for (const folder of FOLDERS) cpSync(join(ROOT, folder), join(template, folder), { recursive: true });
    cpSync(join(ROOT, ".gitignore"), join(template, ".gitignore"));
    cpSync(join(ROOT, ".github/CODEOWNERS"), join(template, ".github/CODEOWNERS"));
    const rendered = await renderCommand({
      root: template,
      format: "text",
      check: false,
      allowEmpty: false,
      verify: false,
    });
    expect(rendered.exitCode).toBe(0);
    git(template, "init", "-q", "-b", "main");
    git(template, "config", "user.name", "t");
    git(template, "config", "user.email", "t@example.test");
    git(template, "add", "-A");
    git(template, "commit", "-qm", "base");
  }, 60_000);

  afterAll(() => {
    rmSync(template, { recursive: true, force: true });
    if (savedToday === undefined) delete process.env.IDP_TODAY;
    else process.env.IDP_TODAY = savedToday;
  });

  afterEach(() => {
    for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  const temp = (name: string): string => {
    const dir = mkdtempSync(join(tmpdir(), name));
    temps.push(dir);
    return dir;
  };
  return {
    temp,
    repository() {
      const root = temp(prefix);
      cpSync(template, root, { recursive: true });
      return root;
    },
  };
}

/** The example cart service's manifest in dev, and in every environment. */
export const CART = "manifests/dev/cart/manifest.yaml";
export const CART_FILES = ["dev", "prod", "staging"].map((env) => `manifests/${env}/cart/manifest.yaml`);

/** The key file beside `manifest`. */
export const keyFile = (manifest: string) => manifest.replace(/manifest\.yaml$/, ".render-key");

/** What `idp render --format json` prints. */
export interface RenderData {
  ok: boolean;
  added: string[];
  changed: string[];
  removed: string[];
  rendered: number;
  reused: number;
}

/** Bumps cart's image tag in services/cart/service.yaml, without rendering. */
export function editCart(root: string): void {
  const file = join(root, "services/cart/service.yaml");
  const text = readFileSync(file, "utf8");
  const edited = text.replace(/(image: \S+:)(\S+)/, "$1" + "9.9.9");
  expect(edited).not.toBe(text);
  writeFileSync(file, edited);
}

/**
 * Key files as a pull request would forge them: each of `paths` gets a key
 * file claiming the key the current sources give (read from `fresh`, a
 * rendered copy of the change) and the digest of the stale bytes on disk.
 */
export function forgeKeyFiles(root: string, fresh: string, paths: readonly string[]): void {
  for (const path of paths) {
    const claimed = parseKeyFile(readFileSync(join(fresh, keyFile(path)), "utf8"));
    if (!claimed) throw new Error(`no key file for ${path}`);
    const stale = createHash("sha256")
      .update(readFileSync(join(root, path), "utf8"))
      .digest("hex");
    writeFileSync(
      join(root, keyFile(path)),
      readFileSync(join(fresh, keyFile(path)), "utf8").replace(claimed.sha256, stale),
    );
  }
}
