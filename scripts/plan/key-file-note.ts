import { isKeyFile, manifestOfKeyFile } from "../render/render-index.js";
import { MANIFEST_FILE } from "../render/render-jobs.js";
import type { EnvironmentPlan } from "./plan.js";

/** How many key files a note names before it only counts. */
const NAMED = 3;

/**
 * The plan shows objects, so render key files (`manifests/<env>/<svc>/.render-key`,
 * bookkeeping beside each manifest) never show as changes. One beside a
 * manifest the plan shows changing is expected; the others are what a
 * reviewer must not miss (a hand edit, or a render code change that moved
 * every key): one note with their count and the first few, or undefined.
 */
export function keyFileNote(
  files: readonly string[],
  environments: readonly EnvironmentPlan[],
): string | undefined {
  const planned = new Set(
    environments.flatMap((e) => e.services.map((s) => `manifests/${e.name}/${s.name}/${MANIFEST_FILE}`)),
  );
  const unexplained = files.filter(
    (f) => f.startsWith("manifests/") && isKeyFile(f) && !planned.has(manifestOfKeyFile(f)),
  );
  if (unexplained.length === 0) return undefined;
  const named = unexplained.slice(0, NAMED).join(", ");
  const more = unexplained.length > NAMED ? ` and ${unexplained.length - NAMED} more` : "";
  return `render key files changed: ${unexplained.length} beside no manifest change in this plan (${named}${more}); they are bookkeeping, not objects: idp render --check --base judges them`;
}
