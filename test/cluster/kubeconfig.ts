import { writeFileSync } from "node:fs";
import { stringify } from "yaml";
import type { KubeEndpoint } from "./kube-client.js";

/**
 * Writes a kubeconfig for `endpoint` (its CA inline, the admin token) to
 * `file`, for kubectl and the Flux controllers; returns `file`.
 */
export function writeKubeconfig(file: string, endpoint: KubeEndpoint): string {
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: "test",
        cluster: {
          server: endpoint.server,
          "certificate-authority-data": Buffer.from(endpoint.ca).toString("base64"),
        },
      },
    ],
    users: [{ name: "admin", user: { token: endpoint.token } }],
    contexts: [{ name: "test", context: { cluster: "test", user: "admin" } }],
    "current-context": "test",
  };
  writeFileSync(file, stringify(config), { mode: 0o600 });
  return file;
}
