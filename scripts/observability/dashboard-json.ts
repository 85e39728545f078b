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

/**
 * A dashboard text cut at its stand-ins: `pieces[0] slot[0] pieces[1] ...`,
 * each slot naming the value that goes there.
 */
interface Template {
  pieces: string[];
  slots: Slot[];
}
type Slot = keyof typeof SLOTS | "uid";

/** Templates by shape; a render has a few dozen shapes, the bound only guards against a pathological repository. */
const templates = new Map<string, Template>();
const MAX_TEMPLATES = 512;

/**
 * {@link dashboardJson} of {@link serviceDashboard}, built once per shape:
 * services that differ only in name, team, namespace and environment share
 * one dashboard text with stand-ins, into which each service's names (plain
 * DNS labels, which no encoding changes) and its uid are put. The same bytes
 * as building it directly (scripts/observability/dashboard-json.test.ts,
 * which also fails if serviceDashboard starts reading a field the shape
 * does not include);
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
    template = templateOf(dashboardJson(serviceDashboard({ ...service, ...SLOTS })));
    if (templates.size >= MAX_TEMPLATES) templates.clear();
    templates.set(shape, template);
  }
  const values: Record<Slot, string> = {
    name,
    team,
    namespace,
    environment,
    uid: dashboardUid("service", environment, name),
  };
  let text = template.pieces[0] as string;
  for (let i = 0; i < template.slots.length; i++)
    text += values[template.slots[i] as Slot] + (template.pieces[i + 1] as string);
  return text;
}

/** Cuts a dashboard text built with the stand-ins (and their uid) at each of them. */
function templateOf(text: string): Template {
  const tokens = new Map<string, Slot>([
    [dashboardUid("service", SLOTS.environment, SLOTS.name), "uid"],
    ...Object.entries(SLOTS).map(([slot, token]) => [token, slot as Slot] as [string, Slot]),
  ]);
  const parts = text.split(new RegExp(`(${[...tokens.keys()].join("|")})`));
  return {
    pieces: parts.filter((_, i) => i % 2 === 0),
    slots: parts.filter((_, i) => i % 2 === 1).map((token) => tokens.get(token) as Slot),
  };
}
