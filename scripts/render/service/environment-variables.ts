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

/** `env` with every `${...}` placeholder resolved. */
export interface ResolvedVariables {
  /** Plain values (the ConfigMap's data), in declaration order. */
  plain: Record<string, string>;
  /** Variables that are a secret dependency output: never plain values. */
  secretKeys: SecretKeyVariable[];
}

/** The name of a dependency's claim and of its connection secret. */
export function dependencyObjectName(service: ResolvedService, dependency: string): string {
  return `${service.name}-${dependency}`;
}

/**
 * Resolves the placeholders of `service.env`: `${calls.NAME.host|port|address|url}`
 * from the called service's Service, `${dependencies.NAME.OUTPUT}` from the
 * dependency class (a `value` output is substituted; a `secretKey` output,
 * which resolve only allows as the whole value, becomes a secretKeyRef on the
 * claim's connection secret). `$${` is the escape for a literal `${`.
 * Resolve has already reported bad placeholders as diagnostics, so anything
 * unresolvable here is a tool error.
 */
export function resolveVariables(service: ResolvedService, index: ServiceIndex): ResolvedVariables {
  const plain: Record<string, string> = {};
  const secretKeys: SecretKeyVariable[] = [];
  let calls: Map<string, CallAddress> | undefined;
  for (const name in service.env) {
    const value = service.env[name] as string;
    if (!value.includes("${")) {
      plain[name] = value;
      continue;
    }
    const placeholders = findPlaceholders(value);
    let text = "";
    let from = 0;
    let secret: SecretKeyVariable | undefined;
    for (const placeholder of placeholders) {
      text += unescapeDollar(value.slice(from, placeholder.offset));
      from = placeholder.offset + placeholder.text.length;
      if (placeholder.source === "calls") {
        calls ??= new Map();
        text += callOutput(service, placeholder, index, calls);
        continue;
      }
      const output = dependencyOutput(service, name, placeholder);
      if (typeof output === "string") {
        text += output;
      } else if (placeholders.length === 1 && value === placeholder.text) {
        secret = { name, ...output };
      } else {
        throw new Error(
          `env.${name} of ${service.name}: ${placeholder.text} is a secret output and must be the whole value`,
        );
      }
    }
    if (secret) secretKeys.push(secret);
    else plain[name] = text + unescapeDollar(value.slice(from));
  }
  return { plain, secretKeys };
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
  const output = dependency?.class.outputs[placeholder.output as string];
  if (!dependency || !output) {
    throw new Error(
      `env.${variable} of ${service.name}: ${placeholder.text} names no output of a declared dependency`,
    );
  }
  if ("value" in output) return output.value;
  return { secretName: dependencyObjectName(service, dependency.name), key: output.secretKey };
}
