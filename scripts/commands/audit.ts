import { auditHistory } from "../audit/audit.js";
import { formatAudit } from "../audit/format.js";
import type { OutputFormat } from "../report/format.js";
import type { CommandResult } from "./result.js";

/** Options of `idp audit`. */
export interface AuditCommandOptions {
  root: string;
  format: OutputFormat;
  service?: string;
  environment?: string;
  since?: string;
  at?: string;
  field?: string;
}

/**
 * `idp audit [SERVICE] [--env ENV] [--since DATE] [--at DATE] [--field PATH]`:
 * who changed which field of which service in which environment, when and in
 * which pull request, from git history alone; with `--at`, what ran then.
 * Always exit 0: history is not a finding. Bad flags, an unknown service and
 * a folder that is not a git repository are raised (exit 2).
 */
export async function auditCommand(options: AuditCommandOptions): Promise<CommandResult> {
  const result = await auditHistory({
    root: options.root,
    ...(options.service !== undefined ? { service: options.service } : {}),
    ...(options.environment !== undefined ? { environment: options.environment } : {}),
    ...(options.since !== undefined ? { since: options.since } : {}),
    ...(options.at !== undefined ? { at: options.at } : {}),
    ...(options.field !== undefined ? { field: options.field } : {}),
  });
  return { exitCode: 0, stdout: formatAudit(result, options.format) };
}
