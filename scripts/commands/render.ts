import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { type CheckedRepository, startPolicies } from "../check-repository.js";
import { CODEOWNERS_FILE } from "../codeowners/generate.js";
import { derivedCodeowners, staleCodeowners, syncCodeowners } from "../codeowners/sync.js";
import { validateRepository } from "../model/validate-repository.js";
import { PolicyThread } from "../policy/policy-threads.js";
import type { CommittedTree } from "../render/committed-tree.js";
import { driftDiagnostics, foldKeyFiles } from "../render/drift.js";
import { RenderWorkers, startRender, startRenderWorkers } from "../render/parallel-render.js";
import { startReadingCommittedTree } from "../render/reading-committed-tree.js";
import {
  keyFileOf,
  parseKeyFile,
  RENDER_KEY_FILE,
  type RenderIndex,
  type RenderIndexEntry,
} from "../render/render-index.js";
import { fileContent, MANIFEST_FILE, PLATFORM_FOLDER, type RenderedTree } from "../render/render-jobs.js";
import {
  keyFiles,
  keyFilesIn,
  keyFileTexts,
  trustedFiles,
  unchangedSinceRead,
} from "../render/trusted-files.js";
import type { PinnedKind } from "../render/upstream/pinned-schemas.js";
import { acquireRenderLock } from "../render/write/lock.js";
import { recoverInterruptedWrite } from "../render/write/recover.js";
import {
  commitStagedTree,
  discardStagedTree,
  openStagedTree,
  type StagedTree,
} from "../render/write/staged.js";
import {
  entryExists,
  type FileContent,
  manifestsDirName,
  materialContent,
  readTree,
} from "../render/write/tree.js";
import {
  CHECK_LOCK_WAIT_MS,
  manifestsReadme,
  README_FILE,
  type WriteResult,
  writeManifests,
} from "../render/write.js";
import { type Diagnostic, hasErrors } from "../report/diagnostic.js";
import { formatDriftReport } from "../report/drift.js";
import { formatReport } from "../report/emit.js";
import type { OutputFormat } from "../report/format.js";
import { Redactor } from "../report/redact.js";
import { plural } from "../report/text.js";
import type { CommandResult } from "./result.js";

/** Options of `idp render`. */
export interface RenderOptions {
  root: string;
  format: OutputFormat;
  /** Write nothing; exit 1 when the committed manifests differ from a fresh render. */
  check: boolean;
  /** Allow an environment that rendered services before to render none. */
  allowEmpty: boolean;
  /** Check every rendered object against the upstream schemas of its kind. */
  verify: boolean;
  /** With `check`, `idp diff`: a terminal gets the diffs alone on stdout, the summary on stderr. */
  diffOnly?: boolean;
  /** Render every file, trusting no committed file by its render key (`--full`). @default false */
  full?: boolean;
  /**
   * Trust the key files (`.render-key`) of this ref's merge base with HEAD
   * instead of those in the working tree (`--base`): what a pull request's
   * check uses, since the pull request's own key files are not to be believed.
   * @default the working tree's key files
   */
  base?: string;
  /** The render code's version; only tests set it. @default renderVersion() */
  renderVersion?: string;
}

/**
 * `idp render`: validate, render every (service, environment) and every
 * environment's platform objects, then replace `manifests/` atomically (or,
 * with --check, compare and write nothing). Invalid input writes nothing.
 */
export async function renderCommand(options: RenderOptions): Promise<CommandResult> {
  // Objects are verified only as rendered: --verify renders everything.
  const incremental = options.full !== true && !options.verify;
  const withKeyFiles = incremental && hasKeyFiles(options.root);
  if (options.check) return render(options, incremental, withKeyFiles, false, undefined);
  // A first render (no manifests/ yet) writes each file as it is rendered, into a
  // staged tree that must be made under the render lock (write/staged.ts).
  const first = !withKeyFiles && !options.verify && !entryExists(join(options.root, manifestsDirName));
  if (!withKeyFiles && !first) return render(options, incremental, withKeyFiles, false, undefined);
  // A render that will likely write a few files takes the render lock now
  // rather than before writing: the tree is then listed and read (on another
  // thread) only once, and is still what was read when it writes.
  const release = acquireRenderLock(options.root);
  try {
    recoverInterruptedWrite(options.root);
    const staging: Staging | undefined =
      first && !entryExists(join(options.root, manifestsDirName)) ? {} : undefined;
    try {
      return await render(options, incremental, withKeyFiles, true, staging);
    } finally {
      // Refused or failed: the staged tree goes, once no thread writes into it any more.
      if (staging?.tree) {
        await staging.stop?.();
        discardStagedTree(staging.tree);
      }
    }
  } finally {
    release();
  }
}

