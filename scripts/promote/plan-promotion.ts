import { UsageError } from "../errors.js";
import { suggest } from "../model/environments.js";
import type { ValidatedRepository } from "../model/validate-repository.js";
import { type Diagnostic, error } from "../report/diagnostic.js";

/** One image moving forward: what `service` runs in `from` becomes what it runs in `to`. */
export interface ImageMove {
  service: string;
  file: string;
  from: string;
  to: string;
  /** The image the service runs in `from`: what is promoted. */
  image: string;
  /** The image it runs in `to` now. */
  previous: string;
}

/** What to promote. */
export interface PromotionRequest {
  /** One service; absent with `all`. */
  service?: string;
  all: boolean;
  /** The environment promoted into. */
  to: string;
  /** When given, must be the environment `to` promotes from (no skipping). */
  from?: string;
}

/** The promotion, decided: what moves, what is left alone and why, and what is refused. */
export interface PromotionPlan {
  from: string;
  to: string;
  moves: ImageMove[];
  /** "search: disabled in prod", "cart: already runs ghcr.io/acme/cart:0.12.4 in prod". */
  unchanged: string[];
  /** Errors on the service file's line: the request cannot be done. */
  refusals: Diagnostic[];
}

/**
 * Decides what `idp promote` moves, from a repository that validates: the
 * image each service runs (resolved, overrides included) in the environment
 * `to` promotes from. Refuses (UsageError) an unknown environment or service,
 * the first environment and a `from` that skips one; refuses (a Diagnostic on
 * the service file) a service that does not run in the previous environment
 * or in `to`. With `all`, services that do not run in both are left alone.
 */
export function planPromotion(repository: ValidatedRepository, request: PromotionRequest): PromotionPlan {
  const names = repository.environments.map((e) => e.name);
  const target = repository.environments.find((e) => e.name === request.to);
  if (!target)
    throw new UsageError(
      `the environment "${request.to}" does not exist: ${suggest(request.to, names, "environments/")}`,
    );
  const from = target.spec.promotesFrom;
  if (!from) {
    const next = repository.environments.find((e) => e.spec.promotesFrom === target.name);
    throw new UsageError(
      `${target.name} is the first environment (no promotesFrom in ${target.file}): nothing promotes into it; set its image in the service file${next ? `, or promote to ${next.name}` : ""}`,
    );
  }
  if (request.from !== undefined && request.from !== from)
    throw new UsageError(
      `${target.name} promotes from ${from}, not ${request.from}: a version reaches ${target.name} only through ${from}; promote to ${from} first`,
    );
  const serviceNames = [...new Set(repository.services.map((s) => s.name))].sort();
  const files = new Map(
    [...repository.documents.values()]
      .filter((d) => d.file.startsWith("services/"))
      .map((d) => [(d.value as { metadata: { name: string } }).metadata.name, d]),
  );
  let wanted: string[];
  if (request.service !== undefined) {
    if (!files.has(request.service))
      throw new UsageError(
        `the service "${request.service}" does not exist: ${suggest(request.service, [...files.keys()], "services/")}`,
      );
    wanted = [request.service];
  } else if (request.all) wanted = serviceNames;
  else throw new UsageError("name the service to promote, or pass --all");

  const plan: PromotionPlan = { from, to: target.name, moves: [], unchanged: [], refusals: [] };
  for (const name of wanted) {
    const doc = files.get(name);
    if (!doc) continue;
    const source = repository.services.find((s) => s.name === name && s.environment === from);
    const current = repository.services.find((s) => s.name === name && s.environment === target.name);
    const disabled = (env: string) => doc.locate(["spec", "environments", env, "enabled"]);
    if (!source) {
      if (request.all) plan.unchanged.push(`${name}: does not run in ${from}`);
      else
        plan.refusals.push(
          error(
            "promote.not-running",
            `${name} does not run in ${from} (disabled there), so there is no version to promote to ${target.name}`,
            doc.file,
            disabled(from),
            `enable ${name} in ${from} and let it run there first; a version reaches ${target.name} only through ${from}`,
          ),
        );
      continue;
    }
    if (!current) {
      if (request.all) plan.unchanged.push(`${name}: disabled in ${target.name}`);
      else
        plan.refusals.push(
          error(
            "promote.disabled",
            `${name} is disabled in ${target.name}: promoting its image there would change nothing that runs`,
            doc.file,
            disabled(target.name),
            `remove "enabled: false" from spec.environments.${target.name} first if it should run there`,
          ),
        );
      continue;
    }
    if (source.image === current.image) {
      plan.unchanged.push(`${name}: already runs ${current.image} in ${target.name}`);
      continue;
    }
    plan.moves.push({
      service: name,
      file: doc.file,
      from,
      to: target.name,
      image: source.image,
      previous: current.image,
    });
  }
  return plan;
}
