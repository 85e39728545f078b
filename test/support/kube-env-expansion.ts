/**
 * What the kubelet makes of a container's `env` list, without a cluster: a
 * line-by-line port of Kubernetes' `third_party/forked/golang/expansion`
 * (`Expand`, `tryReadVariableName`, `MappingFuncFor`) and of the loop in the
 * kubelet's `makeEnvironmentVariables` that walks `env` in order.
 *
 * The rule it models is the one the pinned API spec states for
 * `EnvVar.value` (upstream/kubernetes/apis__apps__v1.json): "Variable
 * references $(VAR_NAME) are expanded using the previously defined
 * environment variables in the container [...] If a variable cannot be
 * resolved, the reference in the input string will be unchanged. Double $$
 * are reduced to a single $". The task page says the same about order:
 * https://kubernetes.io/docs/tasks/inject-data-application/define-interdependent-environment-variables/
 * ("an environment variable is not considered 'defined' if it is specified
 * further down the list").
 */

/** One entry of a container's `env`, as rendered. */
export interface EnvEntry {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}

/** Secret name → key → value: what the connection secrets hold in the imagined cluster. */
export type SecretData = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** `expansion.Expand`: `$$` is `$`, `$(NAME)` is NAME's value when defined, anything else stays. */
export function expand(input: string, mapping: (name: string) => string): string {
  let out = "";
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] === "$" && cursor + 1 < input.length) {
      out += input.slice(checkpoint, cursor);
      const { read, isVariable, advance } = tryReadVariableName(input.slice(cursor + 1));
      out += isVariable ? mapping(read) : read;
      cursor += advance;
      checkpoint = cursor + 1;
    }
  }
  return out + input.slice(checkpoint);
}

function tryReadVariableName(input: string): { read: string; isVariable: boolean; advance: number } {
  if (input[0] === "$") return { read: "$", isVariable: false, advance: 1 };
  if (input[0] === "(") {
    const close = input.indexOf(")", 1);
    if (close !== -1) return { read: input.slice(1, close), isVariable: true, advance: close + 1 };
    return { read: "$(", isVariable: false, advance: 1 };
  }
  return { read: `$${input[0]}`, isVariable: false, advance: 1 };
}

/**
 * The environment the container starts with: `envFrom` data first, then
 * each `env` entry in list order, a `value` expanded against what is defined
 * so far (an undefined name stays `$(NAME)`, as `MappingFuncFor` leaves it).
 */
export function containerEnvironment(
  env: readonly EnvEntry[],
  secrets: SecretData,
  envFrom: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const defined: Record<string, string> = { ...envFrom };
  for (const entry of env) {
    const mapping = (name: string) =>
      Object.hasOwn(defined, name) ? (defined[name] as string) : `$(${name})`;
    const ref = entry.valueFrom?.secretKeyRef;
    if (entry.value !== undefined && entry.value !== "") {
      defined[entry.name] = expand(entry.value, mapping);
    } else if (ref) {
      const value = secrets[ref.name]?.[ref.key];
      if (value === undefined) throw new Error(`secret ${ref.name} has no key ${ref.key}`);
      defined[entry.name] = value;
    } else {
      defined[entry.name] = "";
    }
  }
  return defined;
}
