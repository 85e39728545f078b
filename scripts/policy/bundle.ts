import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { type Diagnostic, error } from "../report/diagnostic.js";

/** Where the compiled policy lives, relative to the root. */
export const BUNDLE_WASM = "policies/dist/policy.wasm";
export const BUNDLE_MANIFEST = "policies/dist/manifest.json";

/** The manifest `npm run policy:build` writes beside the wasm. */
export interface BundleManifest {
  opaVersion: string;
  entrypoints: string[];
  /** Source file (relative to the root) → sha256 of its bytes. */
  sources: Record<string, string>;
  /** sha256 of policy.wasm. */
  wasm: string;
}

/** The compiled policy, with what it was built from. */
export interface PolicyBundle {
  wasm: Uint8Array;
  manifest: BundleManifest;
  /** Rule ids the sources define (string literals such as "SEC001"), for checking exceptions. */
  rules: ReadonlySet<string>;
}

/** The policies shipped with the tool, used when a root has no `policies/` of its own. */
function bundledRoot(): string {
  // Compiled code runs from dist/scripts/policy, sources from scripts/policy.
  const here = dirname(fileURLToPath(import.meta.url));
  const fromSource = join(here, "..", "..");
  return existsSync(join(fromSource, BUNDLE_MANIFEST)) ? fromSource : join(here, "..", "..", "..");
}

const RULE_ID = /"([A-Z]{3,4}[0-9]{3})"/g;

/** Where the compiled policy that judges `root` is: its own `policies/`, or the bundled one. */
function bundleBase(root: string): string {
  return existsSync(join(root, "policies")) ? root : bundledRoot();
}

/**
 * The compiled policy's bytes that readPolicyBundle would read for `root`,
 * unchecked (undefined when there are none): only to start loading it on
 * another thread early, which then compares them with the checked bytes
 * it is given (policy-threads.ts).
 */
export function uncheckedPolicyWasm(root: string): Uint8Array | undefined {
  try {
    return readFileSync(join(bundleBase(root), BUNDLE_WASM));
  } catch {
    return undefined;
  }
}

/**
 * Reads the compiled policy that judges `root` (its own `policies/`, or the
 * bundled one when it has none) and checks that it is fresh: every source
 * hash in the manifest matches, no source was added or removed, and the wasm
 * is the one the manifest names. A stale bundle is a finding (exit 1): the
 * checks in CI must be the ones reviewed in the sources.
 */
export function readPolicyBundle(root: string): { bundle?: PolicyBundle; diagnostics: Diagnostic[] } {
  const base = bundleBase(root);
  const at = { line: 1, column: 1 };
  if (!existsSync(join(base, BUNDLE_MANIFEST)) || !existsSync(join(base, BUNDLE_WASM))) {
    return {
      diagnostics: [
        error(
          "policy.missing-bundle",
          `there is no compiled policy (${BUNDLE_WASM})`,
          BUNDLE_MANIFEST,
          at,
          "run npm run policy:build and commit policies/dist/",
        ),
      ],
    };
  }
  let manifest: BundleManifest;
  try {
    manifest = JSON.parse(readFileSync(join(base, BUNDLE_MANIFEST), "utf8")) as BundleManifest;
  } catch {
    return {
      diagnostics: [
        error(
          "policy.stale-bundle",
          `${BUNDLE_MANIFEST} is not valid JSON`,
          BUNDLE_MANIFEST,
          at,
          "run npm run policy:build",
        ),
      ],
    };
  }
  const wasm = readFileSync(join(base, BUNDLE_WASM));
  const sources = listSources(join(base, "policies")).map((path) =>
    relative(base, path).split("\\").join("/"),
  );
  const stale: string[] = [];
  const rules = new Set<string>();
  for (const source of sources) {
    const bytes = readFileSync(join(base, source));
    if (manifest.sources?.[source] !== sha256(bytes)) stale.push(source);
    for (const match of bytes.toString("utf8").matchAll(RULE_ID)) if (match[1]) rules.add(match[1]);
  }
  for (const listed of Object.keys(manifest.sources ?? {})) if (!sources.includes(listed)) stale.push(listed);
  if (manifest.wasm !== sha256(wasm)) stale.push(BUNDLE_WASM);
  if (stale.length > 0) {
    return {
      diagnostics: [
        error(
          "policy.stale-bundle",
          `policies changed, run npm run policy:build (changed since the last build: ${stale.sort().join(", ")})`,
          BUNDLE_MANIFEST,
          at,
          "the compiled policy must match the reviewed sources; rebuild and commit policies/dist/",
        ),
      ],
    };
  }
  return { bundle: { wasm, manifest, rules }, diagnostics: [] };
}

/** Every policy source: `*.rego` under policies/, without tests and the build output. */
function listSources(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".rego") && !entry.name.endsWith("_test.rego"))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((path) => !relative(folder, path).split(/[\\/]/).includes("dist"))
    .sort();
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
