import { existsSync } from "node:fs";
import { join } from "node:path";
import type { LoadedDocument } from "../model/document.js";
import { readRepositoryFile } from "../model/load.js";
import { type SchemaValidators, validateDocument } from "../model/schema.js";
import type { PolicyException } from "../model/types.generated.js";
import { type Diagnostic, error, warning } from "../report/diagnostic.js";

/** Where exceptions live, relative to the root. */
export const EXCEPTIONS_FILE = "policies/exceptions.yaml";

/** One exception with its place in the file. */
export interface LocatedException extends PolicyException {
  index: number;
}

/** The exceptions of a repository and the document they came from. */
export interface Exceptions {
  entries: LocatedException[];
  document?: LoadedDocument;
  diagnostics: Diagnostic[];
}

/**
 * Reads `policies/exceptions.yaml` (absent means none), checks it against its
 * schema, and checks what the schema cannot: the rule exists, the target
 * exists, and the exception has not expired (an expired one is reported and
 * waives nothing).
 */
export function readExceptions(
  root: string,
  validators: SchemaValidators,
  rules: ReadonlySet<string>,
  today: string,
): Exceptions {
  if (!existsSync(join(root, EXCEPTIONS_FILE))) return { entries: [], diagnostics: [] };
  const { document, diagnostics } = readRepositoryFile(root, EXCEPTIONS_FILE, { topLevel: "sequence" });
  if (!document) return { entries: [], diagnostics };
  const invalid = validateDocument(validators, "Exceptions", document);
  if (invalid.length > 0) return { entries: [], document, diagnostics: invalid };
  const found: Diagnostic[] = [];
  const entries: LocatedException[] = [];
  (document.value as PolicyException[]).forEach((entry, index) => {
    const at = (field: string) => document.locate([index, field]);
    if (!rules.has(entry.rule)) {
      found.push(
        error(
          "policy.exception-unknown-rule",
          `exception for rule ${entry.rule}, which no policy defines`,
          EXCEPTIONS_FILE,
          at("rule"),
          `known rules: ${[...rules].sort().join(", ")}`,
        ),
      );
      return;
    }
    if (!existsSync(join(root, entry.target))) {
      found.push(
        error(
          "policy.exception-unknown-target",
          `exception target ${entry.target} does not exist`,
          EXCEPTIONS_FILE,
          at("target"),
          "name a service folder such as services/checkout, or a file",
        ),
      );
      return;
    }
    if (entry.expires < today) {
      found.push(
        warning(
          "policy.exception-expired",
          `the exception for ${entry.rule} on ${entry.target} expired on ${entry.expires}; the rule applies again`,
          EXCEPTIONS_FILE,
          at("expires"),
          "fix what the rule reports and remove the exception, or renew it with a new approval",
        ),
      );
      return;
    }
    entries.push({ ...entry, index });
  });
  return { entries, document, diagnostics: found };
}

/** The unexpired exception that waives `rule` for `file` in `environment`, if any. */
export function findException(
  entries: readonly LocatedException[],
  rule: string,
  file: string,
  environment: string,
): LocatedException | undefined {
  return entries.find(
    (entry) =>
      entry.rule === rule &&
      (file === entry.target || file.startsWith(`${entry.target.replace(/\/$/, "")}/`)) &&
      (entry.environments === undefined || entry.environments.includes(environment)),
  );
}
