#!/usr/bin/env node
// Rewrites upstream/crds/<name>/ and upstream/kubernetes/ from the tags pinned in
// upstream/crds/sources.json (`npm run crds:refresh`). Nothing else decides a version:
// to move to a new release, edit the tag there, run this, review the diff, commit.
//
//   node tools/crds-refresh.mjs              files from the Go module proxy (`go mod download`,
//                                            checked against sum.golang.org; offline when the
//                                            module cache already holds the versions)
//   node tools/crds-refresh.mjs --github     files from https://raw.githubusercontent.com/<repo>/<tag>/<path>
//
// A CRD file is copied byte for byte. A Kubernetes OpenAPI v3 file is cut down to the
// components.schemas that the kinds listed in sources.json reach through $ref (paths
// dropped), so the committed copy stays small; its key order and values are upstream's.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const sources = JSON.parse(readFileSync(join(root, "upstream/crds/sources.json"), "utf8"));
const fromGitHub = process.argv.includes("--github");

/** The text of `path` in `project` at its pinned tag. */
async function read(project, path) {
  if (fromGitHub) {
    const repo = new URL(project.repository).pathname.replace(/^\/|\.git$/g, "");
    const url = `https://raw.githubusercontent.com/${repo}/${project.tag}/${path}`;
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    return Buffer.from(await response.arrayBuffer());
  }
  const dir = moduleDir(project);
  return readFileSync(join(dir, path));
}

const dirs = new Map();
/** The module cache folder of the project's Go module at its tag (downloaded once). */
function moduleDir(project) {
  const key = `${project.goModule}@${project.tag}`;
  if (!dirs.has(key)) {
    const out = execFileSync("go", ["mod", "download", "-json", key], {
      encoding: "utf8",
      env: { ...process.env, GOFLAGS: "-mod=mod" },
      cwd: root,
    });
    const info = JSON.parse(out);
    if (info.Error || !info.Dir) throw new Error(`go mod download ${key}: ${info.Error ?? "no Dir"}`);
    dirs.set(key, info.Dir);
  }
  return dirs.get(key);
}

/** The names of the schemas reachable from `roots` through `$ref`. */
function reachable(schemas, roots) {
  const seen = new Set();
  const stack = [...roots];
  while (stack.length > 0) {
    const name = stack.pop();
    if (seen.has(name) || !(name in schemas)) continue;
    seen.add(name);
    const text = JSON.stringify(schemas[name]);
    for (const match of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) stack.push(match[1]);
  }
  return seen;
}

/** `kinds` ("group/version/Kind", core as "v1/Kind") → the schema names that declare them. */
function rootsOf(schemas, kinds) {
  const roots = [];
  for (const [name, schema] of Object.entries(schemas)) {
    for (const gvk of schema["x-kubernetes-group-version-kind"] ?? []) {
      const key = gvk.group ? `${gvk.group}/${gvk.version}/${gvk.kind}` : `${gvk.version}/${gvk.kind}`;
      if (kinds.includes(key)) roots.push(name);
    }
  }
  return roots;
}

for (const project of sources.projects) {
  const out = join(root, "upstream/crds", project.name);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const path of project.paths) writeFileSync(join(out, basename(path)), await read(project, path));
  console.log(`upstream/crds/${project.name}: ${project.paths.length} files at ${project.tag}`);
}

const k8s = sources.kubernetes;
const k8sOut = join(root, "upstream/kubernetes");
rmSync(k8sOut, { recursive: true, force: true });
mkdirSync(k8sOut, { recursive: true });
for (const path of k8s.paths) {
  const spec = JSON.parse((await read(k8s, path)).toString("utf8"));
  const schemas = spec.components.schemas;
  const keep = reachable(schemas, rootsOf(schemas, k8s.kinds));
  const trimmed = {};
  for (const name of Object.keys(schemas).sort()) if (keep.has(name)) trimmed[name] = schemas[name];
  const name = basename(path).replace(/_openapi\.json$/, ".json");
  writeFileSync(join(k8sOut, name), `${JSON.stringify({ components: { schemas: trimmed } })}\n`);
  console.log(`upstream/kubernetes/${name}: ${keep.size} schemas at ${k8s.tag}`);
}
