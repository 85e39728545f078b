import { createHash } from "node:crypto";
import type { File } from "../../model/types.generated.js";
import type { ExternalSecretSpec } from "./external-secret.js";

/** The pod template annotation whose change rolls the pods when configuration changes. */
export const CONFIG_HASH_ANNOTATION = "idp/config-hash";

/**
 * sha256 (hex) of the ConfigMap data, the ExternalSecret spec and the files. Both are
 * read by the pods only at start, so the hash goes on the pod template: a
 * changed value changes the template and the workload rolls. Keys are taken
 * in sorted order, so reordering `env` in the file does not restart anything.
 */
export function configHash(
  data: Record<string, string>,
  secrets: ExternalSecretSpec | undefined,
  files: readonly File[] = [],
): string {
  const hash = createHash("sha256");
  // JSON, so no value can pass for a key, or one variable for two.
  hash.update(
    JSON.stringify(
      Object.keys(data)
        .sort()
        .map((key) => [key, data[key]]),
    ),
  );
  hash.update(secrets ? JSON.stringify(secrets) : "null");
  // Only when there are files, so services without them keep their hash. subPath mounts never
  // see a ConfigMap update: a changed file must roll the pods.
  if (files.length > 0) hash.update(JSON.stringify(files.map((f) => [f.path, f.content])));
  return hash.digest("hex");
}
