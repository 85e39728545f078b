import {
  componentEntityV1alpha1Validator,
  DefaultNamespaceEntityPolicy,
  domainEntityV1alpha1Validator,
  type Entity,
  EntityPolicies,
  FieldFormatEntityPolicy,
  groupEntityV1alpha1Validator,
  locationEntityV1alpha1Validator,
  NoForeignRootFieldsEntityPolicy,
  parseEntityRef,
  resourceEntityV1alpha1Validator,
  SchemaValidEntityPolicy,
  stringifyEntityRef,
  systemEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
} from "@backstage/catalog-model";
import { ToolError } from "../errors.js";
import { plural } from "../report/text.js";

/** One entity Backstage would refuse, and why, in its own words. */
export interface EntityProblem {
  /** kind:namespace/name, as Backstage names it. */
  ref: string;
  /** The output file it is in. */
  file: string;
  message: string;
}

/**
 * The policies Backstage's catalog applies to every entity it ingests (the
 * defaults of the catalog backend), in its order: schema first, so the others
 * see the shape they expect.
 */
const POLICY = EntityPolicies.allOf([
  new SchemaValidEntityPolicy(),
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
]);

/** The built-in kinds' validators: an entity must be one of these kinds and valid as it. */
const KIND_VALIDATORS = [
  componentEntityV1alpha1Validator,
  resourceEntityV1alpha1Validator,
  groupEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
  locationEntityV1alpha1Validator,
  systemEntityV1alpha1Validator,
  domainEntityV1alpha1Validator,
];

/** The spec fields whose values are entity references, with the kind a bare name defaults to. */
const REFERENCE_FIELDS: ReadonlyArray<[field: string, defaultKind: string]> = [
  ["owner", "Group"],
  ["system", "System"],
  ["domain", "Domain"],
  ["dependsOn", "Component"],
  ["dependencyOf", "Component"],
  ["members", "User"],
  ["memberOf", "Group"],
  ["children", "Group"],
  ["parent", "Group"],
  ["subcomponentOf", "Component"],
];

/**
 * Checks every entity with `@backstage/catalog-model`'s own policies and kind
 * validators, exactly as the catalog would on ingestion, and every reference
 * in a spec (owner, dependsOn, members, ...) against the entities generated
 * with it, so Backstage would show no dangling relation. Returns every
 * problem (none means Backstage accepts the whole catalog).
 */
export async function checkEntities(
  files: ReadonlyArray<{ path: string; entities: readonly Entity[] }>,
): Promise<EntityProblem[]> {
  const problems: EntityProblem[] = [];
  const known = new Set<string>();
  const seen = new Map<string, string>();
  for (const file of files) {
    for (const entity of file.entities) {
      const ref = refOf(entity);
      const before = seen.get(ref);
      if (before !== undefined)
        problems.push({ ref, file: file.path, message: `the entity is also generated in ${before}` });
      seen.set(ref, file.path);
      known.add(ref);
      const message = await upstreamProblem(entity);
      if (message !== undefined) problems.push({ ref, file: file.path, message });
    }
  }
  for (const file of files)
    for (const entity of file.entities)
      for (const message of danglingReferences(entity, known))
        problems.push({ ref: refOf(entity), file: file.path, message });
  return problems;
}

/**
 * Throws a ToolError (exit 2) naming every entity Backstage would refuse: the
 * input was valid, so a refused entity is a fault of this tool, never the
 * user's, and nothing may be written.
 */
export async function requireAcceptedEntities(
  files: ReadonlyArray<{ path: string; entities: readonly Entity[] }>,
): Promise<void> {
  const problems = await checkEntities(files);
  if (problems.length === 0) return;
  const list = problems.map((p) => `${p.ref} in ${p.file}: ${p.message}`).join("; ");
  throw new ToolError(
    `idp catalog generated entities that Backstage's validators refuse (${plural(problems.length, "problem")}); nothing was written; this is a fault of idp, please report it: ${list}`,
  );
}

/** What Backstage's policies or kind validators say against the entity, if anything. */
async function upstreamProblem(entity: Entity): Promise<string | undefined> {
  try {
    // The policies may fill in defaults (the namespace): they work on a copy.
    const checked = await POLICY.enforce(structuredClone(entity));
    if (!checked) return "no entity policy accepted it";
    for (const validator of KIND_VALIDATORS) if (await validator.check(checked)) return undefined;
    return `no built-in validator knows ${entity.apiVersion} ${entity.kind}`;
  } catch (caught) {
    return caught instanceof Error ? caught.message : String(caught);
  }
}

function danglingReferences(entity: Entity, known: ReadonlySet<string>): string[] {
  const spec = (entity.spec ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  for (const [field, defaultKind] of REFERENCE_FIELDS) {
    const value = spec[field];
    const refs = Array.isArray(value) ? value : value === undefined ? [] : [value];
    for (const raw of refs) {
      try {
        const target = stringifyEntityRef(
          parseEntityRef(String(raw), { defaultKind, defaultNamespace: "default" }),
        );
        if (!known.has(target))
          problems.push(`spec.${field} names ${String(raw)}, which the catalog does not contain`);
      } catch (caught) {
        problems.push(`spec.${field}: ${caught instanceof Error ? caught.message : String(caught)}`);
      }
    }
  }
  return problems;
}

function refOf(entity: Entity): string {
  try {
    return stringifyEntityRef({
      kind: entity.kind,
      namespace: entity.metadata.namespace ?? "default",
      name: entity.metadata.name,
    });
  } catch {
    return `${entity.kind}:${String(entity.metadata?.name)}`;
  }
}
