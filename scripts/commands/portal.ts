import { resolve } from "node:path";
import { buildSite } from "../portal/build.js";
import { checkRepository, collectPortal } from "../portal/collect.js";
import { planGraph } from "../portal/pages/graph.js";
import { PortalThread } from "../portal/portal-thread.js";
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
  // The history needs git, not the checked repository: the second thread reads it during the check.
  const thread = PortalThread.start();
  try {
    return await buildPortal(options, thread);
  } finally {
    await thread.close();
  }
}

async function buildPortal(options: PortalOptions, thread: PortalThread): Promise<CommandResult> {
  const history = thread.history(options.root);
  // Awaited only once the repository is valid; a failure meanwhile is not an unhandled rejection.
  history.catch(() => undefined);
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
  const model = await collectPortal(options.root, checked, history);
  const plan = planGraph(model);
  // Laid out in the second thread while this one builds and writes every other page.
  const layouts = thread.layout(plan.sections.map((s) => s.graph));
  layouts.catch(() => undefined);
  const out = resolve(options.out);
  const files = await writeSite(out, buildSite(model, { plan, layouts }));
  const pages = files.filter((p) => p.endsWith(".html")).length;
  const summary = `portal: ${plural(pages, "page")} for ${plural(model.services.length, "service")} in ${out}`;
  if (options.format === "json")
    return {
      exitCode: 0,
      stdout: `${JSON.stringify({ out, pages, services: model.services.length, files: files.sort() }, null, 2)}\n`,
    };
  return { exitCode: 0, stdout: `${summary}\nopen ${out}/index.html\n` };
}
