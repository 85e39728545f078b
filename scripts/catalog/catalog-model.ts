import type { Service } from "../model/types.generated.js";
import type { ValidatedRepository } from "../model/validate-repository.js";
import { type Diagnostic, error } from "../report/diagnostic.js";
import { type CatalogDependency, type CatalogService, type CatalogTeam, resourceName } from "./entities.js";

/** The longest entity name Backstage accepts. */
const MAX_NAME = 63;

/** The catalog's view of a validated repository, and the names Backstage could not take. */
export interface CatalogSource {
  teams: CatalogTeam[];
  services: CatalogService[];
  diagnostics: Diagnostic[];
}

/**
 * The teams and services of a repository that validated, as the catalog
 * needs them. Services come from their schema-valid files, so one disabled
 * in every environment is still in the catalog; each dependency is the union
 * over the spec and the environments (an override may add one), with the
 * size each environment resolves it to. Resource names (`<service>-<dependency>`)
 * that Backstage would refuse (over 63 characters) or that two services of
 * different teams would share are errors on the dependency's line.
 */
export function catalogSource(repository: ValidatedRepository): CatalogSource {
  const teams = repository.teams.map((team) => ({
    name: team.name,
    file: team.file,
    github: team.spec.github,
    members: team.spec.members,
    contact: team.spec.contact,
  }));
  const services: CatalogService[] = [];
  for (const [file, document] of repository.documents) {
    if (!file.startsWith("services/")) continue;
    const value = document.value as Service;
    const resolved = repository.services.filter((s) => s.file === file);
    const dependencies = new Map<string, CatalogDependency>();
    const add = (name: string, type: string, path: (string | number)[]) => {
      if (!dependencies.has(name))
        dependencies.set(name, { name, type, sizes: [], line: document.locate(path, "key").line });
    };
    for (const [name, dependency] of Object.entries(value.spec.dependencies ?? {}))
      add(name, dependency.type, ["spec", "dependencies", name]);
    for (const [environment, override] of Object.entries(value.spec.environments ?? {}))
      for (const [name, dependency] of Object.entries(override.dependencies ?? {}))
        if (dependency.type)
          add(name, dependency.type, ["spec", "environments", environment, "dependencies", name]);
    for (const service of resolved)
      for (const dependency of service.dependencies) {
        const entry = dependencies.get(dependency.name);
        if (entry)
          dependencies.set(dependency.name, {
            ...entry,
            sizes: [...entry.sizes, { environment: service.environment, size: dependency.size }],
          });
      }
    const calls = new Set([...(value.spec.calls ?? []), ...resolved.flatMap((s) => s.calls)]);
    services.push({
      file,
      metadata: value.metadata,
      type: value.spec.type,
      calls: [...calls],
      dependencies: [...dependencies.values()],
    });
  }
  return { teams, services, diagnostics: checkResourceNames(services) };
}

function checkResourceNames(services: readonly CatalogService[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  // Resources only clash with Resources: Backstage's references carry the kind.
  const claimed = new Map<string, string>();
  for (const service of services) {
    for (const dependency of service.dependencies) {
      const name = resourceName(service.metadata.name, dependency.name);
      const at = { line: dependency.line, column: 1 };
      if (name.length > MAX_NAME) {
        diagnostics.push(
          error(
            "catalog.resource-name",
            `the catalog names this dependency's Resource ${name} (${name.length} characters); Backstage takes at most ${MAX_NAME}`,
            service.file,
            at,
            "shorten the dependency's name",
          ),
        );
      }
      const other = claimed.get(name);
      if (other !== undefined && other !== service.file) {
        diagnostics.push(
          error(
            "catalog.resource-name",
            `the catalog names this dependency's Resource ${name}, which a dependency in ${other} is named too`,
            service.file,
            at,
            "rename the dependency so <service>-<dependency> names one thing",
          ),
        );
      }
      claimed.set(name, service.file);
    }
  }
  return diagnostics;
}
