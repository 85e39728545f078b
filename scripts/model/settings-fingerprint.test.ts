import { describe, expect, it } from "vitest";
import { MINIMAL_FIXTURE } from "../../test/support/fixture-repo.js";
import { settingsFingerprint } from "./settings-fingerprint.js";
import { validateRepository } from "./validate-repository.js";

describe("settingsFingerprint", () => {
  const resolved = validateRepository(MINIMAL_FIXTURE).services;

  it("has resolved services to work on", () => {
    expect(resolved.length).toBeGreaterThan(0);
  });

  it.each(resolved.map((service) => [`${service.name} in ${service.environment}`, service] as const))(
    "leaves out where %s's settings came from, enumerable or not",
    (_, service) => {
      const fingerprint = settingsFingerprint(service);
      // A copy as sent to a render worker: the same settings, origins an enumerable property.
      const copy = { ...service, origins: new Map([["image", { file: "elsewhere.yaml", path: [] }]]) };
      expect(Object.getOwnPropertyDescriptor(service, "origins")?.enumerable).toBe(false);
      expect(settingsFingerprint(copy)).toBe(fingerprint);
      expect(fingerprint).not.toContain("origins");
      expect(JSON.parse(fingerprint)).toEqual(JSON.parse(JSON.stringify({ ...service, origins: undefined })));
    },
  );

  it("changes with a setting", () => {
    const [service] = resolved;
    if (!service) throw new Error("no service");
    expect(settingsFingerprint({ ...service, image: `${service.image}-changed` })).not.toBe(
      settingsFingerprint(service),
    );
  });
});
