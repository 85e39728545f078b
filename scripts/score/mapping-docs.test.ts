import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SPEC_EXPORTS } from "./export-mapping.js";
import {
  CONTAINER_FIELDS,
  HTTP_GET_FIELDS,
  RESOURCE_FIELDS,
  RESOURCE_TYPES,
  WORKLOAD_FIELDS,
} from "./import-mapping.js";

const docs = readFileSync(join(import.meta.dirname, "..", "..", "docs", "score.md"), "utf8");
const schema = JSON.parse(
  readFileSync(join(import.meta.dirname, "..", "..", "upstream", "score", "spec", "score-v1b1.json"), "utf8"),
);

describe("the mapping tables and docs/score.md", () => {
  it("have a rule for every field the pinned Score schema defines", () => {
    expect(Object.keys(WORKLOAD_FIELDS).sort()).toEqual(Object.keys(schema.properties).sort());
    expect(Object.keys(CONTAINER_FIELDS).sort()).toEqual(
      Object.keys(schema.$defs.container.properties).sort(),
    );
    expect(Object.keys(HTTP_GET_FIELDS).sort()).toEqual(
      Object.keys(schema.$defs.httpProbe.properties).sort(),
    );
    expect(Object.keys(RESOURCE_FIELDS).sort()).toEqual(Object.keys(schema.$defs.resource.properties).sort());
  });

  it.each(Object.keys(CONTAINER_FIELDS))("docs/score.md lists containers.*.%s", (field) => {
    expect(docs.includes(`containers.*.${field}`) || docs.includes(`, \`${field}\``)).toBe(true);
  });

  it.each(Object.keys(RESOURCE_TYPES))("docs/score.md lists the resource type %s", (type) => {
    expect(docs).toContain(`of type \`${type}\``);
  });

  it.each(Object.keys(SPEC_EXPORTS))("docs/score.md says where spec.%s exports to", (key) => {
    expect(docs).toMatch(new RegExp(`\`spec\\.${key}\`|\`${key}\``));
  });
});
