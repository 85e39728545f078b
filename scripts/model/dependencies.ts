import { compareNames } from "./environments.js";
import type { Findings } from "./findings.js";
import type { Origin } from "./merge.js";
import { closestName } from "./names.js";
import { CALL_OUTPUTS, findPlaceholders } from "./placeholders.js";
import type { EnvironmentModel, ResolvedDependency, ResolvedService } from "./resolved.js";
import type {
  ClaimDependencyClass,
  DependencyClass,
  ServiceSettings,
  VolumeClaimTemplate,
} from "./types.generated.js";

/** The PersistentVolumeClaim template of a volume class; undefined for a claim class. */
export function volumeOf(dependencyClass: DependencyClass): VolumeClaimTemplate | undefined {
  return "volume" in dependencyClass ? dependencyClass.volume : undefined;
}

/** The claim template of a managed-infrastructure class; undefined for a volume class. */
export function claimClassOf(dependencyClass: DependencyClass): ClaimDependencyClass | undefined {
  return "claim" in dependencyClass ? dependencyClass : undefined;
}

/** The outputs `${dependencies.NAME.OUTPUT}` may ask for: none for a volume class. */
export function outputsOf(dependencyClass: DependencyClass): ClaimDependencyClass["outputs"] {
  return claimClassOf(dependencyClass)?.outputs ?? {};
}

/**
 * Finds each dependency's class (type and size) in the environment. Without a
 * size, the class's size named "default" is used, or its only size.
 */
export function resolveDependencies(
  merged: ServiceSettings,
  env: EnvironmentModel,
  origin: (dotted: string) => Origin,
  findings: Findings,
): ResolvedDependency[] {
  const resolved: ResolvedDependency[] = [];
  const classes = env.spec.dependencyClasses ?? {};
  const entries = Object.entries(merged.dependencies ?? {}).sort(([a], [b]) => compareNames(a, b));
  for (const [name, dependency] of entries) {
    const sizes = classes[dependency.type];
    if (!sizes) {
      findings.error(
        "resolve.unknown-dependency-class",
        `dependency ${name} has type "${dependency.type}", which {env} does not offer`,
        origin(`dependencies.${name}.type`),
        { environment: env.name, hint: offered(Object.keys(classes), "types", dependency.type) },
      );
      continue;
    }
    const size = dependency.size ?? defaultSize(Object.keys(sizes));
    if (size === undefined) {
      findings.error(
        "resolve.dependency-size",
        `dependency ${name} needs a size: ${dependency.type} comes in ${Object.keys(sizes).join(", ")}`,
        origin(`dependencies.${name}`),
        { environment: env.name, hint: "add size: to the dependency" },
      );
      continue;
    }
    const dependencyClass = sizes[size];
    if (!dependencyClass) {
      findings.error(
        "resolve.unknown-dependency-class",
        `dependency ${name} asks for ${dependency.type} size "${size}", which {env} does not offer`,
        origin(`dependencies.${name}.size`),
        { environment: env.name, hint: offered(Object.keys(sizes), "sizes", size) },
      );
      continue;
    }
    const volume = volumeOf(dependencyClass);
    if (volume && dependency.path === undefined) {
      findings.error(
        "resolve.volume-path",
        `dependency ${name} (${dependency.type}) is a volume in {env} and needs a path to be mounted at`,
        origin(`dependencies.${name}`),
        {
          environment: env.name,
          hint: "add path: (an absolute directory such as /var/lib/app) to the dependency",
        },
      );
      continue;
    }
    if (!volume && dependency.path !== undefined) {
      findings.error(
        "resolve.volume-path",
        `dependency ${name} is a ${dependency.type} in {env}, not a volume: it has nothing to mount at ${dependency.path}`,
        origin(`dependencies.${name}.path`),
        {
          environment: env.name,
          hint: "remove path: (only a class with volume: in the environment is mounted)",
        },
      );
      continue;
    }
    resolved.push({
      name,
      type: dependency.type,
      size,
      class: dependencyClass,
      ...(volume ? { path: dependency.path } : {}),
    });
  }
  return resolved;
}

function defaultSize(sizes: readonly string[]): string | undefined {
  if (sizes.includes("default")) return "default";
  return sizes.length === 1 ? sizes[0] : undefined;
}

function offered(names: readonly string[], what: string, asked: string): string {
  const suggestion = closestName(asked, names);
  const list =
    names.length > 0 ? `{env} offers ${what} ${[...names].sort().join(", ")}` : "{env} offers none";
  return suggestion ? `did you mean "${suggestion}"? ${list}` : list;
}

/**
 * Every `${...}` in env names a declared call or dependency, and an output it
 * has. Secret outputs may stand anywhere in a value (see resolveVariables).
 */
export function checkPlaceholders(
  service: ResolvedService,
  origin: (dotted: string) => Origin,
  findings: Findings,
): void {
  for (const [key, value] of Object.entries(service.env)) {
    for (const placeholder of findPlaceholders(value)) {
      const problem = placeholderProblem(service, placeholder);
      if (problem) {
        findings.error(
          "resolve.placeholder",
          `env.${key}: ${placeholder.text.slice(0, 80)} ${problem.message}`,
          { ...origin(`env.${key}`), offset: placeholder.offset },
          { environment: service.environment, hint: problem.hint },
        );
      }
    }
  }
}

interface Problem {
  message: string;
  hint: string;
}

function placeholderProblem(
  service: ResolvedService,
  placeholder: ReturnType<typeof findPlaceholders>[number],
): Problem | undefined {
  const { source, name, output } = placeholder;
  if (source === undefined || name === undefined || output === undefined) {
    return {
      message: "is not a placeholder this platform knows",
      hint: "use ${calls.NAME.host|port|address|url} or ${dependencies.NAME.OUTPUT}; write $${ for a literal ${",
    };
  }
  if (source === "calls") {
    if (!service.calls.includes(name)) {
      return {
        message: `refers to ${name}, which is not in calls`,
        hint: `add ${name} to calls: the network policy only allows what calls lists`,
      };
    }
    if (!CALL_OUTPUTS.includes(output)) {
      return {
        message: `asks for "${output}" of a called service`,
        hint: `a called service offers ${CALL_OUTPUTS.join(", ")}`,
      };
    }
    return undefined;
  }
  const dependency = service.dependencies.find((d) => d.name === name);
  if (!dependency) {
    // Declared but without a class here: already reported on the dependency itself.
    if (service.origins.has(`dependencies.${name}.type`)) return undefined;
    return {
      message: `refers to dependency ${name}, which is not declared`,
      hint: "declare it under dependencies:",
    };
  }
  const outputs = outputsOf(dependency.class);
  const found = outputs[output];
  if (!found) {
    return {
      message: `asks for "${output}", which ${dependency.type} (${dependency.size}) does not provide in {env}`,
      hint: `it provides ${Object.keys(outputs).sort().join(", ") || "no outputs"}`,
    };
  }
  // A secret output may be the whole value or a part of it: either way render
  // reads it from the connection secret, never writing it as text.
  return undefined;
}
