import type { EnvironmentModel } from "../model/resolved.js";

/** What kind of workload a service is. */
export type ServiceType = "web" | "worker" | "cron";

/** Every service type, in the order a person is asked to choose. */
export const SERVICE_TYPES: readonly ServiceType[] = ["web", "worker", "cron"];

/** What the scaffold of a new service needs. */
export interface ServiceTemplateInput {
  name: string;
  team: string;
  type: ServiceType;
  /** In promotion order (the first environment first): the defaults come from the last, production. */
  environments: readonly EnvironmentModel[];
}

/** Used when no environment lists a registry: obviously a placeholder, and valid for the schema. */
const FALLBACK_REGISTRY = "registry.example.com/acme";

/**
 * The text of a new `services/<name>/service.yaml`: the `$schema` modeline,
 * defaults taken from the environments (an image under the production
 * environment's first registry, its default resources) and short comments
 * that teach each field. Deterministic: the same input gives the same bytes.
 */
export function renderServiceTemplate(input: ServiceTemplateInput): string {
  const production = input.environments.at(-1);
  const first = input.environments[0];
  const registry =
    production?.spec.registries?.[0] ??
    input.environments.flatMap((e) => e.spec.registries ?? [])[0] ??
    FALLBACK_REGISTRY;
  const resources = production?.spec.defaults?.resources ?? { cpu: "100m", memory: "128Mi" };
  const { name, team, type } = input;
  const order = input.environments.map((e) => e.name).join(" -> ");
  const lines = [
    "# yaml-language-server: $schema=../../schemas/service.schema.json",
    `# Scaffolded by idp new service. Every field is described in schemas/service.schema.json;`,
    "# check a change with: npx idp validate",
    "apiVersion: idp/v1",
    "kind: Service",
    "metadata:",
    `  name: ${name} # equals the folder name: lowercase letters, digits and '-', at most 40 characters`,
    `  team: ${team} # teams/${team}.yaml; the team reviews every change to this folder`,
    `  description: What ${name} does, in one sentence # shown in the catalog`,
    "  tier: standard # critical (stricter production rules) | standard | experimental (kept out of production)",
    "spec:",
    `  type: ${type} # ${typeComment(type)}`,
    `  image: ${registry}/${name}:0.1.0 # repository:tag or @sha256:digest, from an environment's registries`,
    ...typeLines(type),
    `  resources: { cpu: ${resources.cpu}, memory: ${resources.memory} } # requests; the memory limit defaults to the request`,
    "  # environments: per-environment overrides of anything in spec, such as",
    `  #   ${first?.name ?? "dev"}: { replicas: 1 }   or   { enabled: false } to stay out of one`,
    `  # promotion order: ${order || "(no environments)"}; idp promote ${name} --to ENV moves the image forward`,
    "",
  ];
  return lines.join("\n");
}

function typeComment(type: ServiceType): string {
  switch (type) {
    case "web":
      return "web (Deployment + Service) | worker (Deployment) | cron (CronJob)";
    case "worker":
      return "worker (a Deployment without a Service) | web | cron";
    case "cron":
      return "cron (a CronJob: no port, replicas or probes) | web | worker";
  }
}

function typeLines(type: ServiceType): string[] {
  switch (type) {
    case "web":
      return [
        "  port: 8080 # the container port; the Kubernetes Service listens on 80",
        "  probes: # a string is an HTTP GET path on the port",
        "    readiness: /ready # traffic only once this answers 2xx",
        "    liveness: /healthz # restarted when this stops answering",
      ];
    case "worker":
      return ["  replicas: 1 # or autoscale: { min: 1, max: 5, cpu: 70 }, not both"];
    case "cron":
      return ['  schedule: "0 3 * * *" # minute hour day-of-month month day-of-week, UTC'];
  }
}
