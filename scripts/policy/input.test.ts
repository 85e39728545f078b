import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateRepository } from "../model/validate-repository.js";
import { buildPolicyInput } from "./input.js";

const repository = validateRepository(join(import.meta.dirname, "../.."));

describe("buildPolicyInput: servicesByTeam", () => {
  it.each(repository.environments.map((e) => [e.name, e] as const))(
    "in %s lists every service once, under its own team, in input order",
    (_, environment) => {
      const services = repository.services.filter((s) => s.environment === environment.name);
      const input = buildPolicyInput(environment, repository.environments, repository.teams, services, {});
      const teams = new Set(input.services.map((s) => s.team as string));
      expect(Object.keys(input.servicesByTeam).sort()).toEqual([...teams].sort());
      expect(teams.size).toBeGreaterThan(1);
      for (const [team, positions] of Object.entries(input.servicesByTeam)) {
        expect(positions).toEqual([...positions].sort((a, b) => a - b));
        for (const position of positions) expect(input.services[position]?.team).toBe(team);
      }
      const listed = Object.values(input.servicesByTeam).flat();
      expect(listed.sort((a, b) => a - b)).toEqual(input.services.map((_, position) => position));
    },
  );
});
