import type { LoadedDocument, ValuePath } from "./document.js";
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
  const folder = doc.file.split("/")[1];
  if (service.metadata.name !== folder) {
    findings.error(
      "resolve.name-mismatch",
      `metadata.name is "${service.metadata.name}" but the service folder is services/${folder}`,
      at(["metadata", "name"]),
      {
        hint: `set metadata.name: ${folder}, or move the file to services/${service.metadata.name}/service.yaml`,
      },
    );
  }
  if (!known.teams.has(service.metadata.team)) {
    findings.error(
      "resolve.unknown-team",
      `team "${service.metadata.team}" does not exist`,
      at(["metadata", "team"]),
      {
        hint: suggest(service.metadata.team, [...known.teams], "teams/"),
      },
    );
  }
  const spec = service.spec;
  for (const name of Object.keys(spec.environments ?? {})) {
    if (!known.environments.has(name)) {
      findings.error(
        "resolve.unknown-environment",
        `spec.environments.${name} overrides an environment that does not exist`,
        at(["spec", "environments", name]),
        { hint: suggest(name, [...known.environments], "environments/"), at: "key" },
      );
    }
  }
  checkCalls(spec.calls, ["spec", "calls"], service.metadata.name, known, at, findings);
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
    if (path.length > 1)
      checkCalls(settings.calls, [...path, "calls"], service.metadata.name, known, at, findings);
  }
}

function checkCalls(
  calls: readonly string[] | undefined,
  path: ValuePath,
  self: string,
  known: KnownNames,
  at: (path: ValuePath) => Origin,
  findings: Findings,
): void {
  (calls ?? []).forEach((name, index) => {
    if (name === self) {
      findings.error("resolve.calls-self", `${name} lists itself in calls`, at([...path, index]), {
        hint: "remove it",
      });
    } else if (!known.services.has(name)) {
      findings.error(
        "resolve.unknown-service",
        `calls names "${name}", which is not a service`,
        at([...path, index]),
        {
          hint: suggest(name, [...known.services], "services/"),
        },
      );
    }
  });
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
    for (const field of ["route", "port", "ports"] as const) {
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
