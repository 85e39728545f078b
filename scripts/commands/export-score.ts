import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { stringify } from "yaml";
import { ToolError, UsageError } from "../errors.js";
import { suggest } from "../model/environments.js";
import { validateRepository } from "../model/validate-repository.js";
import { formatReport } from "../report/emit.js";
import type { OutputFormat } from "../report/format.js";
import { serviceFile } from "../scaffold/scaffold-service.js";
import { dependencyCatalog } from "../score/dependency-catalog.js";
import { exportService, type ServiceDocument } from "../score/export-mapping.js";
import { SCORE_SCHEMA_URL, scoreSchemaErrors } from "../score/score-schema.js";
import type { CommandResult } from "./result.js";

/** Options of `idp export score`. */
export interface ExportScoreOptions {
  root: string;
  format: OutputFormat;
  service: string;
  /** Write the Score file here (relative to `cwd`); absent: print it on stdout. */
  out?: string;
  cwd?: string;
}

/**
 * `idp export score SERVICE [--out FILE]`: the service as a Score workload,
 * valid against the pinned Score schema; what Score has no field for is kept
 * in idp/* annotations so `idp import score` gives the same service file
 * back. The service file must be free of errors (exit 1 with them otherwise).
 */
export async function exportScoreCommand(options: ExportScoreOptions): Promise<CommandResult> {
  const repository = validateRepository(options.root);
  const file = serviceFile(options.service);
  const document = repository.documents.get(file);
  const ownErrors = repository.diagnostics.filter((d) => d.file === file && d.severity === "error");
  if (!document && ownErrors.length === 0) {
    const names = [...repository.documents.keys()]
      .filter((f) => f.startsWith("services/"))
      .map((f) => f.split("/")[1] as string);
    throw new UsageError(
      `there is no service ${options.service}: ${suggest(options.service, names, "services/")}`,
    );
  }
  if (!document || ownErrors.length > 0) {
    return {
      exitCode: 1,
      stdout: formatReport(
        {
          summary: `export refused: fix ${file} first; nothing was written`,
          diagnostics: ownErrors,
          data: { ok: false },
        },
        options.format,
        repository.sources,
      ),
    };
  }
  const score = exportService(document.value as ServiceDocument, dependencyCatalog(repository.environments));
  const problems = scoreSchemaErrors(score);
  if (problems.length > 0)
    throw new ToolError(
      `the export of ${file} is not a valid Score file (${problems.join("; ")}): this is a bug in idp`,
    );
  const text = [
    `# yaml-language-server: $schema=${SCORE_SCHEMA_URL}`,
    `# Exported by idp export score from ${file}; the idp/* annotations hold what Score has no field for.`,
    stringify(score, { lineWidth: 0, aliasDuplicateObjects: false }),
  ].join("\n");
  if (options.out === undefined) return { exitCode: 0, stdout: text };
  writeFileSync(resolve(options.cwd ?? process.cwd(), options.out), text);
  return {
    exitCode: 0,
    stdout: formatReport(
      {
        summary: `wrote ${options.out} from ${file}`,
        diagnostics: [],
        data: { ok: true, file: options.out },
      },
      options.format,
      repository.sources,
    ),
  };
}
