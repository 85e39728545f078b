import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv, type ValidateFunction } from "ajv";

/** A request as the fake server received it. */
export interface IncomingCall {
  method: string;
  /** The path without the query string, still percent-encoded. */
  path: string;
  query: URLSearchParams;
  contentType: string | undefined;
  /** The raw body ("" when none). */
  body: string;
}

/** The operation of GitHub's API a request was matched to, with its decoded path parameters. */
export interface MatchedOperation {
  operationId: string;
  /** The spec's path template: "/repos/{owner}/{repo}/check-runs". */
  template: string;
  params: Record<string, string>;
  /** The parsed JSON body, when there was one. */
  body: unknown;
  /** Status codes the spec documents for the operation ("201", "default"...). */
  responses: string[];
}

/** The outcome of checking one request: the operation, or what is wrong with the request. */
export type CheckOutcome = { ok: true; operation: MatchedOperation } | { ok: false; problems: string[] };

interface Parameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  schema?: object;
}

interface Operation {
  operationId: string;
  parameters?: Array<Parameter | { $ref: string }>;
  requestBody?: { required?: boolean; content: Record<string, { schema?: object }> } | { $ref: string };
  responses: Record<string, unknown>;
}

interface Spec {
  openapi: string;
  paths: Record<string, Record<string, Operation | unknown>>;
  components: { parameters: Record<string, Parameter>; requestBodies?: Record<string, unknown> };
}

const METHODS = ["get", "post", "put", "patch", "delete", "head"];

/**
 * Checks requests against GitHub's official OpenAPI description of
 * api.github.com (`@octokit/openapi`, OpenAPI 3.0): the method and path exist;
 * path parameters and query parameters are declared, present when required
 * and valid against their schemas; a JSON body is present when required, is
 * JSON, validates against the operation's requestBody schema (ajv, `$ref`s
 * resolved inside the spec document) and carries no top-level field the
 * schema does not declare (GitHub ignores those silently, so a typo would do
 * nothing). Loading the 13 MB document takes about a second: make one
 * checker per test file.
 */
export class OpenApiChecker {
  readonly #spec: Spec;
  readonly #ajv: Ajv;
  readonly #routes: Array<{ template: string; pattern: RegExp; names: string[] }>;
  readonly #validators = new Map<string, ValidateFunction>();

