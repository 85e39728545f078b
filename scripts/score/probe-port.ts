import type { Port } from "../model/types.generated.js";

/**
 * The container port number a probe checks, read from a service spec the way
 * resolve reads it (scripts/model/probe-ports.ts): a number is the container
 * port, a name is a declared port's (the `port` shorthand is named http), and
 * no port means the first http port. Score's httpGet only takes numbers.
 */
export function probeContainerPort(
  spec: Record<string, unknown>,
  asked?: number | string,
): number | undefined {
  if (typeof asked === "number") return asked;
  if (typeof spec.port === "number") return asked === undefined || asked === "http" ? spec.port : undefined;
  const ports = (spec.ports as Port[] | undefined) ?? [];
  const port =
    asked === undefined
      ? ports.find((p) => (p.protocol ?? "http") === "http")
      : ports.find((p) => p.name === asked);
  return port ? (port.targetPort ?? port.port) : undefined;
}
