import { dashboardUid, type GrafanaDashboard, serviceDashboard } from "./dashboards.js";
import type { ObservedService } from "./model.js";

/**
 * A dashboard as the text a ConfigMap holds: compact JSON with one panel per
 * line. The line breaks are JSON whitespace, so Grafana reads the same
 * dashboard; they let the YAML writer emit the text as a literal block (no
 * `\"` before every quote, as a one-line double-quoted scalar needs) and let
 * a diff of two renders show the panels that changed.
 */
export function dashboardJson(dashboard: GrafanaDashboard): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(dashboard)) {
    if (value === undefined) continue;
    if (key === "panels" && Array.isArray(value) && value.length > 0) {
      parts.push(`"panels":[\n${value.map((panel) => JSON.stringify(panel)).join(",\n")}\n]`);
    } else {
      parts.push(`${JSON.stringify(key)}:${JSON.stringify(value)}`);
    }
  }
  return `{${parts.join(",")}}`;
}

/**
 * Stand-ins for the names that vary between services of one shape. Each is
 * a DNS label (so every encoder leaves it as it is) and none contains
 * another.
 */
const SLOTS = {
  name: "xslot0name0x",
  team: "xslot1team1x",
  namespace: "xslot2ns2x",
  environment: "xslot3env3x",
} as const;
const SLOT_MARK = "xslot";

/**
 * Names that PromQL string literals, RE2 regex literals and JSON strings all
 * hold unchanged: lower-case DNS labels, which validation requires of service,
 * team, namespace and environment names. Anything else is built directly.
 */
const PLAIN_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/** Templates by shape; a render has a few dozen shapes, the bound only guards against a pathological repository. */
const templates = new Map<string, string>();
const MAX_TEMPLATES = 512;
let slotUid: string | undefined;

/**
 * {@link dashboardJson} of {@link serviceDashboard}, built once per shape:
 * services that differ only in name, team, namespace and environment share
 * one dashboard text with stand-ins, into which each service's names (plain
 * DNS labels, which no encoding changes) and its uid are put. The same bytes
 * as building it directly (scripts/observability/dashboard-json.test.ts);
 * a service whose names are not plain, or whose names or settings contain
 * the stand-ins' mark, is built directly.
 */
export function serviceDashboardJson(service: ObservedService): string {
  const { name, team, namespace, environment } = service;
  const shape = JSON.stringify([
    service.tier,
    service.type,
    { ...service.observability, runbook: undefined },
  ]);
  const plain = [name, team, namespace, environment].every(
    (value) => PLAIN_NAME.test(value) && !value.includes(SLOT_MARK),
  );
  if (!plain || shape.includes(SLOT_MARK)) return dashboardJson(serviceDashboard(service));
  let template = templates.get(shape);
  if (template === undefined) {
    template = dashboardJson(serviceDashboard({ ...service, ...SLOTS }));
    if (templates.size >= MAX_TEMPLATES) templates.clear();
    templates.set(shape, template);
  }
  slotUid ??= dashboardUid("service", SLOTS.environment, SLOTS.name);
  return template
    .replaceAll(slotUid, dashboardUid("service", environment, name))
    .replaceAll(SLOTS.name, name)
    .replaceAll(SLOTS.team, team)
    .replaceAll(SLOTS.namespace, namespace)
    .replaceAll(SLOTS.environment, environment);
}
