import { describe, expect, it } from "vitest";
import { countByKind } from "./check-tree.js";
import { parseCgiResponse } from "./git-http-server.js";
import { parseWarnings } from "./kube-client.js";
import { podFromTemplate } from "./pod-from-template.js";

describe("the cluster test's helpers", () => {
  it.each([
    [["Warning", '299 - "unknown field \\"x\\""'], ['unknown field "x"']],
    [
      ["warning", '299 - "a"', "Content-Type", "x", "Warning", '299 - "b"'],
      ["a", "b"],
    ],
    [["Content-Type", "application/json"], []],
  ])("parseWarnings(%j)", (raw, expected) => {
    expect(parseWarnings(raw)).toEqual(expected);
  });

  it("parseCgiResponse reads git http-backend's status, headers and body", () => {
    const ok = parseCgiResponse(Buffer.from("Content-Type: application/x-git\r\nExpires: 0\r\n\r\nPACK"));
    expect(ok).toEqual({
      status: 200,
      headers: [
        ["Content-Type", "application/x-git"],
        ["Expires", "0"],
      ],
      body: Buffer.from("PACK"),
    });
    expect(parseCgiResponse(Buffer.from("Status: 404 Not Found\nContent-Type: text/plain\n\n")).status).toBe(
      404,
    );
  });

  it("podFromTemplate takes the pod template of a Deployment and a CronJob, nothing from a Service", () => {
    const spec = { containers: [{ name: "app", image: "i" }] };
    const deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: "ns" },
      spec: { template: { metadata: { labels: { app: "web" } }, spec } },
    };
    expect(podFromTemplate(deployment)).toEqual({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "web-pod-check", namespace: "ns", labels: { app: "web" } },
      spec,
    });
    const cron = {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name: "job", namespace: "ns" },
      spec: { jobTemplate: { spec: { template: { spec } } } },
    };
    expect(podFromTemplate(cron)?.spec).toBe(spec);
    expect(podFromTemplate({ apiVersion: "v1", kind: "Service", metadata: { name: "s" } })).toBeUndefined();
  });

  it("countByKind counts pods from templates apart", () => {
    expect(
      countByKind([
        { file: "f", kind: "Pod", name: "a", mode: "pod dry-run" },
        { file: "f", kind: "Deployment", name: "a", mode: "dry-run" },
        { file: "f", kind: "Deployment", name: "b", mode: "dry-run" },
      ]),
    ).toEqual({ Deployment: 2, "Pod (from template)": 1 });
  });
});
