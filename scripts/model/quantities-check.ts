import type { Findings } from "./findings.js";
import type { Origin } from "./merge.js";
import { formatCpu, formatMemory, parseQuantity } from "./quantity.js";

type Amount = string | number | undefined;

/** Requests and limits as written, anywhere they appear (service resources, environment defaults). */
export interface ResourceAmounts {
  cpu?: Amount;
  memory?: Amount;
  limits?: { cpu?: Amount; memory?: Amount };
}

/**
 * Requests and limits must be Kubernetes quantities, and a limit at least its
 * request. `at` maps a path inside `resources` ("limits", "cpu") to where that
 * value was written, which after merging may be another file.
 */
export function checkQuantities(
  resources: ResourceAmounts | undefined,
  at: (path: string[]) => Origin,
  findings: Findings,
  environment?: string,
): void {
  if (!resources) return;
  const options = environment ? { environment } : {};
  const read = (value: Amount, path: string[], what: "cpu" | "memory"): number | undefined => {
    if (value === undefined) return undefined;
    const parsed = parseQuantity(value);
    if (parsed === undefined) {
      findings.error(
        "resolve.quantity",
        `${path.join(".")} is not a Kubernetes quantity: ${JSON.stringify(String(value).slice(0, 40))}`,
        at(path),
        {
          ...options,
          hint:
            what === "cpu"
              ? "write cpu as cores or millicores, such as 250m or 2"
              : "write memory with a unit, such as 256Mi or 1Gi",
        },
      );
    }
    return parsed;
  };
  const cpu = read(resources.cpu, ["cpu"], "cpu");
  const memory = read(resources.memory, ["memory"], "memory");
  const cpuLimit = read(resources.limits?.cpu, ["limits", "cpu"], "cpu");
  const memoryLimit = read(resources.limits?.memory, ["limits", "memory"], "memory");
  const hint = "a limit must be at least the request";
  if (cpu !== undefined && cpuLimit !== undefined && cpuLimit < cpu) {
    findings.error(
      "resolve.limit-below-request",
      `limits.cpu (${formatCpu(cpuLimit)}) is below the cpu request (${formatCpu(cpu)})`,
      at(["limits", "cpu"]),
      { ...options, hint },
    );
  }
  if (memory !== undefined && memoryLimit !== undefined && memoryLimit < memory) {
    findings.error(
      "resolve.limit-below-request",
      `limits.memory (${formatMemory(memoryLimit)}) is below the memory request (${formatMemory(memory)})`,
      at(["limits", "memory"]),
      { ...options, hint },
    );
  }
}
