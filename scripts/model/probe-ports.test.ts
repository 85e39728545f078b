import { describe, expect, it } from "vitest";
import { chooseProbePort, type ProbeProtocol } from "./probe-ports.js";
import type { ResolvedPort } from "./resolved.js";

const http: ResolvedPort = { name: "http", port: 80, targetPort: 8080, protocol: "http" };
const grpc: ResolvedPort = { name: "grpc", port: 5000, targetPort: 8081, protocol: "grpc" };
const metrics: ResolvedPort = { name: "metrics", port: 9090, targetPort: 9090, protocol: "http" };
const raw: ResolvedPort = { name: "raw", port: 7000, targetPort: 7000, protocol: "tcp" };

describe("chooseProbePort", () => {
  it.each<[string, ResolvedPort[], ProbeProtocol, number | string | undefined, ResolvedPort]>([
    [
      "HTTP without a port: the first http port, even when it is not the first port",
      [grpc, metrics, http],
      "http",
      undefined,
      metrics,
    ],
    ["by container port number", [http, grpc], "grpc", 8081, grpc],
    ["by name", [http, grpc], "grpc", "grpc", grpc],
    ["by the shorthand's name", [http], "http", "http", http],
    ["a Service port equal to the container port", [metrics], "http", 9090, metrics],
  ])("%s", (_, ports, protocol, asked, expected) => {
    expect(chooseProbePort(ports, protocol, asked)).toEqual({ port: expected });
  });

  it.each<[string, ResolvedPort[], ProbeProtocol, number | string | undefined, string, string, boolean]>([
    [
      "a Service port that is not the container port",
      [http, grpc],
      "grpc",
      5000,
      "asks for port 5000, the Service port of grpc; the container listens on 8081",
      "probes reach the container, not the Service: use port: 8081 (or its name, grpc)",
      true,
    ],
    [
      "an undeclared number",
      [http, grpc],
      "http",
      3000,
      "asks for port 3000, which the container does not declare",
      "declared ports: http 8080 (http), grpc 8081 (grpc)",
      true,
    ],
    [
      "a misspelt name",
      [http, grpc],
      "grpc",
      "gprc",
      'asks for a port named "gprc", which the container does not declare',
      'did you mean "grpc"? declared ports: http 8080 (http), grpc 8081 (grpc)',
      true,
    ],
    [
      "an HTTP check on a gRPC port",
      [http, grpc],
      "http",
      "grpc",
      "is an HTTP check on port grpc (8081), which speaks grpc",
      "point it at http (8080); declared ports: http 8080 (http), grpc 8081 (grpc)",
      true,
    ],
    [
      "a gRPC check on an HTTP port",
      [http],
      "grpc",
      8080,
      "is a gRPC check on port http (8080), which speaks http",
      "declared ports: http 8080 (http); use an http probe, or declare a port with protocol: grpc",
      true,
    ],
    [
      "an HTTP check on a tcp port",
      [raw],
      "http",
      7000,
      "is an HTTP check on port raw (7000), which speaks tcp",
      "declared ports: raw 7000 (tcp); use a tcp probe, or declare a port with protocol: http",
      true,
    ],
    [
      "an HTTP path on a gRPC-only service",
      [grpc],
      "http",
      undefined,
      "is an HTTP check on the first http port, but the container declares no http port",
      "declared ports: grpc 8081 (grpc); check a gRPC server with { grpc: { port: grpc } }",
      false,
    ],
    [
      "an HTTP path on a container without ports (a worker)",
      [],
      "http",
      undefined,
      "is an HTTP check on the first http port, but the container declares no ports",
      "only web services declare ports: check a worker with an exec probe, such as { exec: [/app/healthcheck] }",
      false,
    ],
    [
      "a gRPC port on a container without ports",
      [],
      "grpc",
      5050,
      "asks for port 5050, which the container does not declare",
      "only web services declare ports: check a worker with an exec probe, such as { exec: [/app/healthcheck] }",
      true,
    ],
  ])("refuses %s", (_, ports, protocol, asked, problem, hint, onPort) => {
    expect(chooseProbePort(ports, protocol, asked)).toEqual({ problem, hint, onPort });
  });
});
