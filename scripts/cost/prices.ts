import type { Findings } from "../model/findings.js";
import { parseQuantity } from "../model/quantity.js";
import type { EnvironmentModel } from "../model/resolved.js";
import type { DependencyClass, Prices } from "../model/types.generated.js";

/** Bytes in one GiB: memory and storage are priced per GiB. */
export const GIB = 2 ** 30;

/**
 * The monthly price (USD) of one dependency of `type` and `size` in an
 * environment with this price table: its entry in `dependencies`, else, for a
 * volume class, its size in GiB times `storage`; undefined when neither
 * prices it (the price check refuses such a table).
 */
export function dependencyPrice(
  prices: Prices,
  type: string,
  size: string,
  dependencyClass: DependencyClass | undefined,
): number | undefined {
  const listed = prices.dependencies?.[type]?.[size];
  if (listed !== undefined) return listed;
  if (dependencyClass && "volume" in dependencyClass && prices.storage !== undefined) {
    const bytes = parseQuantity(dependencyClass.volume.size);
    return bytes === undefined ? undefined : (bytes / GIB) * prices.storage;
  }
  return undefined;
}

/**
 * Checks each environment's price table against its dependency classes:
 * every class has a price (so no cost is silently zero) and every price
 * names a class that exists (so a typo does not leave a class unpriced).
 */
export function checkPriceTables(environments: readonly EnvironmentModel[], findings: Findings): void {
  for (const environment of environments) {
    const prices = environment.spec.prices;
    if (!prices) continue;
    const classes = environment.spec.dependencyClasses ?? {};
    for (const [type, sizes] of Object.entries(classes)) {
      for (const [size, dependencyClass] of Object.entries(sizes)) {
        if (dependencyPrice(prices, type, size, dependencyClass) !== undefined) continue;
        const volume = "volume" in dependencyClass;
        findings.error(
          "cost.unpriced-class",
          `dependency class ${type}.${size} has no price in ${environment.name}'s price table`,
          { file: environment.file, path: ["spec", "dependencyClasses", type, size] },
          {
            at: "key",
            hint: `add spec.prices.dependencies.${type}.${size} (USD per month)${volume ? ", or spec.prices.storage (USD per GiB-month) for every volume class" : ""}`,
          },
        );
      }
    }
    for (const [type, sizes] of Object.entries(prices.dependencies ?? {})) {
      for (const size of Object.keys(sizes)) {
        if (classes[type]?.[size] !== undefined) continue;
        findings.error(
          "cost.unknown-class",
          `spec.prices.dependencies prices ${type}.${size}, which is not a dependency class of ${environment.name}`,
          { file: environment.file, path: ["spec", "prices", "dependencies", type, size] },
          {
            at: "key",
            hint: `price a class of spec.dependencyClasses: ${
              Object.entries(classes)
                .flatMap(([t, s]) => Object.keys(s).map((n) => `${t}.${n}`))
                .sort()
                .join(", ") || "none"
            }`,
          },
        );
      }
    }
  }
}