/** A first render's staged tree (write/staged.ts), until it is committed, and how to stop the threads writing into it. */
interface Staging {
  tree?: StagedTree;
  stop?: () => Promise<void>;
}

/**
 * renderCommand, `locked` when the caller holds the render lock (and
 * recovered an interrupted write), with `staging` when, under it, there is
 * no `manifests/`: the rendering threads then write the new tree as they
 * render, and the caller removes it unless it was committed.
 */
async function render(
  options: RenderOptions,
  incremental: boolean,
  withKeyFiles: boolean,
  locked: boolean,
  staging: Staging | undefined,
): Promise<CommandResult> {
  // The committed manifests and key files are read and hashed on another
  // core while this thread validates (most of what trusting them costs):
  // with --check the whole tree under the render lock, the snapshot the
  // check compares with; under the lock held here, the whole tree (a few
  // changes then go in place: the spare tree is listed only if it is needed).
  // A check against a base renders the change's files (their keys differ from the base's).
  const rendersOnReader = withKeyFiles && (!options.check || options.base !== undefined);
  const policyWanted = withKeyFiles ? PolicyThread.wanted(options.root) : undefined;
  const reading =
    incremental && !staging
      ? startReadingCommittedTree(
          options.root,
          {
            ...(options.check ? { whole: { lockWaitMs: CHECK_LOCK_WAIT_MS } } : locked ? { whole: {} } : {}),
            // A pull request's check believes git, not this clone's cache.
            remember: options.base === undefined,
          },
          {
            // A thread that has read works on: it renders, or else it evaluates the policy.
            ...(rendersOnReader ? { becomes: "render" } : policyWanted ? { becomes: "policy" } : {}),
            // The merge base's key files are read by git meanwhile, not after validation.
            ...(options.base === undefined ? {} : { base: options.base }),
          },
        )
      : undefined;
  // Workers for a large repository start first: they load cdk8s while this
  // thread validates, then render while policy runs here. When key files
  // will likely spare most of the rendering: none for --check of the
  // working tree (an unchanged tree, the common case, renders nothing;
  // startRender starts them if not), else the reader, once it has read,
  // which then renders the few changed files, so this thread never loads cdk8s.
  const workers = withKeyFiles
    ? (reading?.workers ?? RenderWorkers.start(0))
    : startRenderWorkers(options.root);
  // When key files will likely spare most of the rendering, what is left
  // after validating is the policy and deciding what to render: in a large
  // repository the evaluations go to a thread of their own (it loads
  // meanwhile) while this one decides: the reader, unless it renders.
  const policyThread =
    policyWanted &&
    (reading?.policyWorker
      ? PolicyThread.on(reading.policyWorker, options.root, policyWanted.services, { preload: true })
      : PolicyThread.launch(options.root, policyWanted, { preload: true }));
  const checked = validateRepository(options.root);
  if (hasErrors(checked.diagnostics)) {
    workers.close();
    reading?.cancel();
    policyThread?.close();
  }
  // Files read to decide what to render: those still as read need not be read again to compare.
  const committed: CommittedTree =
    reading && !hasErrors(checked.diagnostics) ? await reading.result() : { files: new Map() };
  const early =
    policyThread && !hasErrors(checked.diagnostics)
      ? startPolicies(options.root, checked, policyThread)
      : undefined;
  const keyed = keyFiles(
    hasErrors(checked.diagnostics) ? { ...checked, environments: [] } : checked,
    options.renderVersion ?? committed.renderVersion,
  );
  const read = committed.files;
  const index =
    incremental && !hasErrors(checked.diagnostics)
      ? await readRenderIndex(options, keyed.keys, committed)
      : new Map();
  const reuse = trustedFiles(options.root, keyed.keys, index, read);
  if (staging && !hasErrors(checked.diagnostics))
    staging.tree = openStagedTree(
      options.root,
      checked.environments.map((environment) => environment.name),
    );
  const stage = staging?.tree && { tree: staging.tree, keys: keyed.keys };
  const rendering = hasErrors(checked.diagnostics)
    ? undefined
    : startRender(checked, { withObjects: options.verify, workers, reuse, ...(stage ? { stage } : {}) });
  if (staging && rendering) staging.stop = () => rendering.cancel();
  const validated: CheckedRepository = hasErrors(checked.diagnostics)
    ? checked
    : await (early ?? startPolicies(options.root, checked, undefined)).finish();
  if (!rendering || hasErrors(validated.diagnostics)) {
    rendering?.cancel();
    const output = formatReport(
      {
        summary: "render refused: fix the errors above first; nothing was written",
        diagnostics: validated.diagnostics,
        data: { ok: false },
      },
      options.format,
      validated.sources,
    );
    return { exitCode: 1, stdout: output };
  }
  const tree = await rendering.finish();
  // CODEOWNERS is derived from teams and services too: it moves with the manifests.
  const owners = derivedCodeowners(options.root, validated);
  const diagnostics: Diagnostic[] = [...validated.diagnostics, ...(owners?.diagnostics ?? [])];
  const verification = options.verify ? await verifyTree(tree.files) : undefined;
  if (verification) diagnostics.push(...verification.diagnostics);
  if (hasErrors(diagnostics)) {
    return {
      exitCode: 1,
      stdout: formatReport(
        {
          summary: verification
            ? "render refused: rendered objects failed verification; nothing was written"
            : "render refused: fix the errors above first; nothing was written",
          diagnostics,
          data: { ok: false },
        },
        options.format,
        validated.sources,
      ),
    };
  }
  const texts = new Map<string, FileContent>(
    stage ? [] : [...tree.files].map(([path, file]) => [path, fileContent(file)]),
  );
  if (!stage) for (const [path, text] of keyFileTexts(tree.files, keyed, reuse, index)) texts.set(path, text);
  const written = stage
    ? commitStaged(options.root, stage.tree, tree, keyed.keys, staging)
    : writeManifests(options.root, texts, {
        check: options.check,
        allowEmpty: options.allowEmpty,
        environments: tree.environments,
        readDrift: options.check,
        // A check compares with the snapshot read under the lock instead.
        ...(options.check ? {} : { readBefore: unchangedSinceRead(read, texts) }),
        ...(committed.listing && options.check
          ? { snapshot: { listing: committed.listing, files: read } }
          : {}),
        ...(locked
          ? {
              locked: {
                listing: committed.listing ?? readTree(options.root),
              },
            }
          : {}),
      });
  diagnostics.push(...written.diagnostics);
  // With --check, each drifted file is a finding with its diff (annotations, tables, fenced diffs).
  const drifted =
    options.check && written.added.length + written.changed.length + written.removed.length > 0
      ? (await import("../render/describe-drift.js")).describeDrift(
          written,
          freshText(texts),
          new Redactor(validated.policy?.secrets ?? []),
        )
      : [];
  // One finding per drifted manifest: its key file's own would repeat it (a key file alone has one).
  diagnostics.push(...driftDiagnostics(foldKeyFiles(drifted).files));
  const ownersWritten =
    !hasErrors(written.diagnostics) &&
    !options.check &&
    owners !== undefined &&
    syncCodeowners(options.root, owners);
  const ownersDrift = options.check && owners?.stale === true;
  if (owners && ownersDrift)
    diagnostics.push(staleCodeowners(owners, "run idp render and commit the result"));
  const manifestDrift = written.added.length + written.changed.length + written.removed.length;
  const drift = manifestDrift + (ownersDrift ? 1 : 0);
  const failed = hasErrors(diagnostics) || (options.check && drift > 0);
  const services = [...tree.files.keys()].filter(
    (p) => p.endsWith(`/${MANIFEST_FILE}`) && !p.includes("/_platform/"),
  ).length;
  const scope = `${plural(services, "service manifest")} in ${plural(tree.environments.length, "environment")}`;
  const changes = `${written.added.length} added, ${written.changed.length} changed, ${written.removed.length} removed, ${written.unchanged} unchanged`;
  const summary = hasErrors(written.diagnostics)
    ? `render refused: nothing was written (${scope})`
    : options.check
      ? drift > 0
        ? `${manifestDrift > 0 ? `manifests/ is stale: ${changes}` : ""}${manifestDrift > 0 && ownersDrift ? " and " : ""}${ownersDrift ? `${CODEOWNERS_FILE} is stale` : ""}; run idp render and commit the result`
        : `manifests/ is up to date: ${scope}`
      : `rendered ${scope}: ${changes}`;
  const listing = [
    ...written.added.map((p) => `  + ${p}`),
    ...written.changed.map((p) => `  ~ ${p}`),
    ...written.removed.map((p) => `  - ${p}`),
    ...(ownersWritten || ownersDrift ? [`  ~ ${CODEOWNERS_FILE}`] : []),
  ];
  const shown = {
    summary:
      listing.length > 0 && options.format === "text" && !options.check
        ? `${summary}\n${listing.join("\n")}`
        : summary,
    diagnostics,
    data: {
      ok: !failed,
      added: written.added,
      changed: written.changed,
      removed: written.removed,
      unchanged: written.unchanged,
      rendered: tree.files.size - reuse.size,
      reused: reuse.size,
      ...(owners ? { codeowners: ownersDrift ? "stale" : ownersWritten ? "written" : "up to date" } : {}),
      ...(verification ? { verified: verification.verified, unverified: verification.unverified } : {}),
    },
  };
  if (options.check) {
    const printed = formatDriftReport(shown, drifted, options.format, validated.sources, options.diffOnly);
    return { exitCode: failed ? 1 : 0, ...printed };
  }
  return { exitCode: failed ? 1 : 0, stdout: formatReport(shown, options.format, validated.sources) };
}

