import type { ResolvedService } from "../model/resolved.js";
import type { ResolvedSide } from "../render/render-keys.js";
import { REDACTED } from "../report/redact.js";

/**
 * Both sides of a change with every env value the policy flagged as a
 * credential replaced before anything is rendered, so neither the manifest
 * diff nor the object summaries can hold it, however the value is spelled in
 * YAML (quoted, escaped, a block of lines) and however short it is. Distinct
 * values get distinct numbered markers (`[REDACTED 1]`, `[REDACTED 2]`),
 * numbered in the order first seen (the base's services, then the head's), so
 * a credential that changes still shows as a change, and one that does not,
 * as none.
 */
export function redactSides(
  base: ResolvedSide,
  head: ResolvedSide,
  secrets: ReadonlySet<string>,
): [ResolvedSide, ResolvedSide] {
  if (secrets.size === 0) return [base, head];
  const numbers = new Map<string, number>();
  const marker = (value: string) => {
    let number = numbers.get(value);
    if (number === undefined) {
      number = numbers.size + 1;
      numbers.set(value, number);
    }
    return `${REDACTED.slice(0, -1)} ${number}]`;
  };
  const redact = (service: ResolvedService): ResolvedService => {
    if (!Object.values(service.env).some((value) => secrets.has(value))) return service;
    const env = Object.fromEntries(
      Object.entries(service.env).map(([key, value]) => [key, secrets.has(value) ? marker(value) : value]),
    );
    return { ...service, env };
  };
  return [
    { ...base, services: base.services.map(redact) },
    { ...head, services: head.services.map(redact) },
  ];
}
