import { Quantity } from "../k8s.js";

/**
 * A quantity from an environment file as written there: "40" stays "40",
 * 0.5 stays 0.5, so the rendered value is the one people reviewed.
 */
export function quantity(value: string | number): Quantity {
  return typeof value === "number" ? Quantity.fromNumber(value) : Quantity.fromString(value);
}
