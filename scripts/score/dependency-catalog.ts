import { outputsOf } from "../model/dependencies.js";
import type { EnvironmentModel } from "../model/resolved.js";

/**
 * Score resource types that name one of our dependency classes by another
 * name. A Score type that is itself the name of a class needs no entry.
 */
export const SCORE_TYPE_ALIASES: Readonly<Record<string, string>> = { s3: "bucket" };

/** What the environments offer as dependency classes, seen from a Score file. */
export interface DependencyCatalog {
  /** Class names every environment defines, sorted. */
  readonly types: readonly string[];
  /** The outputs a class offers in some environment and size, sorted. */
  outputs(type: string): readonly string[];
  /** Whether an output is read from the claim's secret in some environment (then it must be a whole value). */
  isSecret(type: string, output: string): boolean;
}

/** The dependency classes every environment defines: only those can be asked for in every environment. */
export function dependencyCatalog(environments: readonly EnvironmentModel[]): DependencyCatalog {
  const perEnvironment = environments.map((e) => e.spec.dependencyClasses ?? {});
  const types = [...new Set(perEnvironment.flatMap((c) => Object.keys(c)))]
    .filter((type) => perEnvironment.every((classes) => type in classes))
    .sort();
  const sizesOf = (type: string) => perEnvironment.flatMap((classes) => Object.values(classes[type] ?? {}));
  return {
    types,
    outputs: (type) => [...new Set(sizesOf(type).flatMap((size) => Object.keys(outputsOf(size))))].sort(),
    isSecret: (type, output) => sizesOf(type).some((size) => "secretKey" in (outputsOf(size)[output] ?? {})),
  };
}

/** Our class for a Score resource type, when the environments define it. */
export function classForScoreType(catalog: DependencyCatalog, scoreType: string): string | undefined {
  const type = SCORE_TYPE_ALIASES[scoreType] ?? scoreType;
  return catalog.types.includes(type) ? type : undefined;
}

/** The Score type for one of our classes: the alias Score implementations know, else the class name. */
export function scoreTypeForClass(type: string): string {
  return Object.entries(SCORE_TYPE_ALIASES).find(([, ours]) => ours === type)?.[0] ?? type;
}
