import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
interface Project {
  name: string;
  tag: string;
  paths: string[];
  versionsEnv?: string;
  sha256?: Record<string, string>;
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

  it.each(sources.projects.filter((p) => p.sha256))(
    "records the sha256 of every file of $name, and the committed files have it",
    (project) => {
      expect(Object.keys(project.sha256 ?? {}).sort()).toEqual([...project.paths].sort());
      for (const path of project.paths) {
        const bytes = readFileSync(join(root, "upstream/crds", project.name, basename(path)));
        expect(createHash("sha256").update(bytes).digest("hex"), path).toBe(project.sha256?.[path]);
      }
    },
  );

  it.each(sources.projects)("has every file of $name committed", (project) => {
    for (const path of project.paths) {
      expect(existsSync(join(root, "upstream/crds", project.name, basename(path))), path).toBe(true);
    }
  });
});

interface ScoreProject {
  name: string;
  repository: string;
  tag?: string;
  commit: string;
  licence: string;
  files: { path: string; sha256: string }[];
}
const scoreSources = JSON.parse(readFileSync(join(root, "upstream/score/sources.json"), "utf8")) as {
  projects: ScoreProject[];
};

describe("upstream/score/sources.json", () => {
  it.each(scoreSources.projects)(
    "records every file of $name with its hash, and nothing else is there",
    (project) => {
      expect(project.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(project.licence).toBe("Apache-2.0");
      const folder = join(root, "upstream/score", project.name);
      const onDisk = readdirSync(folder, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => relative(folder, join(entry.parentPath, entry.name)))
        .sort();
      expect(onDisk).toEqual(project.files.map((f) => f.path).sort());
      for (const file of project.files) {
        const hash = createHash("sha256")
          .update(readFileSync(join(folder, file.path)))
          .digest("hex");
        expect(hash, file.path).toBe(file.sha256);
      }
      expect(project.files.map((f) => f.path)).toContain("LICENSE");
    },
  );

  it("pins the specification at a release tag", () => {
    expect(scoreSources.projects.find((p) => p.name === "spec")?.tag).toBe("0.4.1");
  });
});
