import { describe, expect, it } from "vitest";
import { configHash } from "./config-hash.js";
import type { ExternalSecretSpec } from "./external-secret.js";

const secrets: ExternalSecretSpec = {
  refreshInterval: "1h",
  secretStoreRef: { name: "secrets", kind: "SecretStore" },
  target: { name: "web-secrets", creationPolicy: "Owner" },
  data: [{ secretKey: "TOKEN", remoteRef: { key: "shop/web", property: "token" } }],
};

describe("configHash", () => {
  it("is a sha256 that ignores the order of variables", () => {
    const hash = configHash({ A: "1", B: "2" }, undefined);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(configHash({ B: "2", A: "1" }, undefined)).toBe(hash);
  });

  it("changes with any value, key or secret reference", () => {
    const base = configHash({ A: "1" }, secrets);
    expect(configHash({ A: "2" }, secrets)).not.toBe(base);
    expect(configHash({ B: "1" }, secrets)).not.toBe(base);
    expect(configHash({ A: "1" }, undefined)).not.toBe(base);
    const moved = {
      ...secrets,
      data: [{ secretKey: "TOKEN", remoteRef: { key: "shop/web", property: "new" } }],
    };
    expect(configHash({ A: "1" }, moved)).not.toBe(base);
  });
});
