import type { Findings } from "./findings.js";
import type { Origin } from "./merge.js";
import { checkQuantities } from "./quantities-check.js";
import type { ResolvedContainer, ResolvedResources } from "./resolved.js";
import type { Container, ServiceSettings } from "./types.generated.js";

/** The main container's name: no sidecar or init container may take it (the schema refuses it too). */
export const MAIN_CONTAINER = "app";

/** Requests as written, and limits (memory limit = request when absent), as the main container's are resolved. */
export function resolvedResources(resources: {
  cpu: string | number;
  memory: string | number;
  limits?: { cpu?: string | number; memory?: string | number };
}): ResolvedResources {
  return {
    cpu: String(resources.cpu),
    memory: String(resources.memory),
    limits: {
      ...(resources.limits?.cpu !== undefined ? { cpu: String(resources.limits.cpu) } : {}),
      memory: String(resources.limits?.memory ?? resources.memory),
    },
  };
}

/**
 * The sidecars and init containers of the merged settings (each list set
 * whole by one layer), with their quantities checked and names unique in
 * the pod: two containers of one name are refused by the API server.
 */
export function resolveContainers(
  merged: ServiceSettings,
  origin: (dotted: string) => Origin,
  findings: Findings,
  environment: string,
): { sidecars: ResolvedContainer[]; initContainers: ResolvedContainer[] } {
  const seen = new Set([MAIN_CONTAINER]);
  const resolve = (field: "sidecars" | "initContainers") =>
    (merged[field] ?? []).map((container, index) => {
      const at = (path: (string | number)[]): Origin => {
        const list = origin(field);
        return { file: list.file, path: [...list.path, index, ...path] };
      };
      if (seen.has(container.name)) {
        findings.error(
          "resolve.duplicate-container",
          `${field}[${index}] is named ${container.name}, a name another container of the pod has`,
          at(["name"]),
          {
            environment,
            hint: `give every container its own name (${MAIN_CONTAINER} is the main container's)`,
          },
        );
      }
      seen.add(container.name);
      checkQuantities(container.resources, (path) => at(["resources", ...path]), findings, environment);
      return toResolved(container);
    });
  return { initContainers: resolve("initContainers"), sidecars: resolve("sidecars") };
}

function toResolved(container: Container): ResolvedContainer {
  const resolved: ResolvedContainer = {
    name: container.name,
    image: container.image,
    env: { ...container.env },
    resources: resolvedResources(container.resources),
  };
  if (container.command) resolved.command = [...container.command];
  if (container.args) resolved.args = [...container.args];
  return resolved;
}
