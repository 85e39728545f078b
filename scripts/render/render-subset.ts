import type { RenderInput, RenderJob } from "./render-jobs.js";

/**
 * The part of `input` that rendering `jobs` (service files only) reads:
 * their environments, every team, and of each environment's services those
 * rendered, those they call and those that call them, in input order. That
 * is what a service's chart looks at of the others (service-index.ts:
 * called services by name, callers in order), so each job renders to the
 * same bytes from it. Handing a worker this instead of 3,000 resolved
 * services saves cloning them both ways for a render of a few files.
 * Undefined when a job is an environment's platform file (it reads every service).
 */
export function inputFor(input: RenderInput, jobs: readonly RenderJob[]): RenderInput | undefined {
  const rendered = new Map<string, Set<string>>();
  const needed = new Map<string, Set<string>>();
  for (const { service } of jobs) {
    if (!service) return undefined;
    const add = (map: Map<string, Set<string>>, name: string) => {
      const names = map.get(service.environment);
      if (names) names.add(name);
      else map.set(service.environment, new Set([name]));
    };
    add(rendered, service.name);
    add(needed, service.name);
    for (const called of service.calls) add(needed, called);
  }
  const services = input.services.filter((service) => {
    if (needed.get(service.environment)?.has(service.name)) return true;
    const names = rendered.get(service.environment);
    return names !== undefined && service.calls.some((called) => names.has(called));
  });
  return {
    environments: input.environments.filter((environment) => rendered.has(environment.name)),
    teams: input.teams,
    services,
  };
}
