import { Duration } from "cdk8s";
import * as kplus from "cdk8s-plus-28";
import type { ResolvedService } from "../../model/resolved.js";
import type { Probe, ProbeTimings } from "../../model/types.generated.js";

/**
 * A container probe: a cdk8s-plus Probe for HTTP and exec checks, or the
 * plain JSON of a gRPC check, which cdk8s-plus-28 cannot express and the
 * pod template patches in.
 */
export type ContainerProbe = { kind: "plus"; probe: kplus.Probe } | { kind: "json"; json: GrpcProbeJson };

/** A Kubernetes gRPC probe (core/v1 Probe with `grpc`). */
export interface GrpcProbeJson {
  grpc: { port: number };
  failureThreshold: number;
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
}

/** Kubernetes' own default, written out as cdk8s-plus does for its probes. */
const DEFAULT_FAILURE_THRESHOLD = 3;

/**
 * Turns a probe of the service file into a container probe. A string is an
 * HTTP GET of that path on the first port's container port; `http` without a
 * port uses the same port; timings are copied (Kubernetes defaults when absent).
 */
export function containerProbe(service: ResolvedService, which: string, probe: Probe): ContainerProbe {
  if (typeof probe === "string") {
    return { kind: "plus", probe: kplus.Probe.fromHttpGet(probe, { port: firstPort(service, which) }) };
  }
  const timings = probeTimings(probe);
  if ("http" in probe) {
    const port = probe.http.port ?? firstPort(service, which);
    return { kind: "plus", probe: kplus.Probe.fromHttpGet(probe.http.path, { ...timings, port }) };
  }
  if ("exec" in probe) return { kind: "plus", probe: kplus.Probe.fromCommand(probe.exec, timings) };
  if ("grpc" in probe) {
    const json: GrpcProbeJson = {
      grpc: { port: probe.grpc.port },
      failureThreshold: probe.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD,
    };
    if (probe.initialDelaySeconds !== undefined) json.initialDelaySeconds = probe.initialDelaySeconds;
    if (probe.periodSeconds !== undefined) json.periodSeconds = probe.periodSeconds;
    if (probe.timeoutSeconds !== undefined) json.timeoutSeconds = probe.timeoutSeconds;
    return { kind: "json", json };
  }
  throw new Error(`probes.${which} of ${service.name} has none of http, grpc or exec`);
}

function firstPort(service: ResolvedService, which: string): number {
  const port = service.ports[0];
  if (!port) {
    throw new Error(
      `probes.${which} of ${service.name} is an HTTP check on the first port, but the service has no ports`,
    );
  }
  return port.targetPort;
}

function probeTimings(probe: ProbeTimings): kplus.ProbeOptions {
  return {
    ...(probe.failureThreshold !== undefined ? { failureThreshold: probe.failureThreshold } : {}),
    ...(probe.initialDelaySeconds !== undefined
      ? { initialDelaySeconds: Duration.seconds(probe.initialDelaySeconds) }
      : {}),
    ...(probe.periodSeconds !== undefined ? { periodSeconds: Duration.seconds(probe.periodSeconds) } : {}),
    ...(probe.timeoutSeconds !== undefined ? { timeoutSeconds: Duration.seconds(probe.timeoutSeconds) } : {}),
  };
}
