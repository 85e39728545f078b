import type { ConfigMap } from "cdk8s-plus-28";
import type { Construct } from "constructs";
import { CONFIG_SUFFIX } from "../../model/object-names.js";
import { kplus } from "../cdk8s.js";
import { metadataOf, type ServiceIdentity } from "./object-metadata.js";

/** The ConfigMap `<service>-env` holding the plain environment variables. */
export interface EnvConfigMapProps {
  identity: ServiceIdentity;
  /** Variable name → value, placeholders already resolved. */
  data: Record<string, string>;
}

/** The name suffix of the env ConfigMap. */
export const ENV_CONFIG_MAP_SUFFIX = CONFIG_SUFFIX;

/** A ConfigMap with the service's plain environment variables, read by `envFrom`. */
export function addEnvConfigMap(scope: Construct, props: EnvConfigMapProps): ConfigMap {
  return new kplus.ConfigMap(scope, "config-map", {
    metadata: metadataOf(props.identity, ENV_CONFIG_MAP_SUFFIX),
    data: props.data,
  });
}
