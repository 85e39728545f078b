import { chooseProbePort, type ProbeProtocol } from "../../model/probe-ports.js";
import type { ResolvedService } from "../../model/resolved.js";
import type { Probe, ProbeTimings } from "../../model/types.generated.js";
import type { HttpHeader, Probe as KubeProbe } from "../k8s.js";

/**
 * Kubernetes' own default, written out on every probe (as cdk8s-plus did, so
 * the output did not change when the workloads moved off cdk8s-plus).
 */
const DEFAULT_FAILURE_THRESHOLD = 3;

/**
 * Turns a probe of the service file into a container probe (the core/v1
 * Probe as the L1 classes type it, which, unlike cdk8s-plus-28's Probe, also
 * says gRPC). A string is an HTTP GET of that path on the first http port;
 * `http` without a port uses the same port; a port named by number or name
 * is written as its container port number (`chooseProbePort`, which resolve
 * has already checked, so a port it refuses here is a tool error). HTTP GETs
 * use the HTTP scheme and send `headers` in the order written; `tcp` opens a
 * connection to its port; timings are copied when given (Kubernetes defaults
 * when absent) and `failureThreshold` is always written.
 */
export function containerProbe(service: ResolvedService, which: string, probe: Probe): KubeProbe {
  if (typeof probe === "string") {
    return {
      failureThreshold: DEFAULT_FAILURE_THRESHOLD,
      httpGet: { path: probe, port: probedPort(service, which, "http", undefined), scheme: "HTTP" },
    };
  }
  if ("http" in probe) {
    const port = probedPort(service, which, "http", probe.http.port);
    return {
      ...probeTimings(probe),
      httpGet: { path: probe.http.path, port, scheme: "HTTP", httpHeaders: httpHeaders(probe.http.headers) },
    };
  }
  if ("tcp" in probe) {
    return { ...probeTimings(probe), tcpSocket: { port: probedPort(service, which, "tcp", probe.tcp.port) } };
  }
  if ("exec" in probe) return { ...probeTimings(probe), exec: { command: probe.exec } };
  if ("grpc" in probe) {
    return { ...probeTimings(probe), grpc: { port: probedPort(service, which, "grpc", probe.grpc.port) } };
  }
  throw new Error(`probes.${which} of ${service.name} has none of http, grpc, tcp or exec`);
}

function probedPort(
  service: ResolvedService,
  which: string,
  protocol: ProbeProtocol,
  asked: number | string | undefined,
): number {
  const choice = chooseProbePort(service.ports, protocol, asked);
  if ("problem" in choice) throw new Error(`probes.${which} of ${service.name} ${choice.problem}`);
  return choice.port.targetPort;
}

/** Headers in the order written; none is no `httpHeaders` field at all. */
function httpHeaders(headers: Readonly<Record<string, string>> | undefined): HttpHeader[] | undefined {
  if (headers === undefined) return undefined;
  const entries = Object.entries(headers);
  return entries.length === 0 ? undefined : entries.map(([name, value]) => ({ name, value }));
}

/** The timings of a probe; absent ones stay absent (undefined is dropped on rendering). */
function probeTimings(probe: ProbeTimings): KubeProbe {
  return {
    failureThreshold: probe.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD,
    initialDelaySeconds: probe.initialDelaySeconds,
    periodSeconds: probe.periodSeconds,
    timeoutSeconds: probe.timeoutSeconds,
  };
}
