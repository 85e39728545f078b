import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateRepository } from "../model/validate-repository.js";
import { renderJobs } from "./render-jobs.js";
import { renderJob } from "./render-repository.js";
import { inputFor } from "./render-subset.js";

const ROOT = join(import.meta.dirname, "..", "..");

describe("inputFor", () => {
  const input = validateRepository(ROOT);
  const jobs = renderJobs(input);
  const services = jobs.filter((job) => job.service);

  it("renders every service file to the bytes the whole repository gives", () => {
    expect(input.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    // Callers and callees among them, so neighbours are what is being checked.
    expect(services.some((job) => (job.service?.calls.length ?? 0) > 0)).toBe(true);
    for (const job of services) {
      const subset = inputFor(input, [job]);
      expect(subset, job.path).toBeDefined();
      const alone = renderJobs(subset ?? input).find((other) => other.path === job.path);
      expect(alone, job.path).toBeDefined();
      if (alone) expect(renderJob(alone).text, job.path).toBe(renderJob(job).text);
    }
  });

  it("keeps only the rendered services' environments and neighbours, in input order", () => {
    const caller = services.find((job) => (job.service?.calls.length ?? 0) > 0)?.service;
    if (!caller) throw new Error("the examples have no service that calls another");
    const job = services.find((j) => j.service === caller);
    const subset = inputFor(input, job ? [job] : []);
    const names = subset?.services.map((s) => `${s.environment}/${s.name}`) ?? [];
    expect(names).toContain(`${caller.environment}/${caller.name}`);
    for (const called of caller.calls) expect(names).toContain(`${caller.environment}/${called}`);
    expect(new Set(subset?.services.map((s) => s.environment))).toEqual(new Set([caller.environment]));
    expect(subset?.environments.map((e) => e.name)).toEqual([caller.environment]);
    const order = input.services.filter((s) => names.includes(`${s.environment}/${s.name}`));
    expect(subset?.services).toEqual(order);
    expect(subset?.services.length).toBeLessThan(input.services.length);
  });

  it("gives nothing for an environment's platform file, which reads every service", () => {
    const platform = jobs.find((job) => !job.service);
    expect(platform).toBeDefined();
    if (platform) expect(inputFor(input, [platform])).toBeUndefined();
  });
});
