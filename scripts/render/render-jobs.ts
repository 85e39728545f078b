import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { EnvironmentModel, ResolvedService, TeamModel } from "../model/resolved.js";
import type { RenderContext } from "./context.js";
import type { KubeObject } from "./kube-object.js";
import type { StagedTree } from "./write/staged.js";
import type { CommittedContent } from "./write/tree.js";

/** The folder under `manifests/<env>/` that holds an environment's own objects. */
export const PLATFORM_FOLDER = "_platform";

/** The one file each (service, environment) and each environment's platform objects are written to. */
export const MANIFEST_FILE = "manifest.yaml";

/** One rendered file: its objects, and their YAML. */
export interface RenderedFile {
  objects: KubeObject[];
  readonly text: string;
  /** The YAML as UTF-8, when a worker thread rendered the file (it is written as is). */
  readonly bytes?: Uint8Array;
  /** The committed file, when it was trusted rather than rendered (it is kept as is). */
  readonly committed?: CommittedContent;
}

/** What to write for `file`: the committed file, its bytes when it has them, else its text. */
export function fileContent(file: RenderedFile): string | Uint8Array | CommittedContent {
  return file.committed ?? file.bytes ?? file.text;
}

// The three kinds of file below are classes, not object literals with a
// getter: a literal's getter is made for each of thousands of files, which
// measured 13 ms for the 2,960 trusted files of a one-service render.

/** A committed file trusted rather than rendered: its text is read when first asked for. */
export function fileFromCommitted(committed: CommittedContent): RenderedFile {
  return new CommittedFile(committed);
}

class CommittedFile implements RenderedFile {
  readonly objects: KubeObject[] = [];
  #text: string | undefined;
  constructor(readonly committed: CommittedContent) {}
  get text(): string {
    this.#text ??= utf8(this.committed.bytes());
    return this.#text;
  }
}

/** A file rendered elsewhere as UTF-8 `bytes`: its text is decoded when first read. */
export function fileFromBytes(bytes: Uint8Array, objects: KubeObject[]): RenderedFile {
  return new BytesFile(bytes, objects);
}

class BytesFile implements RenderedFile {
  #text: string | undefined;
  constructor(
    readonly bytes: Uint8Array,
    readonly objects: KubeObject[],
  ) {}
  get text(): string {
    this.#text ??= utf8(this.bytes);
    return this.#text;
  }
}

/**
 * A file a thread wrote into a staged tree as it rendered it (see
 * write/staged.ts): its text is read from there when first asked for, so
 * only before the tree is committed or discarded.
 */
export function fileFromStaged(staged: StagedTree, path: string, objects: KubeObject[]): RenderedFile {
  return new StagedFile(join(staged.dir, path), objects);
}

class StagedFile implements RenderedFile {
  #text: string | undefined;
  constructor(
    private readonly file: string,
    readonly objects: KubeObject[],
  ) {}
  get text(): string {
    this.#text ??= readFileSync(this.file, "utf8");
    return this.#text;
  }
}

function utf8(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
}

/** What rendering a repository gives: files keyed by their path under `manifests/`. */
export interface RenderedTree {
  files: Map<string, RenderedFile>;
  environments: string[];
  /** The key files' texts by path (trusted-files.ts keyFileTexts), when the renderer made them. */
  keyFiles?: ReadonlyMap<string, string>;
}

/** The resolved repository, as much of it as rendering needs. */
export interface RenderInput {
  environments: readonly EnvironmentModel[];
  teams: readonly TeamModel[];
  services: readonly ResolvedService[];
}

/** One file to render: an environment's platform objects, or one service in one environment. */
export interface RenderJob {
  path: string;
  context: RenderContext;
  /** Absent for the environment's platform file. */
  service?: ResolvedService;
}

/**
 * Every file of the tree, in output order: per environment (promotion
 * order) its platform file, then its services in file order. Serial and
 * parallel rendering walk this same list, so both give the same tree.
 */
export function renderJobs(input: RenderInput): RenderJob[] {
  const jobs: RenderJob[] = [];
  for (const environment of input.environments) {
    const services = input.services.filter((s) => s.environment === environment.name);
    const context: RenderContext = { environment, services, teams: input.teams };
    jobs.push({ path: `${environment.name}/${PLATFORM_FOLDER}/${MANIFEST_FILE}`, context });
    for (const service of services) {
      jobs.push({ path: `${environment.name}/${service.name}/${MANIFEST_FILE}`, context, service });
    }
  }
  return jobs;
}
