import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import semver from "semver";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");

interface Manifest {
  name: string;
  version: string;
  engines?: { node?: string };
}

function manifest(folder: string): Manifest {
  return JSON.parse(readFileSync(join(folder, "package.json"), "utf8")) as Manifest;
}

/** Every installed package (nested node_modules too), as npm ci laid them out. */
function installedPackages(folder = join(ROOT, "node_modules")): Manifest[] {
  const found: Manifest[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
    const path = join(folder, entry.name);
    if (entry.name.startsWith("@")) {
      found.push(...installedPackages(path));
      continue;
    }
    if (!existsSync(join(path, "package.json"))) continue;
    found.push(manifest(path));
    if (existsSync(join(path, "node_modules"))) found.push(...installedPackages(join(path, "node_modules")));
  }
  return found;
}

describe("the Node.js version the README and package.json state", () => {
  const engines = manifest(ROOT).engines?.node ?? "";

  it("is one every installed dependency declares it runs on", () => {
    expect(semver.validRange(engines), "package.json engines.node").not.toBeNull();
    const refusing = installedPackages()
      .filter((p) => p.engines?.node !== undefined && !semver.subset(engines, p.engines.node))
      .map((p) => `${p.name}@${p.version} needs node ${p.engines?.node}`);
    expect(refusing).toEqual([]);
  });

  it("is the one the README's quickstart names", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const stated = /^Node\.js (\d+\.\d+) or newer \(`([^`]+)`/m.exec(readme);
    expect(stated, "README: Node.js X.Y or newer (`range`").not.toBeNull();
    expect(stated?.[2]).toBe(engines);
    expect(`${semver.minVersion(engines)?.major}.${semver.minVersion(engines)?.minor}`).toBe(stated?.[1]);
  });
});
