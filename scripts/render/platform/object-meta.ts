import type { ApiObjectMetadata } from "cdk8s";

/** The metadata every namespaced object of the `_platform` folder is given. */
export interface ObjectMetaProps {
  /** The object's name. */
  readonly name: string;
  /** The namespace the object lives in. */
  readonly namespace: string;
  /** Labels of the object. @default none */
  readonly labels?: Record<string, string>;
  /** Annotations of the object. @default none */
  readonly annotations?: Record<string, string>;
}

/** The `metadata` of an object: name, namespace, labels and annotations, as given. */
export function objectMeta(props: ObjectMetaProps): ApiObjectMetadata {
  return {
    name: props.name,
    namespace: props.namespace,
    labels: props.labels,
    annotations: props.annotations,
  };
}
