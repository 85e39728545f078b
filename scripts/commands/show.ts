import { compareNames, suggest } from "../model/environments.js";
import type { ResolvedService } from "../model/resolved.js";
import type { Service } from "../model/types.generated.js";
import { type ValidatedRepository, validateRepository } from "../model/validate-repository.js";
import { findSecretValues } from "../policy/secret-values.js";
import { MANIFEST_FILE } from "../render/render-jobs.js";
import { renderJob } from "../render/render-repository.js";
import { manifestsDirName } from "../render/write/tree.js";
import { type Diagnostic, hasErrors } from "../report/diagnostic.js";
import { formatReport } from "../report/emit.js";
import { Redactor } from "../report/redact.js";
import { printable, printableSource } from "../report/terminal-text.js";
import { describeSource, formatShownYaml } from "../show/annotated-yaml.js";
import { type ShownNode, type Source, showService } from "../show/provenance.js";
import type { CommandResult } from "./result.js";

/** The formats `idp show` prints: annotated YAML, plain YAML, or JSON with every value's source. */
export type ShowFormat = "text" | "yaml" | "json";

/** Every `idp show` format, in the order help lists them. */
export const SHOW_FORMATS: readonly ShowFormat[] = ["text", "yaml", "json"];

/** Options of `idp show`. */
export interface ShowOptions {
  root: string;
  service: string;
  /** Only this environment; default every environment, in promotion order. */
  environment?: string;
  /** Print what the service renders instead of its settings. */
  manifests: boolean;
  format: ShowFormat;
}

/**
 * `idp show SERVICE [--env ENV] [--manifests]`: the service as resolve
 * merged it in each environment, every value with the file and line that
 * set it (environment default, service spec, per-environment override), or
 * with `--manifests` what it renders there. Reads only: nothing is written.
 * An unknown service or environment, or errors in the files the service is
 * resolved from, exit 1.
 */
export async function showCommand(options: ShowOptions): Promise<CommandResult> {
  const repository = validateRepository(options.root);
  const doc = [...repository.documents.values()].find(
    (d) => d.file.startsWith("services/") && (d.value as Service).metadata?.name === options.service,
  );
  const broken = blocking(repository, options.service);
  if (broken.length > 0) {
    const summary = `cannot show ${options.service}: fix the errors above first`;
    return {
      exitCode: 1,
      stdout: "",
      stderr: formatReport({ summary, diagnostics: broken }, "text", repository.sources),
    };
  }
  if (!doc) return unknown("service", options.service, serviceNames(repository), "services/");
  const environments = options.environment
    ? repository.environments.filter((e) => e.name === options.environment)
    : repository.environments;
  if (options.environment && environments.length === 0) {
    return unknown(
      "environment",
      options.environment,
      repository.environments.map((e) => e.name),
      "environments/",
    );
  }
  const shown = environments.map((environment) => ({
    environment,
    service: repository.services.find((s) => s.file === doc.file && s.environment === environment.name),
  }));
  const present = shown.flatMap((s) => (s.service ? [s.service] : []));
  // Values the policy judges credentials (SEC004) are hidden here as in every other output.
  const redactor = new Redactor(
    findSecretValues(options.root, { environments, teams: repository.teams, services: present }),
  );
  const disabled = (environment: string): string => {
    const path = ["spec", "environments", environment, "enabled"];
    const at = doc.locate(path, "value");
    return `${options.service} is not enabled in ${environment} (${doc.file}:${at.line} spec.environments.${environment}.enabled)`;
  };

  if (options.manifests) {
    const files = shown.flatMap(({ environment, service }) =>
      service ? [{ environment: environment.name, ...renderedFile(repository, service, redactor) }] : [],
    );
    if (options.format === "json")
      return {
        exitCode: 0,
        stdout: `${JSON.stringify({ service: options.service, manifests: files }, null, 2)}\n`,
      };
    const parts = shown.map(({ environment, service }) => {
      if (!service) return `# ${printable(disabled(environment.name))}\n`;
      const file = files.find((f) => f.environment === environment.name);
      const text = terminalText(file?.content ?? "");
      return options.environment ? text : `# ${file?.file}\n${text}`;
    });
    return { exitCode: 0, stdout: parts.join("---\n") };
  }

  const trees = shown.map(({ environment, service }) => ({
    environment: environment.name,
    tree: service
      ? showService({
          service,
          environment,
          documents: repository.documents,
          redact: (value) => redactor.text(value),
        })
      : undefined,
  }));
  if (options.format === "json") {
    const entries = trees.map(({ environment, tree }) =>
      tree
        ? { environment, enabled: true, values: toJson(tree), sources: sourcesOf(tree) }
        : { environment, enabled: false },
    );
    return {
      exitCode: 0,
      stdout: `${JSON.stringify({ service: options.service, environments: entries }, null, 2)}\n`,
    };
  }
  const annotate = options.format === "text";
  const parts = trees.map(({ environment, tree }) => {
    if (!tree) return `# ${printable(disabled(environment))}\n`;
    const header = annotate ? `# ${printable(options.service)} in ${printable(environment)}\n` : "";
    return header + formatShownYaml(tree, annotate);
  });
  return { exitCode: 0, stdout: parts.join("---\n") };
}

