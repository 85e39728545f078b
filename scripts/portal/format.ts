import { formatCpu, formatMemory } from "../model/quantity.js";
import type { ResolvedService } from "../model/resolved.js";
import { type Content, html } from "./html.js";

/** The version part of an image reference: its tag, or a short digest; the whole reference when it has neither. */
export function imageVersion(image: string): string {
  const at = image.indexOf("@");
  if (at >= 0) return image.slice(at + 1).replace(/^sha256:(.{12}).*$/, "sha256:$1");
  const slash = image.lastIndexOf("/");
  const colon = image.lastIndexOf(":");
  return colon > slash ? image.slice(colon + 1) : image;
}

/** "3" or "3–20 (CPU 60 %)" for autoscale; "—" for a cron job without either. */
export function replicasText(service: ResolvedService): string {
  if (service.autoscale)
    return `${service.autoscale.min}–${service.autoscale.max} (autoscale at ${service.autoscale.cpu} % CPU)`;
  return service.replicas === undefined ? "—" : String(service.replicas);
}

/** The pods a service runs at least and at most. */
export function podRange(service: ResolvedService): { min: number; max: number } {
  if (service.autoscale) return { min: service.autoscale.min, max: service.autoscale.max };
  const count = service.replicas ?? 1;
  return { min: count, max: count };
}

/** CPU cores as people write them ("250m", "2"). */
export const cpuText = (cores: number): string => formatCpu(Math.round(cores * 1000) / 1000);

/** Bytes as people write them ("512Mi"). */
export const memoryText = (bytes: number): string => (bytes === 0 ? "0" : formatMemory(bytes));

/** A tier as a badge: the colour says how careful to be, the text says it too. */
export function tierBadge(tier: string): Content {
  return html`<span class="badge tier-${tier}">${tier}</span>`;
}

/** A severity as a badge. */
export function severityBadge(severity: "error" | "warning" | "deny" | "warn"): Content {
  const level = severity === "error" || severity === "deny" ? "deny" : "warn";
  return html`<span class="badge sev-${level}">${severity}</span>`;
}

/** "in 12 days", "today", "tomorrow". */
export function daysLeftText(days: number): string {
  if (days <= 0) return "expires today";
  if (days === 1) return "expires tomorrow";
  return `${days} days left`;
}

/** A scorecard level as a badge ("below bronze" when none is reached). */
export function levelBadge(level: "bronze" | "silver" | "gold" | null): Content {
  return html`<span class="badge level-${level ?? "none"}">${level ?? "below bronze"}</span>`;
}
