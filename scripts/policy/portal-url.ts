import { existsSync } from "node:fs";
import { join } from "node:path";
import { joinUrl, parseHttpsUrl } from "../catalog/https-url.js";
import { readRepositoryFile } from "../model/load.js";
import { type Diagnostic, warning } from "../report/diagnostic.js";
import { GOVERNANCE_FILE } from "./exception-limits.js";

/** The portal's address, as the platform team set it, or why it is not used. */
export interface PortalSetting {
  /** The https base URL without a trailing slash; absent when not set or not usable. */
  url?: string;
  /** A warning on `portal.url` when it is set but not an https URL. */
  diagnostic?: Diagnostic;
  /** The file's text when the warning points into it, for the source line under it. */
  text?: string;
}

/**
 * Reads `portal.url` from `policies/governance.yaml` under `root`: where the
 * published portal (`idp portal`, the Pages workflow) lives, such as
 * https://acme.github.io/platform. The plan comment reads it from the base,
 * so a pull request cannot point its own comment's links elsewhere. Only an
 * https URL without credentials, query or fragment is used; anything else
 * is a warning and no link.
 */
export function readPortalSetting(root: string): PortalSetting {
  if (!existsSync(join(root, GOVERNANCE_FILE))) return {};
  const { document } = readRepositoryFile(root, GOVERNANCE_FILE);
  const value = (document?.value as { portal?: { url?: unknown } } | null)?.portal?.url;
  if (value === undefined || !document) return {};
  const parsed =
    typeof value === "string" ? parseHttpsUrl(value) : { ok: false as const, reason: "is not text" };
  if (parsed.ok) return { url: parsed.url };
  return {
    text: document.text,
    diagnostic: warning(
      "governance.portal-url",
      `portal.url ${parsed.reason}; nothing links to the portal`,
      GOVERNANCE_FILE,
      document.locate(["portal", "url"]),
      "write the published portal's https address, such as portal: { url: https://acme.github.io/platform }",
    ),
  };
}

/** The kinds of portal page with a stable path (docs/portal.md). */
export type PortalPage = "services" | "teams" | "environments";

/** `<portal>/<kind>/<name>.html`, the name percent-encoded. */
export function portalPageUrl(portal: string, page: PortalPage, name: string): string {
  return joinUrl(portal, page, `${name}.html`);
}
