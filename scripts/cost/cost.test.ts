import { describe, expect, it } from "vitest";
import { SLI_DEFAULTS } from "../model/observability.js";
import type { ResolvedService } from "../model/resolved.js";
import type { Prices } from "../model/types.generated.js";
import { costOfService, formatRange } from "./cost.js";
import { dependencyPrice } from "./prices.js";

const PRICES: Prices = { cpu: 40, memory: 8, storage: 0.5, dependencies: { postgres: { small: 70 } } };

/** A resolved service with only what cost reads; the rest empty. */
function service(settings: Partial<ResolvedService>): ResolvedService {
  return {
    name: "web",
    team: "shop",
    tier: "standard",
    description: "",
    environment: "prod",
    namespace: "shop",
    file: "services/web/service.yaml",
    type: "web",
    image: "ghcr.io/x/web:1.0.0",
    ports: [],
    replicas: 1,
    resources: { cpu: "500m", memory: "1Gi", limits: { memory: "1Gi" } },
    initContainers: [],
    sidecars: [],
    env: {},
    secrets: {},
    probes: {},
    calls: [],
    dependencies: [],
    volumes: [],
    files: [],
    egress: [],
    observability: { protocol: "http", sli: SLI_DEFAULTS.http, severity: "warning" },
    origins: new Map(),
    ...settings,
  };
}

const container = (cpu: string, memory: string) => ({
  name: "c",
  image: "ghcr.io/x/c:1.0.0",
  env: {},
  resources: { cpu, memory, limits: { memory } },
});

describe("costOfService", () => {
  // One pod of 500m and 1Gi: 0.5 × $40 + 1 × $8 = $28.
  it.each([
    ["fixed replicas", { replicas: 3 }, { min: 8400, max: 8400 }],
    [
      "autoscale at min and max",
      { replicas: undefined, autoscale: { min: 2, max: 5, cpu: 70 } },
      { min: 5600, max: 14000 },
    ],
    ["a cron job counts one pod", { type: "cron" as const, replicas: 4 }, { min: 2800, max: 2800 }],
    // Sidecars add to the pod (750m × $40 + 2Gi × $8 = $46); an init container counts where it is larger (2 vCPU, the main 1Gi: $88).
    ["sidecars add to the pod", { sidecars: [container("250m", "1Gi")] }, { min: 4600, max: 4600 }],
    [
      "a larger init container sets the pod",
      { initContainers: [container("2", "512Mi")] },
      { min: 8800, max: 8800 },
    ],
    [
      "a smaller init container does not",
      { initContainers: [container("100m", "64Mi")] },
      { min: 2800, max: 2800 },
    ],
  ])("%s", (_, settings, monthly) => {
    expect(costOfService(service(settings), PRICES).monthly).toEqual(monthly);
  });

  it("dependencies are priced once, not per pod; a volume class by its size × storage", () => {
    const cost = costOfService(
      service({
        replicas: 2,
        dependencies: [
          {
            name: "db",
            type: "postgres",
            size: "small",
            class: { claim: { apiVersion: "v1", kind: "X", spec: {} }, outputs: {} },
          },
          {
            name: "data",
            type: "volume",
            size: "default",
            class: { volume: { storageClassName: "s", size: "20Gi" } },
          },
        ],
      }),
      PRICES,
    );
    expect(cost.compute).toEqual({ min: 5600, max: 5600 });
    expect(cost.dependencies.map((d) => d.monthly)).toEqual([7000, 1000]);
    expect(cost.monthly).toEqual({ min: 13600, max: 13600 });
  });

  it("without a price table everything is $0 and the cost says it is unpriced", () => {
    const cost = costOfService(service({ replicas: 3 }), undefined);
    expect(cost).toMatchObject({ priced: false, monthly: { min: 0, max: 0 }, pods: { min: 3, max: 3 } });
  });

  it("an amount under half a cent rounds to $0.00", () => {
    const cost = costOfService(service({ resources: { cpu: "1m", memory: "0", limits: { memory: "0" } } }), {
      cpu: 1,
      memory: 0,
    });
    expect(cost.monthly).toEqual({ min: 0, max: 0 });
  });
});

describe("dependencyPrice", () => {
  it("a listed price wins over storage; an unlisted claim class has none", () => {
    const volume = { volume: { storageClassName: "s", size: "10Gi" } };
    expect(
      dependencyPrice({ ...PRICES, dependencies: { volume: { default: 3 } } }, "volume", "default", volume),
    ).toBe(3);
    expect(dependencyPrice(PRICES, "volume", "default", volume)).toBe(5);
    expect(
      dependencyPrice(PRICES, "redis", "default", {
        claim: { apiVersion: "v1", kind: "R", spec: {} },
        outputs: {},
      }),
    ).toBe(undefined);
    expect(dependencyPrice({ cpu: 1, memory: 1 }, "volume", "default", volume)).toBe(undefined);
  });
});

describe("formatRange", () => {
  it.each([
    [{ min: 1234567, max: 1234567 }, "$12,345.67"],
    [{ min: 100, max: 250 }, "$1.00–$2.50"],
  ])("%j → %s", (range, text) => {
    expect(formatRange(range)).toBe(text);
  });
});
