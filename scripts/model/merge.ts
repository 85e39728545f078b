import type { ValuePath } from "./document.js";

/** Where a resolved value came from: a file and the path of the value in it. */
export interface Origin {
  file: string;
  path: ValuePath;
}

/** One layer of settings, lowest priority first: environment defaults, service spec, override. */
export interface Layer {
  value: Record<string, unknown>;
  origin: Origin;
}

/** The merged settings and, for every leaf, the layer it came from. */
export interface Merged {
  value: Record<string, unknown>;
  /** Dotted leaf path ("resources.cpu", "env.LOG_LEVEL") → origin of its value. */
  origins: Map<string, Origin>;
}

/**
 * Settings that are one choice made two ways: a layer that sets either member
 * replaces whatever an earlier layer chose (a prod override with `autoscale`
 * drops the spec's fixed `replicas`).
 */
const EXCLUSIVE: readonly (readonly string[])[] = [
  ["replicas", "autoscale"],
  ["port", "ports"],
];

/**
 * Merges layers: mappings merge key by key, lists and scalars are replaced
 * whole, and each leaf remembers its origin so later findings point at the
 * line that set the value, in whichever file that is.
 */
export function mergeLayers(layers: readonly Layer[]): Merged {
  const origins = new Map<string, Origin>();
  return { value: merge(layers, origins), origins };
}

/**
 * The merged settings alone, as mergeLayers gives them: cheaper, for when
 * the origins may never be asked for (they are only for pointing at lines).
 */
export function mergeValues(layers: readonly Layer[]): Record<string, unknown> {
  return merge(layers, undefined);
}

function merge(layers: readonly Layer[], origins: Map<string, Origin> | undefined): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  for (const layer of layers) {
    for (const group of EXCLUSIVE) {
      if (group.some((key) => key in layer.value)) {
        for (const key of group) {
          delete value[key];
          if (origins) dropOrigins(origins, key);
        }
      }
    }
    mergeInto(value, layer.value, layer.origin, [], origins);
  }
  return value;
}

function mergeInto(
  target: Record<string, unknown>,
  source: Record<string, unknown>,
  origin: Origin,
  prefix: string[],
  origins: Map<string, Origin> | undefined,
): void {
  for (const [key, incoming] of Object.entries(source)) {
    const path = [...prefix, key];
    const current = target[key];
    if (isMapping(incoming) && isMapping(current)) {
      mergeInto(current, incoming, origin, path, origins);
      continue;
    }
    const dotted = origins ? path.join(".") : "";
    // Origins exist only for what the merged value holds: a key not set yet has none to drop.
    if (origins && isMapping(current)) dropOrigins(origins, dotted);
    else if (origins && current !== undefined) origins.delete(dotted);
    if (isMapping(incoming)) {
      const fresh: Record<string, unknown> = {};
      target[key] = fresh;
      mergeInto(fresh, incoming, origin, path, origins);
      if (Object.keys(incoming).length === 0) origins?.set(dotted, originAt(origin, path));
    } else {
      target[key] = incoming;
      origins?.set(dotted, originAt(origin, path));
    }
  }
}

function originAt(origin: Origin, path: readonly string[]): Origin {
  return { file: origin.file, path: [...origin.path, ...path] };
}

function dropOrigins(origins: Map<string, Origin>, dotted: string): void {
  for (const key of [...origins.keys()]) {
    if (key === dotted || key.startsWith(`${dotted}.`)) origins.delete(key);
  }
}

/**
 * The origin of the value at a dotted path: the leaf itself, or the first leaf
 * under it (for a mapping), or the nearest ancestor.
 */
export function originOf(origins: ReadonlyMap<string, Origin>, dotted: string): Origin | undefined {
  const exact = origins.get(dotted);
  if (exact) return exact;
  for (const [key, origin] of origins) {
    if (key.startsWith(`${dotted}.`))
      return {
        file: origin.file,
        path: origin.path.slice(0, origin.path.length - (key.split(".").length - dotted.split(".").length)),
      };
  }
  const parts = dotted.split(".");
  while (parts.length > 1) {
    parts.pop();
    const ancestor = origins.get(parts.join("."));
    if (ancestor) return ancestor;
  }
  return undefined;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
