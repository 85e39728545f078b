import type { LoadedDocument, SoundValues, ValuePath } from "./document.js";
import { suggest } from "./environments.js";
import type { Findings } from "./findings.js";
import type { Origin } from "./merge.js";
import type { ResolvedService } from "./resolved.js";
import { isSecretReference } from "./secret-reference.js";
import type { Service, ServiceSettings } from "./types.generated.js";

/** Names that exist, for reference checks. */
export interface KnownNames {
  teams: ReadonlySet<string>;
  environments: ReadonlySet<string>;
  services: ReadonlySet<string>;
}

/** Checks of a service that hold in every environment: names, references, choices made twice in one place. */
export function checkServiceFile(
  doc: LoadedDocument,
  service: Service,
  known: KnownNames,
  findings: Findings,
): void {
  const at = (path: ValuePath): Origin => ({ file: doc.file, path });
  checkServiceReferences(doc, known, findings);
  const spec = service.spec;
  const layers: [ValuePath, ServiceSettings][] = [
    [["spec"], spec],
    ...Object.entries(spec.environments ?? {}).map(([env, override]): [ValuePath, ServiceSettings] => [
      ["spec", "environments", env],
      override,
    ]),
  ];
  for (const [path, settings] of layers) {
    const where = path.join(".");
    if (settings.replicas !== undefined && settings.autoscale !== undefined) {
      findings.error(
        "resolve.replicas-and-autoscale",
        `${where} sets both replicas and autoscale`,
        at([...path, "autoscale"]),
        { hint: "keep one: replicas for a fixed count, autoscale for a range", at: "key" },
      );
    }
    if (settings.port !== undefined && settings.ports !== undefined) {
      findings.error("resolve.port-and-ports", `${where} sets both port and ports`, at([...path, "ports"]), {
        hint: "use port for one HTTP port, or list every port under ports",
        at: "key",
      });
    }
  }
}

/**
 * The references of a service file to other files: its folder, its team,
 * the environments it overrides and the services it calls. `sound` says
 * which values passed the schema: a file that failed it elsewhere still has
 * these checked (every mistake of the file in one run), and a value that
 * failed is left to its schema diagnostic (one mistake, one diagnostic).
 */
