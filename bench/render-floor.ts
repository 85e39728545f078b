import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { load } from "js-yaml";
import { isMainModule } from "./paths.js";

/**
 * The floor of `idp render`: the least any renderer of the same repository has
 * to do, as a whole process. It reads and parses the same input files (every
 * YAML file under environments/, teams/ and services/, with js-yaml's `load`,
 * the parser of idp's own fast path and the fastest we have) and writes the
 * same output bytes (the files `idp render` produced, packed beforehand into
 * one bundle file by {@link packTree}) into a
 * fresh folder with the same layout, with mkdir + writeFile: no schema, no
 * resolve, no policy, no cdk8s, no serializing, no atomic swap.
 *
 *   node dist/bench/render-floor.js <root> <bundle> <out-dir>
 *
 * Prints one JSON line: what it read and wrote and how long each part took
 * inside the process (ms).
 */
export interface FloorReport {
  inputs: { files: number; bytes: number };
  outputs: { files: number; bytes: number };
  ms: { readBundle: number; readAndParse: number; write: number };
}

/** The source folders idp render reads YAML from. */
const INPUT_FOLDERS = ["environments", "teams", "services"];

/**
 * Packs every file under `folder` into one file: a 4-byte big-endian length,
 * a JSON index `[[relativePath, byteLength], ...]` (sorted, "/" separators),
 * then the bytes of every file in index order. Reading it back is one read.
 */
export function packTree(folder: string, bundle: string): { files: number; bytes: number } {
  const paths = readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"))
    .sort();
  const contents = paths.map((relative) => readFileSync(path.join(folder, relative)));
  const index = Buffer.from(JSON.stringify(paths.map((relative, i) => [relative, contents[i]?.length ?? 0])));
  const header = Buffer.alloc(4);
  header.writeUInt32BE(index.length);
  writeFileSync(bundle, Buffer.concat([header, index, ...contents]));
  return { files: paths.length, bytes: contents.reduce((sum, bytes) => sum + bytes.length, 0) };
}

/** The files of a bundle written by {@link packTree}: relative path → bytes (views into one buffer). */
export function unpackTree(bundle: string): Map<string, Buffer> {
  const data = readFileSync(bundle);
  const indexLength = data.readUInt32BE(0);
  const index = JSON.parse(data.subarray(4, 4 + indexLength).toString("utf8")) as [string, number][];
  const files = new Map<string, Buffer>();
  let offset = 4 + indexLength;
  for (const [relative, length] of index) {
    files.set(relative, data.subarray(offset, offset + length));
    offset += length;
  }
  return files;
}

export function renderFloor(root: string, bundle: string, out: string): FloorReport {
  let started = performance.now();
  const files = unpackTree(bundle);
  const readBundle = performance.now() - started;

  started = performance.now();
  const inputs = { files: 0, bytes: 0 };
  for (const folder of INPUT_FOLDERS) {
    const entries = readdirSync(path.join(root, folder), { recursive: true, withFileTypes: true });
    for (const entry of entries) {
      if (!entry.isFile() || !entry.name.endsWith(".yaml")) continue;
      const text = readFileSync(path.join(entry.parentPath, entry.name), "utf8");
      if (load(text) === null) throw new Error(`${entry.name} is empty`);
      inputs.files += 1;
      inputs.bytes += Buffer.byteLength(text);
    }
  }
  const readAndParse = performance.now() - started;

  started = performance.now();
  const outputs = { files: 0, bytes: 0 };
  const made = new Set<string>();
  for (const [relative, bytes] of files) {
    const file = path.join(out, relative);
    const folder = path.dirname(file);
    if (!made.has(folder)) {
      mkdirSync(folder, { recursive: true });
      made.add(folder);
    }
    writeFileSync(file, bytes);
    outputs.files += 1;
    outputs.bytes += bytes.length;
  }
  const write = performance.now() - started;
  const ms = (value: number) => Math.round(value * 10) / 10;
  return {
    inputs,
    outputs,
    ms: { readBundle: ms(readBundle), readAndParse: ms(readAndParse), write: ms(write) },
  };
}

if (isMainModule(import.meta.url)) {
  const [root, bundle, out] = process.argv.slice(2);
  if (!root || !bundle || !out) {
    console.error("usage: node dist/bench/render-floor.js <root> <bundle> <out-dir>");
    process.exit(2);
  }
  console.log(JSON.stringify(renderFloor(root, bundle, out)));
}