/** Errors that keep the service from resolving: in its own file, an environment or a team. */
function blocking(repository: ValidatedRepository, service: string): Diagnostic[] {
  if (!hasErrors(repository.diagnostics)) return [];
  return repository.diagnostics.filter(
    (d) =>
      d.severity === "error" &&
      (d.file.startsWith(`services/${service}/`) ||
        d.file.startsWith("environments/") ||
        d.file.startsWith("teams/")),
  );
}

function serviceNames(repository: ValidatedRepository): string[] {
  return [
    ...new Set(
      [...repository.documents.values()]
        .filter((d) => d.file.startsWith("services/"))
        .map((d) => (d.value as Service).metadata.name),
    ),
  ].sort(compareNames);
}

function unknown(what: string, name: string, known: readonly string[], folder: string): CommandResult {
  return {
    exitCode: 1,
    stdout: "",
    stderr: `idp: no ${what} named "${printable(name)}"; ${printable(suggest(name, known, folder))}\n`,
  };
}

/** The one file the service renders in its environment, exactly as `idp render` writes it (credentials hidden). */
function renderedFile(
  repository: ValidatedRepository,
  service: ResolvedService,
  redactor: Redactor,
): { file: string; content: string } {
  const environment = repository.environments.find((e) => e.name === service.environment);
  if (!environment) throw new Error(`no environment ${service.environment} for ${service.name}`);
  const path = `${environment.name}/${service.name}/${MANIFEST_FILE}`;
  const services = repository.services.filter((s) => s.environment === environment.name);
  const file = renderJob({ path, context: { environment, services, teams: repository.teams }, service });
  return { file: `${manifestsDirName}/${path}`, content: redactor.text(file.text) };
}

/** Rendered YAML for a terminal: every line inert, tabs kept. */
function terminalText(text: string): string {
  return text
    .split("\n")
    .map((line) => printableSource(line))
    .join("\n");
}

function toJson(node: ShownNode): unknown {
  switch (node.kind) {
    case "scalar":
      return node.value;
    case "list":
      return node.items.map(toJson);
    case "map":
      return Object.fromEntries(node.entries.map(([k, v]) => [k, toJson(v)]));
  }
}

/** Every annotated value's dotted path with its source, for `--format json`. */
function sourcesOf(node: ShownNode, prefix = ""): { path: string; source: Source; where: string }[] {
  const out: { path: string; source: Source; where: string }[] = [];
  if (node.source) out.push({ path: prefix, source: node.source, where: describeSource(node.source) });
  if (node.kind === "map") {
    for (const [key, value] of node.entries) out.push(...sourcesOf(value, prefix ? `${prefix}.${key}` : key));
  }
  return out;
}
