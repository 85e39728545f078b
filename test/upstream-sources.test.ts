import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
interface Project {
  name: string;
  tag: string;
  paths: string[];
  versionsEnv?: string;
}
const sources = JSON.parse(readFileSync(join(root, "upstream/crds/sources.json"), "utf8")) as {
  projects: Project[];
  kubernetes: Project;
};
const versions = new Map(
  readFileSync(join(root, "tools/versions.env"), "utf8")
    .split("\n")
    .filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => line.split("=", 2) as [string, string]),
);

describe("upstream/crds/sources.json", () => {
  it.each([...sources.projects, sources.kubernetes].filter((p) => p.versionsEnv))(
    "pins $versionsEnv as tools/versions.env does",
    (project) => {
      expect(project.tag).toBe(versions.get(project.versionsEnv as string));
    },
  );

  it.each(sources.projects)("has every file of $name committed", (project) => {
    for (const path of project.paths) {
      expect(existsSync(join(root, "upstream/crds", project.name, basename(path))), path).toBe(true);
    }
  });
});