  constructor(specFile: string = defaultSpecFile()) {
    this.#spec = JSON.parse(readFileSync(specFile, "utf8")) as Spec;
    this.#ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false });
    this.#ajv.addFormat("date-time", {
      type: "string",
      validate: (v) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v),
    });
    this.#ajv.addFormat("uri", { type: "string", validate: (v) => URL.canParse(v) });
    this.#ajv.addSchema(this.#spec as object, "github");
    this.#routes = Object.keys(this.#spec.paths)
      .map((template) => {
        const names: string[] = [];
        const source = template
          .split(/(\{[^}]+\})/)
          .map((part) => {
            const name = /^\{([^}]+)\}$/.exec(part)?.[1];
            if (!name) return part.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
            names.push(name);
            return "([^/]+)";
          })
          .join("");
        return { template, pattern: new RegExp(`^${source}$`), names };
      })
      // The most specific template wins: more literal characters first.
      .sort((a, b) => literalLength(b.template) - literalLength(a.template));
  }

  /** The OpenAPI version of the loaded description ("3.0.3"). */
  get version(): string {
    return this.#spec.openapi;
  }

  /** Checks one request; see the class comment for what is enforced. */
  check(call: IncomingCall): CheckOutcome {
    const method = call.method.toLowerCase();
    const candidates = this.#routes
      .map((route) => ({ route, match: route.pattern.exec(call.path) }))
      .filter((c) => c.match !== null);
    if (candidates.length === 0) return fail(`${call.method} ${call.path}: no such path in GitHub's API`);
    const found = candidates.find((c) => this.#operation(c.route.template, method));
    if (!found?.match) return fail(`${call.method} ${call.path}: the path has no ${call.method} operation`);
    const { route, match } = found;
    const operation = this.#operation(route.template, method) as Operation;
    const label = `${call.method} ${route.template} (${operation.operationId})`;
    const problems: string[] = [];
    const params: Record<string, string> = {};
    route.names.forEach((name, i) => {
      params[name] = decodeURIComponent(match[i + 1] ?? "");
    });
    const declared = (operation.parameters ?? []).map((p) => this.#resolveParameter(p));
    for (const parameter of declared.filter((p) => p.in === "path")) {
      const value = params[parameter.name];
      if (value === undefined || value === "") problems.push(`path parameter ${parameter.name} is missing`);
      else problems.push(...this.#checkValue(`path parameter ${parameter.name}`, parameter, value));
    }
    const queryParameters = declared.filter((p) => p.in === "query");
    for (const name of new Set(call.query.keys())) {
      const parameter = queryParameters.find((p) => p.name === name);
      if (!parameter) problems.push(`query parameter ${name} is not declared`);
      else
        problems.push(...this.#checkValue(`query parameter ${name}`, parameter, call.query.get(name) ?? ""));
    }
    for (const parameter of queryParameters)
      if (parameter.required && !call.query.has(parameter.name))
        problems.push(`required query parameter ${parameter.name} is missing`);
    const body = this.#checkBody(operation, call, problems);
    if (problems.length > 0) return { ok: false, problems: problems.map((p) => `${label}: ${p}`) };
    return {
      ok: true,
      operation: {
        operationId: operation.operationId,
        template: route.template,
        params,
        body,
        responses: Object.keys(operation.responses),
      },
    };
  }

  #operation(template: string, method: string): Operation | undefined {
    if (!METHODS.includes(method)) return undefined;
    return this.#spec.paths[template]?.[method] as Operation | undefined;
  }

  #resolveParameter(parameter: Parameter | { $ref: string }): Parameter {
    if (!("$ref" in parameter)) return parameter;
    const name = parameter.$ref.replace("#/components/parameters/", "");
    const resolved = this.#spec.components.parameters[name];
    if (!resolved) throw new Error(`the spec refers to a parameter it does not define: ${parameter.$ref}`);
    return resolved;
  }

  #checkValue(what: string, parameter: Parameter, raw: string): string[] {
    if (!parameter.schema) return [];
    const schema = parameter.schema as { type?: string };
    const value = coerce(raw, schema.type);
    const validate = this.#ajv.compile(parameter.schema);
    return validate(value)
      ? []
      : [`${what}=${JSON.stringify(raw)}: ${this.#ajv.errorsText(validate.errors)}`];
  }

  #checkBody(operation: Operation, call: IncomingCall, problems: string[]): unknown {
    const requestBody = operation.requestBody;
    if (requestBody && "$ref" in requestBody)
      throw new Error(`unexpected requestBody $ref in ${operation.operationId}`);
    const hasBody = call.body.trim() !== "";
    if (!requestBody) {
      if (hasBody) problems.push("the operation takes no request body, one was sent");
      return undefined;
    }
    if (!hasBody) {
      if (requestBody.required) problems.push("the request body is required");
      return undefined;
    }
    const media = Object.keys(requestBody.content).find((type) => type.includes("json"));
    if (!media) {
      problems.push(`the operation takes ${Object.keys(requestBody.content).join(", ")}, not JSON`);
      return undefined;
    }
    if (!call.contentType?.includes("application/json"))
      problems.push(`content-type must be application/json, got ${call.contentType ?? "none"}`);
    let body: unknown;
    try {
      body = JSON.parse(call.body);
    } catch {
      problems.push("the request body is not JSON");
      return undefined;
    }
    const validate = this.#bodyValidator(operation, media);
    if (!validate(body))
      problems.push(
        ...(validate.errors ?? []).map((e) => `body${e.instancePath || ""} ${e.message ?? "is invalid"}`),
      );
    const properties = this.#topLevelProperties(requestBody.content[media]?.schema);
    if (properties && typeof body === "object" && body !== null && !Array.isArray(body))
      for (const key of Object.keys(body))
        if (!properties.has(key))
          problems.push(`body field "${key}" is not in the schema (GitHub would ignore it)`);
    return body;
  }

  #bodyValidator(operation: Operation, media: string): ValidateFunction {
    const key = `${operation.operationId} ${media}`;
    let validate = this.#validators.get(key);
    if (!validate) {
      const [template, method] = this.#locate(operation);
      const pointer = ["paths", template, method, "requestBody", "content", media, "schema"]
        .map((part) => part.replace(/~/g, "~0").replace(/\//g, "~1"))
        .join("/");
      validate = this.#ajv.compile({ $ref: `github#/${pointer}` });
      this.#validators.set(key, validate);
    }
    return validate;
  }

  #locate(operation: Operation): [string, string] {
    for (const [template, item] of Object.entries(this.#spec.paths))
      for (const method of METHODS) if (item[method] === operation) return [template, method];
    throw new Error(`operation ${operation.operationId} not found in the spec`);
  }

  /** The declared top-level properties of an object schema without additionalProperties, else undefined. */
  #topLevelProperties(schema: object | undefined): Set<string> | undefined {
    let resolved = schema as
      | { $ref?: string; properties?: object; additionalProperties?: unknown }
      | undefined;
    if (resolved?.$ref) {
      const name = resolved.$ref.replace("#/components/schemas/", "");
      resolved = (this.#spec.components as unknown as { schemas: Record<string, typeof resolved> }).schemas[
        name
      ];
    }
    if (!resolved?.properties || resolved.additionalProperties !== undefined) return undefined;
    return new Set(Object.keys(resolved.properties));
  }
}

function defaultSpecFile(): string {
  const require = createRequire(import.meta.url);
  return require.resolve("@octokit/openapi/generated/api.github.com.json");
}

function literalLength(template: string): number {
  return template.replace(/\{[^}]+\}/g, "").length;
}

function coerce(raw: string, type: string | undefined): unknown {
  if ((type === "integer" || type === "number") && /^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  if (type === "boolean" && (raw === "true" || raw === "false")) return raw === "true";
  return raw;
}

function fail(problem: string): CheckOutcome {
  return { ok: false, problems: [problem] };
}
