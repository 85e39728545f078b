import type { ConfigMap } from "cdk8s-plus-28";
import type { Construct } from "constructs";
import type { File } from "../../model/types.generated.js";
import { kplus } from "../cdk8s.js";
import { metadataOf, type ServiceIdentity } from "./object-metadata.js";

/** The name suffix of the ConfigMap holding a service's `files`. */
export const FILES_CONFIG_MAP_SUFFIX = "files";

/**
 * The ConfigMap key of the file at `index`: keys must be plain names, and a
 * path is not one (`/etc/app/config.yaml`), so files are keyed by position.
 */
export function fileKey(index: number): string {
  return `file-${index}`;
}

/** A ConfigMap `<service>-files` with one key per file, mounted by subPath in the main container. */
export function addFilesConfigMap(
  scope: Construct,
  identity: ServiceIdentity,
  files: readonly File[],
): ConfigMap {
  return new kplus.ConfigMap(scope, "files-config-map", {
    metadata: metadataOf(identity, FILES_CONFIG_MAP_SUFFIX),
    data: Object.fromEntries(files.map((file, index) => [fileKey(index), file.content])),
  });
}
