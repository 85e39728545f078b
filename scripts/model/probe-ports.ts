import type { Findings } from "./findings.js";
import type { Origin } from "./merge.js";
import { closestName } from "./names.js";
import type { ResolvedPort, ResolvedService } from "./resolved.js";
import type { Probe } from "./types.generated.js";

/** What a probe speaks, and so the protocol its port must declare (any, for a TCP connection check). */
export type ProbeProtocol = "http" | "grpc" | "tcp";

/** The declared port a probe checks, or why it has none. */
export type ProbePortChoice =
  | { port: ResolvedPort }
  | {
      /** Completes "probes.<which> ...", such as "asks for port 5050, which the container does not declare". */
      problem: string;
      hint: string;
      /** True when the problem is the probe's own `port` value (the line to point at), false when it has none. */
      onPort: boolean;
    };

/** The protocol a probe speaks, and the port it names; undefined for a probe without a port (exec). */
export function probeProtocol(
  probe: Probe,
): { protocol: ProbeProtocol; asked: number | string | undefined } | undefined {
  if (typeof probe === "string") return { protocol: "http", asked: undefined };
  if ("http" in probe) return { protocol: "http", asked: probe.http.port };
  if ("grpc" in probe) return { protocol: "grpc", asked: probe.grpc.port };
  if ("tcp" in probe) return { protocol: "tcp", asked: probe.tcp.port };
  return undefined;
}

/**
 * The declared port an HTTP or gRPC probe checks. A number names a container
 * port (`targetPort`): the kubelet probes the container, never the Service,
 * so a Service port that differs from it is refused with the container port
 * to use. A name names a port under `ports` (the `port` shorthand is named
 * http). An HTTP probe without a port checks the first http port. The port's
 * protocol must be the probe's: an HTTP GET against a gRPC server, or a gRPC
 * health check against an HTTP server, fails on every pod.
 */
export function chooseProbePort(
  ports: readonly ResolvedPort[],
  protocol: ProbeProtocol,
  asked: number | string | undefined,
): ProbePortChoice {
  const declared = declaredPorts(ports);
  const label = { http: "an HTTP", grpc: "a gRPC", tcp: "a TCP" }[protocol];
  if (asked === undefined) {
    const port = ports.find((p) => p.protocol === "http");
    if (port) return { port };
    const grpc = ports.find((p) => p.protocol === "grpc");
    return {
      problem: `is an HTTP check on the first http port, but the container declares ${ports.length === 0 ? "no ports" : "no http port"}`,
      hint: grpc
        ? `${declared}; check a gRPC server with { grpc: { port: ${grpc.name} } }`
        : ports.length === 0
          ? NO_PORTS_HINT
          : `${declared}; declare the http port under ports, or use an exec probe`,
      onPort: false,
    };
  }
  const port =
    typeof asked === "number"
      ? ports.find((p) => p.targetPort === asked)
      : ports.find((p) => p.name === asked);
  if (!port) {
    const servicePort = typeof asked === "number" ? ports.find((p) => p.port === asked) : undefined;
    if (servicePort) {
      return {
        problem: `asks for port ${asked}, the Service port of ${servicePort.name}; the container listens on ${servicePort.targetPort}`,
        hint: `probes reach the container, not the Service: use port: ${servicePort.targetPort} (or its name, ${servicePort.name})`,
        onPort: true,
      };
    }
    const suggestion =
      typeof asked === "string"
        ? closestName(
            asked,
            ports.map((p) => p.name),
          )
        : undefined;
    return {
      problem: `asks for ${typeof asked === "number" ? `port ${asked}` : `a port named "${asked}"`}, which the container does not declare`,
      hint: `${suggestion ? `did you mean "${suggestion}"? ` : ""}${ports.length === 0 ? NO_PORTS_HINT : declared}`,
      onPort: true,
    };
  }
  if (protocol !== "tcp" && port.protocol !== protocol) {
    const fitting = ports.filter((p) => p.protocol === protocol);
    return {
      problem: `is ${label} check on port ${port.name} (${port.targetPort}), which speaks ${port.protocol}`,
      hint:
        fitting.length > 0
          ? `point it at ${fitting.map((p) => `${p.name} (${p.targetPort})`).join(" or ")}; ${declared}`
          : `${declared}; use ${{ tcp: "a tcp", http: "an http", grpc: "a grpc" }[port.protocol]} probe, or declare a port with protocol: ${protocol}`,
      onPort: true,
    };
  }
  return { port };
}

const NO_PORTS_HINT =
  "only web services declare ports: check a worker with an exec probe, such as { exec: [/app/healthcheck] }";

/** "declared ports: http 8080 (http), grpc 5050 (grpc)": each name, container port and protocol. */
function declaredPorts(ports: readonly ResolvedPort[]): string {
  if (ports.length === 0) return "the container declares no ports";
  return `declared ports: ${ports.map((p) => `${p.name} ${p.targetPort} (${p.protocol})`).join(", ")}`;
}

/**
 * Every HTTP and gRPC probe checks a port the container declares, speaking
 * that port's protocol; reported on the probe's `port` value, or on the
 * probe when it names none.
 */
export function checkProbePorts(
  service: ResolvedService,
  origin: (dotted: string) => Origin,
  findings: Findings,
): void {
  for (const which of ["readiness", "liveness"] as const) {
    const probe = service.probes[which];
    if (probe === undefined) continue;
    const speaks = probeProtocol(probe);
    if (!speaks) continue;
    const choice = chooseProbePort(service.ports, speaks.protocol, speaks.asked);
    if ("port" in choice) continue;
    const at = choice.onPort ? `probes.${which}.${speaks.protocol}.port` : `probes.${which}`;
    findings.error("resolve.probe-port", `probes.${which} ${choice.problem} in {env}`, origin(at), {
      environment: service.environment,
      hint: choice.hint,
    });
  }
}
