import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { run } from "../../scripts/run.js";

const ROOT = join(import.meta.dirname, "..", "..");
const FOLDERS = ["environments", "teams", "services", "schemas", "policies"];

/**
 * Sets `value` at `path` in the YAML file `file` (keeping comments and
 * layout), as a platform engineer would edit it.
 */
export function editYaml(file: string, path: readonly string[], value: unknown): void {
  const document = parseDocument(readFileSync(file, "utf8"));
  document.setIn(path, value);
  writeFileSync(file, document.toString());
}

/**
 * Copies the example repository's sources into a new temporary folder, lets
 * `edit` change them, renders it with `idp render` and returns the folder.
 * Throws with idp's output when the render fails.
 */
export async function renderedCopy(prefix: string, edit: (root: string) => void = () => {}): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), prefix));
  for (const folder of FOLDERS) cpSync(join(ROOT, folder), join(root, folder), { recursive: true });
  edit(root);
  await render(root);
  return root;
}

/** Runs `idp render --root root`; throws with its output unless it exits 0. */
export async function render(root: string): Promise<void> {
  const rendered = await run(["render", "--root", root]);
  if (rendered.exitCode !== 0) {
    throw new Error(`idp render failed (${rendered.exitCode}):\n${rendered.stdout}${rendered.stderr}`);
  }
}

/** Switches environment `env` of the repository at `root` to Flux in `namespace`. */
export function switchToFlux(root: string, env: string, namespace = "flux-system"): void {
  const file = join(root, "environments", `${env}.yaml`);
  editYaml(file, ["spec", "gitops", "controller"], "flux");
  editYaml(file, ["spec", "gitops", "namespace"], namespace);
}