/**
 * Commits the staged tree the rendering threads wrote (`tree`'s files, and
 * beside each with a key in `keys` its key file), with manifests/README.md:
 * what writeManifests reports for a tree written where nothing was.
 */
function commitStaged(
  root: string,
  staged: StagedTree,
  tree: RenderedTree,
  keys: ReadonlyMap<string, string>,
  staging: Staging | undefined,
): WriteResult {
  commitStagedTree(root, staged, new Map([[README_FILE, manifestsReadme]]));
  if (staging) staging.tree = undefined;
  const paths = [README_FILE];
  for (const path of tree.files.keys()) paths.push(path, ...(keys.has(path) ? [keyFileOf(path)] : []));
  return {
    added: paths.map((path) => `${manifestsDirName}/${path}`).sort(),
    changed: [],
    removed: [],
    unchanged: 0,
    diagnostics: [],
  };
}

/** The text a render writes, by path relative to the root (`manifests/README.md` and the key files included). */
function freshText(texts: ReadonlyMap<string, FileContent>): (file: string) => string | undefined {
  return (file) => {
    const path = file.slice(`${manifestsDirName}/`.length);
    if (path === README_FILE) return manifestsReadme;
    const content = texts.get(path);
    if (content === undefined) return undefined;
    const material = materialContent(content);
    return typeof material === "string" ? material : Buffer.from(material).toString("utf8");
  };
}

