import { outputsOf } from "../../model/dependencies.js";
import { findPlaceholders, type Placeholder } from "../../model/placeholders.js";
import type { ResolvedService } from "../../model/resolved.js";
import { type CallAddress, callAddress } from "./call-address.js";
import { calledService, type ServiceIndex } from "./service-index.js";

/** An environment variable read from a dependency's connection secret. */
export interface SecretKeyVariable {
  /** The variable name. */
  name: string;
  /** The connection secret, `<service>-<dependency>`. */
  secretName: string;
  /** The key in that secret. */
  key: string;
}

/**
 * A variable whose value mixes plain text with secret outputs: `value` holds
 * the plain text (every `$` doubled) and a `$(NAME)` reference to each secret
 * part, which Kubernetes expands when it starts the container.
 */
export interface ComposedVariable {
  name: string;
  value: string;
}

/** One entry of the container's `env` list. */
export type ContainerVariable = SecretKeyVariable | ComposedVariable;

/** `env` with every `${...}` placeholder resolved. */
export interface ResolvedVariables {
  /** Plain values (the ConfigMap's data), in declaration order. */
  plain: Record<string, string>;
  /**
   * The container's `env` list, in declaration order: whole secret outputs
   * as secretKeyRefs, and each composed value preceded by the secretKeyRefs
   * of its secret parts (see `secretPartName`). Never a secret's value.
   */
  env: ContainerVariable[];
}

/** The name of a dependency's claim and of its connection secret. */
export function dependencyObjectName(service: ResolvedService, dependency: string): string {
  return `${service.name}-${dependency}`;
}

/**
 * The name of the variable that carries the `part`-th (from 1) secret output
 * of the composed variable `variable`: `IDP.<variable>.<part>`, such as
 * `IDP.REDIS_ADDR.1`. It cannot collide with anything a service declares:
 * `env` and `secrets` names are letters, digits and `_` (the schema's
 * envVarName), and these contain dots, which Kubernetes allows in env names.
 * Two composed variables never share one either, since the variable name and
 * the part number are both in it.
 */
export function secretPartName(variable: string, part: number): string {
  return `IDP.${variable}.${part}`;
}

/**
 * Escapes literal text for a `value` that Kubernetes expands: it turns `$$`
 * into `$` and `$(NAME)` into NAME's value, so every `$` is doubled (`$(` in
 * the text becomes `$$(`, which stays a literal `$(`).
 */
export function escapeForExpansion(text: string): string {
  return text.replaceAll("$", () => "$$");
}

/**
 * Resolves the placeholders of `service.env`: `${calls.NAME.host|port|address|url}`
 * from the called service's Service, `${dependencies.NAME.OUTPUT}` from the
 * dependency class. A `value` output is substituted. A `secretKey` output
 * as the whole value becomes a secretKeyRef on the claim's connection
 * secret; inside a longer value, each secret output becomes a secretKeyRef
 * variable of its own (`secretPartName`), listed just before the composed
 * variable, whose value refers to it as `$(NAME)`. Kubernetes expands a
 * reference only to a variable defined earlier in the list, hence the order.
 * A composed value never goes into the ConfigMap. `$${` is the escape for a
 * literal `${`. Resolve has already reported bad placeholders as
 * diagnostics, so anything unresolvable here is a tool error.
 */
export function resolveVariables(service: ResolvedService, index: ServiceIndex): ResolvedVariables {
  const plain: Record<string, string> = {};
  const env: ContainerVariable[] = [];
  let calls: Map<string, CallAddress> | undefined;
  for (const name in service.env) {
    const value = service.env[name] as string;
    if (!value.includes("${")) {
      plain[name] = value;
      continue;
    }
    // Each part as plain text or as a secret; joined below once it is known whether any is secret.
    const parts: (string | { secretName: string; key: string })[] = [];
    let from = 0;
    for (const placeholder of findPlaceholders(value)) {
      parts.push(unescapeDollar(value.slice(from, placeholder.offset)));
      from = placeholder.offset + placeholder.text.length;
      if (placeholder.source === "calls") {
        calls ??= new Map();
        parts.push(callOutput(service, placeholder, index, calls));
      } else {
        parts.push(dependencyOutput(service, name, placeholder));
      }
    }
    parts.push(unescapeDollar(value.slice(from)));
    const [before, only, after] = parts;
    if (parts.every((part) => typeof part === "string")) {
      plain[name] = parts.join("");
    } else if (parts.length === 3 && before === "" && after === "" && typeof only === "object") {
      env.push({ name, ...only });
    } else {
      let composed = "";
      let count = 0;
      for (const part of parts) {
        if (typeof part === "string") {
          composed += escapeForExpansion(part);
        } else {
          const helper = secretPartName(name, ++count);
          env.push({ name: helper, ...part });
          composed += `$(${helper})`;
        }
      }
      env.push({ name, value: composed });
    }
  }
  return { plain, env };
}

function unescapeDollar(literal: string): string {
  return literal.includes("$${") ? literal.replaceAll("$${", "${") : literal;
}

function callOutput(
  service: ResolvedService,
  placeholder: Placeholder,
  index: ServiceIndex,
  cache: Map<string, CallAddress>,
): string {
  const name = placeholder.name as string;
  let address = cache.get(name);
  if (!address) {
    address = callAddress(service, calledService(service, name, index));
    cache.set(name, address);
  }
  switch (placeholder.output) {
    case "host":
      return address.host;
    case "port":
      return address.port;
    case "address":
      return address.address;
    case "url":
      return address.url;
    default:
      throw new Error(
        `${service.name}: ${placeholder.text} asks for an output a called service does not offer`,
      );
  }
}

/** A value output's text, or the secret a secretKey output is read from. */
function dependencyOutput(
  service: ResolvedService,
  variable: string,
  placeholder: Placeholder,
): string | { secretName: string; key: string } {
  if (placeholder.source !== "dependencies") {
    throw new Error(`env.${variable} of ${service.name}: ${placeholder.text} is not a placeholder`);
  }
  const dependency = service.dependencies.find((d) => d.name === placeholder.name);
  const output = (dependency ? outputsOf(dependency.class) : {})[placeholder.output as string];
  if (!dependency || !output) {
    throw new Error(
      `env.${variable} of ${service.name}: ${placeholder.text} names no output of a declared dependency`,
    );
  }
  if ("value" in output) return output.value;
  return { secretName: dependencyObjectName(service, dependency.name), key: output.secretKey };
}
