import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ResolvedService } from "../model/resolved.js";
import { validateRepository } from "../model/validate-repository.js";
import type { ResolvedSide } from "../render/render-keys.js";
import { renderChanges } from "./render-changes.js";

// renderChanges gives the service objects both sides share a stand-in digest
// instead of hashing their settings. These compare it with the same change
// where no object is shared (every service copied), where every key is the
// real digest: what renders must not depend on which objects are shared.
const repository = validateRepository(join(import.meta.dirname, "../.."));

/** The head with `service` replaced by `edited(service)`; every other service the base's very object. */
function editOne(service: ResolvedService, edited: (s: ResolvedService) => ResolvedService): ResolvedSide {
  return { ...repository, services: repository.services.map((s) => (s === service ? edited(s) : s)) };
}

/** The same side with every service a copy of its own: nothing is shared with the base. */
function copied(side: ResolvedSide): ResolvedSide {
  return { ...side, services: side.services.map((s) => structuredClone({ ...s })) };
}

function changedNames(plans: ReturnType<typeof renderChanges>): string[] {
  return plans.flatMap((e) => e.services.map((s) => `${e.name}/${s.name}`)).sort();
}

describe("renderChanges with services shared by base and head", () => {
  const callee = repository.services.find(
    (s) =>
      s.ports.length > 0 &&
      repository.services.some((c) => c.environment === s.environment && c.calls.includes(s.name)),
  );
  if (!callee) throw new Error("the repository has no service that another calls");
  const callers = repository.services
    .filter((c) => c.environment === callee.environment && c.calls.includes(callee.name))
    .map((c) => `${c.environment}/${c.name}`);

  it("renders a neighbour's callers when its port changes, as keying every service does", () => {
    const head = editOne(callee, (s) => ({
      ...s,
      ports: s.ports.map((p, i) => (i === 0 ? { ...p, port: p.port + 1 } : p)),
    }));
    const shared = renderChanges(repository, head);
    expect(shared).toEqual(renderChanges(repository, copied(head)));
    expect(changedNames(shared)).toEqual(
      expect.arrayContaining([`${callee.environment}/${callee.name}`, ...callers]),
    );
  });

  it("renders only the edited service when nothing a neighbour reads changes", () => {
    const head = editOne(callee, (s) => ({ ...s, image: `${s.image}-edited` }));
    const shared = renderChanges(repository, head);
    expect(shared).toEqual(renderChanges(repository, copied(head)));
    expect(changedNames(shared)).toEqual([`${callee.environment}/${callee.name}`]);
  });

  it("renders nothing when the sides share every service", () => {
    expect(renderChanges(repository, { ...repository })).toEqual([]);
  });
});
