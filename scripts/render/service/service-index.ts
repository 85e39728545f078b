import type { ResolvedService } from "../../model/resolved.js";
import type { RenderContext } from "../context.js";

/**
 * What rendering one service needs to know about the others of its
 * environment: each service by name, and who calls whom. Built once per
 * RenderContext and cached, so rendering n services stays O(n) instead of
 * scanning every service for every service.
 */
export interface ServiceIndex {
  /** Every service of the environment, by name. */
  byName: ReadonlyMap<string, ResolvedService>;
  /** For each service name, the services that list it in `calls`, in context order. */
  callers: ReadonlyMap<string, readonly ResolvedService[]>;
}

const indexes = new WeakMap<RenderContext, ServiceIndex>();

/** The index of `context.services`, computed on first use. */
export function indexServices(context: RenderContext): ServiceIndex {
  let index = indexes.get(context);
  if (index) return index;
  const byName = new Map<string, ResolvedService>();
  const callers = new Map<string, ResolvedService[]>();
  for (const service of context.services) {
    byName.set(service.name, service);
    for (const called of service.calls) {
      const list = callers.get(called);
      if (list) list.push(service);
      else callers.set(called, [service]);
    }
  }
  index = { byName, callers };
  indexes.set(context, index);
  return index;
}

/** The called service `name`, or a plain error when the environment does not run it. */
export function calledService(service: ResolvedService, name: string, index: ServiceIndex): ResolvedService {
  const called = index.byName.get(name);
  if (!called) {
    throw new Error(
      `${service.name} calls ${name}, which is not rendered in environment ${service.environment}`,
    );
  }
  if (called.ports.length === 0) {
    throw new Error(`${service.name} calls ${name}, which has no ports (only web services can be called)`);
  }
  return called;
}