export function checkServiceReferences(
  doc: LoadedDocument,
  known: KnownNames,
  findings: Findings,
  sound: SoundValues = { value: () => true, key: () => true },
): void {
  const at = (path: ValuePath): Origin => ({ file: doc.file, path });
  const text = (value: unknown, path: ValuePath): string | undefined =>
    typeof value === "string" && sound.value(path) ? value : undefined;
  const root = record(doc.value);
  const metadata = record(root.metadata);
  const folder = doc.file.split("/")[1];
  const name = text(metadata.name, ["metadata", "name"]);
  if (name !== undefined && name !== folder) {
    findings.error(
      "resolve.name-mismatch",
      `metadata.name is "${name}" but the service folder is services/${folder}`,
      at(["metadata", "name"]),
      { hint: `set metadata.name: ${folder}, or move the file to services/${name}/service.yaml` },
    );
  }
  const team = text(metadata.team, ["metadata", "team"]);
  if (team !== undefined && !known.teams.has(team)) {
    findings.error("resolve.unknown-team", `team "${team}" does not exist`, at(["metadata", "team"]), {
      hint: suggest(team, [...known.teams], "teams/"),
    });
  }
  const spec = record(root.spec);
  for (const environment of Object.keys(record(spec.environments))) {
    if (sound.key(["spec", "environments", environment]) && !known.environments.has(environment)) {
      findings.error(
        "resolve.unknown-environment",
        `spec.environments.${environment} overrides an environment that does not exist`,
        at(["spec", "environments", environment]),
        { hint: suggest(environment, [...known.environments], "environments/"), at: "key" },
      );
    }
  }
  // The name the folder gives when metadata.name is itself wrong: "lists itself" needs one.
  const self = name ?? folder ?? "";
  const callLists: ValuePath[] = [
    ["spec", "calls"],
    ...Object.keys(record(spec.environments)).map((env): ValuePath => ["spec", "environments", env, "calls"]),
  ];
  for (const path of callLists) {
    const layer = path.length > 2 ? record(record(spec.environments)[path[2] as string]) : spec;
    const calls = Array.isArray(layer.calls) ? layer.calls : [];
    calls.forEach((call: unknown, index) => {
      const callee = text(call, [...path, index]);
      if (callee !== undefined) checkCall(callee, [...path, index], self, known, at, findings);
    });
  }
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function checkCall(
  name: string,
  path: ValuePath,
  self: string,
  known: KnownNames,
  at: (path: ValuePath) => Origin,
  findings: Findings,
): void {
  if (name === self) {
    findings.error("resolve.calls-self", `${name} lists itself in calls`, at(path), { hint: "remove it" });
  } else if (!known.services.has(name)) {
    findings.error("resolve.unknown-service", `calls names "${name}", which is not a service`, at(path), {
      hint: suggest(name, [...known.services], "services/"),
    });
  }
}

/** Fields that only make sense for some workload types, ranges, and names used twice. */
export function checkWorkloadShape(
  service: ResolvedService,
  merged: ServiceSettings,
  origin: (dotted: string) => Origin,
  findings: Findings,
): void {
  const env = { environment: service.environment };
  const typeOrigin: Origin = { file: service.file, path: ["spec", "type"] };
  if (service.type !== "web") {
    for (const field of ["route", "port", "ports", "expose"] as const) {
      if (merged[field] !== undefined) {
        findings.error(
          "resolve.web-only",
          `${field} is only for web services; ${service.name} is a ${service.type}`,
          origin(field),
          { ...env, hint: "remove it, or make the service type: web", at: "key" },
        );
      }
    }
  } else if (service.ports.length === 0) {
    findings.error("resolve.web-needs-port", `web service ${service.name} has no port in {env}`, typeOrigin, {
      ...env,
      hint: "add port: 8080 (the container port), or ports: [...]",
    });
  }
  if (service.type === "cron" && service.schedule === undefined) {
    findings.error(
      "resolve.cron-needs-schedule",
      `cron service ${service.name} has no schedule in {env}`,
      typeOrigin,
      {
        ...env,
        hint: 'add schedule: "0 3 * * *" (minute hour day-of-month month day-of-week)',
      },
    );
  }
  if (service.type !== "cron" && merged.schedule !== undefined) {
    findings.error(
      "resolve.cron-only",
      `schedule is only for cron services; ${service.name} is a ${service.type}`,
      origin("schedule"),
      { ...env, hint: "remove it, or make the service type: cron", at: "key" },
    );
  }
  if (service.type === "cron" && merged.autoscale !== undefined) {
    findings.error(
      "resolve.cron-autoscale",
      "autoscale does not apply to cron services",
      origin("autoscale"),
      {
        ...env,
        hint: "remove it",
        at: "key",
      },
    );
  }
  if (service.autoscale && service.autoscale.min > service.autoscale.max) {
    findings.error(
      "resolve.autoscale-range",
      `autoscale.min (${service.autoscale.min}) must not be greater than autoscale.max (${service.autoscale.max})`,
      origin("autoscale.min"),
      env,
    );
  }
  const names = new Set<string>();
  const numbers = new Set<number>();
  for (const port of service.ports) {
    if (names.has(port.name)) {
      findings.error("resolve.duplicate-port", `port name "${port.name}" is used twice`, origin("ports"), {
        ...env,
        hint: "give every port its own name",
      });
    }
    if (numbers.has(port.port)) {
      findings.error("resolve.duplicate-port", `port ${port.port} is listed twice`, origin("ports"), {
        ...env,
        hint: "give every port its own number",
      });
    }
    names.add(port.name);
    numbers.add(port.port);
  }
  for (const key of Object.keys(service.env)) {
    if (key in service.secrets) {
      findings.error(
        "resolve.env-and-secret",
        `${key} is set in both env and secrets`,
        origin(`secrets.${key}`),
        {
          ...env,
          hint: "keep it in one of them",
          at: "key",
        },
      );
    }
  }
}

/** A secret entry names a place in the secret store, never the secret: the value is never printed. */
export function checkSecrets(
  service: ResolvedService,
  origin: (dotted: string) => Origin,
  findings: Findings,
): void {
  for (const [name, reference] of Object.entries(service.secrets)) {
    if (isSecretReference(reference)) continue;
    const looksLikeValue = !reference.includes("#");
    findings.error(
      "resolve.secret-reference",
      looksLikeValue
        ? `secrets.${name} looks like a secret value, not a store reference (the value is not shown)`
        : `secrets.${name} is not a valid store reference path#key (the value is not shown)`,
      origin(`secrets.${name}`),
      {
        environment: service.environment,
        hint: looksLikeValue
          ? "write where the secret lives, such as payments/stripe#api_key; if this was the real secret, rotate it: it is in git history now"
          : "a reference is a lowercase store path, '#', and a key, such as payments/stripe#api_key",
      },
    );
  }
}
