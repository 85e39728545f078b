import { describe, expect, it } from "vitest";
import type { ResolvedSide } from "../render/render-keys.js";
import { describeDestruction, findDestruction } from "./destruction.js";
import type { EnvironmentPlan, ObjectChange } from "./plan.js";

const EMPTY: ResolvedSide = { environments: [], teams: [], services: [] };

function plan(objects: ObjectChange[]): EnvironmentPlan[] {
  return [{ name: "dev", services: [{ name: "ledger", status: "changed", objects, diff: "" }] }];
}

const object = (kind: string, status: ObjectChange["status"], name = "data"): ObjectChange => ({
  kind,
  name,
  namespace: "payments-dev",
  status,
  summary: [],
});

describe("findDestruction", () => {
  it.each([
    ["a removed PersistentVolumeClaim", [object("PersistentVolumeClaim", "removed")], 1],
    ["a removed Namespace", [object("Namespace", "removed")], 1],
    ["a changed PersistentVolumeClaim", [object("PersistentVolumeClaim", "changed")], 0],
    ["an added Namespace", [object("Namespace", "added")], 0],
    ["a removed Deployment", [object("Deployment", "removed")], 0],
  ])("%s: %i destroyed objects", (_, objects, count) => {
    const found = findDestruction(plan(objects), EMPTY, new Map([["dev", 1000]]), 25);
    expect(found?.objects.length ?? 0).toBe(count);
  });

  it("says why a PersistentVolumeClaim matters, with its namespace", () => {
    const found = findDestruction(
      plan([object("PersistentVolumeClaim", "removed")]),
      EMPTY,
      new Map([["dev", 100]]),
      25,
    );
    expect(found?.objects).toEqual([
      {
        environment: "dev",
        manifest: "ledger",
        kind: "PersistentVolumeClaim",
        name: "data",
        namespace: "payments-dev",
        reason: "deleting a PersistentVolumeClaim deletes its volume and the data on it",
      },
    ]);
    expect(describeDestruction(found ?? { objects: [], massRemovals: [], limitPercent: 25 })).toBe(
      "1 PersistentVolumeClaim deleted in dev",
    );
  });

  it.each([
    [25, 100, 25, false],
    [26, 100, 25, true],
    [3, 10, 25, true],
    [3, 0, 25, true], // an unknown total counts what is deleted: all of it
  ])("%i of %i objects deleted, limit %i %%: mass removal %s", (removed, total, limit, expected) => {
    const objects = Array.from({ length: removed }, (_, i) => object("ConfigMap", "removed", `c${i}`));
    const found = findDestruction(plan(objects), EMPTY, new Map([["dev", total]]), limit);
    expect((found?.massRemovals.length ?? 0) > 0).toBe(expected);
  });
});
