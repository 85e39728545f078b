import { type Diagnostic, error } from "../report/diagnostic.js";
import type { KubeObject } from "./kube-object.js";
import { crdCheck, type ObjectCheck, pinnedChecks } from "./upstream/object-validator.js";
import { kindKey, type PinnedKind, readPinnedSchemas } from "./upstream/pinned-schemas.js";
import { precompiledCheck } from "./upstream/precompiled-checks.js";
import { servedBy } from "./upstream/served.js";

/** What verifying one file found. */
export interface Verification {
  diagnostics: Diagnostic[];
  verified: number;
  /** Objects no schema could be found for (always reported as errors too). */
  unverified: number;
}

/** The CRDs an environment's `_platform` renders (the claim kinds), by `apiVersion/kind`. */
export type RenderedKinds = ReadonlyMap<string, PinnedKind>;

const HINT = "this is a bug in the platform's rendering, not in your service file: report it";

let checksOfPinned: ((kind: PinnedKind) => ObjectCheck) | undefined;
const checksOfRendered = new WeakMap<PinnedKind, ObjectCheck>();

function checkFor(kind: PinnedKind, by: "pinned" | "rendered"): ObjectCheck {
  if (by === "rendered") {
    let check = checksOfRendered.get(kind);
    if (!check) {
      check = crdCheck(kind.schema);
      checksOfRendered.set(kind, check);
    }
    return check;
  }
  const precompiled = precompiledCheck(kindKey(kind.apiVersion, kind.kind));
  if (precompiled) return precompiled;
  checksOfPinned ??= pinnedChecks(readPinnedSchemas());
  return checksOfPinned(kind);
}

/**
 * Checks rendered objects against the schemas a real cluster would judge
 * them by: the pinned CRDs (upstream/crds) and Kubernetes OpenAPI v3 schemas
 * (upstream/kubernetes) and, for the claim kinds, the CRDs the environment's
 * `_platform` renders (`rendered`). Unknown fields, wrong types and values
 * outside an enum are errors, and so is a kind nothing serves. `file` is
 * where the objects are written (relative to the root) and `lines` the
 * 1-based line each object's document starts on, so findings point there.
 */
export function verifyObjects(
  file: string,
  objects: readonly KubeObject[],
  lines: readonly number[],
  rendered: RenderedKinds = new Map(),
): Verification {
  const pinned = readPinnedSchemas();
  const diagnostics: Diagnostic[] = [];
  let verified = 0;
  let unverified = 0;
  objects.forEach((object, index) => {
    const at = { line: lines[index] ?? 1, column: 1 };
    const name = `${object.kind} ${object.metadata?.namespace ? `${object.metadata.namespace}/` : ""}${object.metadata?.name}`;
    const served = servedBy(object, pinned, rendered);
    if (served.by === "none") {
      unverified++;
      diagnostics.push(error("verify.unknown-kind", `${name}: ${served.reason}`, file, at, served.hint));
      return;
    }
    verified++;
    const problems = checkFor(served.kind, served.by)(object);
    if (problems.length > 0) {
      const schema = `${kindKey(object.apiVersion, object.kind)} schema of ${served.kind.source}`;
      diagnostics.push(
        error(
          "verify.schema",
          `${name} does not match the ${schema}: ${problems.join("; ")}`,
          file,
          at,
          HINT,
        ),
      );
    }
  });
  return { diagnostics, verified, unverified };
}