/** Whether the tree has key files: a `_platform` folder with one is taken as the sign. */
function hasKeyFiles(root: string): boolean {
  try {
    return readdirSync(join(root, manifestsDirName)).some((environment) =>
      existsSync(join(root, manifestsDirName, environment, PLATFORM_FOLDER, RENDER_KEY_FILE)),
    );
  } catch {
    return false;
  }
}

/**
 * The render index to trust: the key files committed at the merge base of
 * `base` when given (a pull request cannot change them; read beside
 * validation with the committed tree, or now when there was no such read),
 * else the working tree's. Whatever they hold can only spare work (see trustedFiles).
 */
async function readRenderIndex(
  options: RenderOptions,
  keys: ReadonlyMap<string, string>,
  committed: CommittedTree,
): Promise<RenderIndex> {
  if (options.base === undefined) return keyFilesIn(committed.files, keys);
  const texts =
    committed.baseKeyFiles ??
    (await (await import("../render/base-key-files.js")).readBaseKeyFiles(options.root, options.base));
  const index = new Map<string, RenderIndexEntry>();
  for (const path of keys.keys()) {
    const entry = parseKeyFile(texts.get(keyFileOf(path)));
    if (entry) index.set(path, entry);
  }
  return index;
}

async function verifyTree(files: RenderedTree["files"]) {
  // Loaded only when asked for: the upstream schemas are large.
  const { verifyObjects } = await import("../render/verify.js");
  const { kindsOfCrdObjects } = await import("../render/upstream/pinned-schemas.js");
  const result = { diagnostics: [] as Diagnostic[], verified: 0, unverified: 0 };
  // the claim kinds of each environment are defined by the CRDs its _platform renders
  const rendered = new Map<string, Map<string, PinnedKind>>();
  for (const [path, file] of files) {
    const [environment, folder] = path.split("/");
    if (folder !== "_platform" || environment === undefined) continue;
    const kinds = kindsOfCrdObjects(`manifests/${path}`, file.objects);
    rendered.set(environment, new Map(kinds.map((kind) => [`${kind.apiVersion}/${kind.kind}`, kind])));
  }
  for (const [path, file] of files) {
    const lines = documentStartLines(file.text);
    const crds = rendered.get(path.split("/")[0] ?? "") ?? new Map();
    const found = verifyObjects(`manifests/${path}`, file.objects, lines, crds);
    result.diagnostics.push(...found.diagnostics);
    result.verified += found.verified;
    result.unverified += found.unverified;
  }
  return result;
}

/** The 1-based line each YAML document of a multi-document text starts on. */
function documentStartLines(text: string): number[] {
  const lines = [1];
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) !== 10) continue;
    line++;
    if (text.startsWith("---\n", i + 1)) lines.push(line + 1);
  }
  return lines;
}
