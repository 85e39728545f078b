import type { Construct } from "constructs";
import { cdk8s } from "../cdk8s.js";
import type { ClaimDefinition, StructuralSchema } from "./claim-definitions.js";

/** Labels and annotations of the definition objects (cluster-scoped: no namespace). */
export interface ClaimDefinitionProps {
  readonly definition: ClaimDefinition;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}

const NAME: StructuralSchema = { type: "string", minLength: 1 };

const COMPOSITION_FIELDS: Record<string, StructuralSchema> = {
  compositionRef: { type: "object", required: ["name"], properties: { name: NAME } },
  compositionSelector: {
    type: "object",
    required: ["matchLabels"],
    properties: { matchLabels: { type: "object", additionalProperties: { type: "string" } } },
  },
};

const STATUS: StructuralSchema = {
  type: "object",
  properties: {
    conditions: {
      type: "array",
      items: {
        type: "object",
        required: ["type", "status"],
        properties: {
          type: { type: "string" },
          status: { type: "string" },
          reason: { type: "string" },
          message: { type: "string" },
          lastTransitionTime: { type: "string" },
        },
      },
    },
  },
};

/**
 * The openAPIV3Schema of the claim kind at one version: the spec the classes
 * imply, the Crossplane claim fields the platform may set, and
 * `writeConnectionSecretToRef` required (services read their outputs from
 * that Secret). No field takes unknown content unless a class leaves its
 * shape open, so the API server refuses a malformed claim.
 */
export function claimSchema(spec: StructuralSchema): StructuralSchema {
  return {
    type: "object",
    required: ["spec"],
    properties: {
      spec: {
        ...spec,
        properties: {
          ...spec.properties,
          ...COMPOSITION_FIELDS,
          writeConnectionSecretToRef: { type: "object", required: ["name"], properties: { name: NAME } },
        },
        required: [...(spec.required ?? []), "writeConnectionSecretToRef"],
      },
      status: STATUS,
    },
  };
}

/** The openAPIV3Schema of the composite kind: the class spec and the fields Crossplane sets on a composite. */
export function compositeSchema(spec: StructuralSchema): StructuralSchema {
  const reference = (fields: string[]): StructuralSchema => ({
    type: "object",
    required: ["name"],
    properties: Object.fromEntries(fields.map((field) => [field, { type: "string" }])),
  });
  return {
    type: "object",
    required: ["spec"],
    properties: {
      spec: {
        ...spec,
        properties: {
          ...spec.properties,
          ...COMPOSITION_FIELDS,
          claimRef: reference(["apiVersion", "kind", "name", "namespace"]),
          resourceRefs: { type: "array", items: reference(["apiVersion", "kind", "name"]) },
          writeConnectionSecretToRef: reference(["name", "namespace"]),
        },
      },
      status: STATUS,
    },
  };
}

function versionsOf(
  definition: ClaimDefinition,
  schemaOf: (spec: StructuralSchema) => StructuralSchema,
): Record<string, unknown>[] {
  const names = [...definition.versions.keys()].sort();
  return names.map((name, index) => ({
    name,
    served: true,
    storage: index === names.length - 1,
    schema: { openAPIV3Schema: schemaOf(definition.versions.get(name) as StructuralSchema) },
    subresources: { status: {} },
  }));
}

/**
 * Adds, for one claim kind: the Crossplane CompositeResourceDefinition
 * (apiextensions.crossplane.io/v1, with claimNames), and the two
 * CustomResourceDefinitions it implies, the namespaced claim kind and the
 * cluster-scoped composite kind, so that an API server without Crossplane
 * (or before Crossplane has reconciled the XRD) already knows the kinds and
 * refuses a malformed claim.
 */
export function addClaimDefinition(scope: Construct, id: string, props: ClaimDefinitionProps): void {
  const { definition: d, labels, annotations } = props;
  const metadata = (name: string) => ({ name, labels, annotations });
  const xrdVersions = [...d.versions.keys()].sort().map((name, index, all) => ({
    name,
    served: true,
    referenceable: index === all.length - 1,
    schema: {
      openAPIV3Schema: {
        type: "object",
        properties: { spec: d.versions.get(name) as StructuralSchema },
      },
    },
  }));
  new cdk8s.ApiObject(scope, `${id}:xrd`, {
    apiVersion: "apiextensions.crossplane.io/v1",
    kind: "CompositeResourceDefinition",
    metadata: metadata(`${d.compositePlural}.${d.group}`),
    spec: {
      group: d.group,
      names: { kind: d.compositeKind, plural: d.compositePlural },
      claimNames: { kind: d.kind, plural: d.plural },
      connectionSecretKeys: d.connectionSecretKeys,
      versions: xrdVersions,
    },
  });
  const crd = (kind: string, plural: string, scopeName: "Namespaced" | "Cluster", versions: unknown) => ({
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: metadata(`${plural}.${d.group}`),
    spec: {
      group: d.group,
      names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase() },
      scope: scopeName,
      versions,
    },
  });
  new cdk8s.ApiObject(
    scope,
    `${id}:claim-crd`,
    crd(d.kind, d.plural, "Namespaced", versionsOf(d, claimSchema)),
  );
  new cdk8s.ApiObject(
    scope,
    `${id}:composite-crd`,
    crd(d.compositeKind, d.compositePlural, "Cluster", versionsOf(d, compositeSchema)),
  );
}
