import { resolve } from "node:path";
import { buildSite } from "../portal/build.js";
import { checkRepository, collectPortal } from "../portal/collect.js";
import { writeSite } from "../portal/write.js";
import { hasErrors } from "../report/diagnostic.js";
import { formatReport } from "../report/emit.js";
import type { OutputFormat } from "../report/format.js";
import { plural } from "../report/text.js";
import type { CommandResult } from "./result.js";

/** Options of `idp portal`. */
export interface PortalOptions {
  root: string;
  /** The folder to write the site to, replaced whole. */
  out: string;
  format: OutputFormat;
}

/**
 * `idp portal --out DIR`: the static portal (catalog, service, team and
 * environment pages, graph, policies) from the repository and its git
 * history. Built only from a repository that validates: on any error the
 * findings are reported, nothing is written and the exit code is 1.
 */
export async function portalCommand(options: PortalOptions): Promise<CommandResult> {
  const checked = checkRepository(options.root);
  if (hasErrors(checked.diagnostics)) {
    return {
      exitCode: 1,
      stdout: "",
      stderr: formatReport(
        { summary: "portal not built: fix the errors above first", diagnostics: checked.diagnostics },
        options.format,
        checked.sources,
      ),
    };
  }
  const model = await collectPortal(options.root, checked);
  const site = buildSite(model);
  const out = resolve(options.out);
  writeSite(out, site);
  const pages = [...site.keys()].filter((p) => p.endsWith(".html")).length;
  const summary = `portal: ${plural(pages, "page")} for ${plural(model.services.length, "service")} in ${out}`;
  if (options.format === "json")
    return {
      exitCode: 0,
      stdout: `${JSON.stringify({ out, pages, services: model.services.length, files: [...site.keys()].sort() }, null, 2)}\n`,
    };
  return { exitCode: 0, stdout: `${summary}\nopen ${out}/index.html\n` };
}
