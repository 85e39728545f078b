import { describe, expect, it } from "vitest";
import type { KubeObject } from "../render/kube-object.js";
import { networkPeerPhrases } from "./network-peers.js";

function policy(egress: unknown[]): KubeObject {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "worker", namespace: "shop" },
    spec: { egress },
  } as KubeObject;
}

describe("networkPeerPhrases", () => {
  it("names egress ipBlocks by their CIDR, and the public-internet block by what it keeps closed", () => {
    const before = policy([]);
    const after = policy([
      { to: [{ ipBlock: { cidr: "203.0.113.0/24" } }], ports: [{ protocol: "TCP", port: 5432 }] },
      { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "192.168.0.0/16"] } }] },
    ]);
    expect(networkPeerPhrases(before, after)).toEqual([
      "lets out to 203.0.113.0/24",
      "lets out to 0.0.0.0/0 except 2 private ranges",
    ]);
    expect(networkPeerPhrases(after, before)).toEqual([
      "no longer lets out to 203.0.113.0/24",
      "no longer lets out to 0.0.0.0/0 except 2 private ranges",
    ]);
  });
});
