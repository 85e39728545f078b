import { newCalls, readAuthority } from "../change/authority.js";
import { changedServices, serviceDocuments } from "../change/change-context.js";
import { today as currentDay } from "../check-repository.js";
import { type CostChange, compareCosts } from "../cost/cost-delta.js";
import { GitRepository } from "../git/repository.js";
import { readSchemas } from "../model/read-schemas.js";
import type { Resolution } from "../model/resolve.js";
import { compileSchemas, type SchemaValidators } from "../model/schema.js";
import {
  type ValidatedRepository,
  validateRepository,
  validateRepositoryPausing,
} from "../model/validate-repository.js";
import type { ChangeContext } from "../policy/input.js";
import { PolicyThread } from "../policy/policy-threads.js";
import { readPortalSetting } from "../policy/portal-url.js";
import { findSecretValues } from "../policy/secret-values.js";
import type { ResolvedSide } from "../render/render-keys.js";
import { hasErrors } from "../report/diagnostic.js";
import { Redactor } from "../report/redact.js";
import { plural } from "../report/text.js";
import { kindOfFile, resolveBaseFromHead } from "./base-resolution.js";
import { findDestruction } from "./destruction.js";
import { acknowledgeByException, readDestructionLimit } from "./destruction-rules.js";
import { fitDiffs } from "./diff-budget.js";
import { type Judgement, startJudgement } from "./judge.js";
import { keyFileNote } from "./key-file-note.js";
import type { Destruction, EnvironmentPlan, NewPolicyFindings, Plan } from "./plan.js";
import { redactSides } from "./redact-side.js";
import type { PlanRules } from "./rules.js";
import { decideVerdict } from "./verdict.js";

/** What `idp plan` compares and who made the change. */
export interface PlanOptions {
  /** The ref the change is compared with (its merge base with HEAD is used). */
  base: string;
  /** The pull request's author (GitHub login), for ownership rules. */
  author?: string;
  /** YYYY-MM-DD (UTC) for freeze windows and exception expiry; default today (IDP_TODAY pins it). */
  today?: string;
  /** Which rules run (`--rules`; see PlanRules); default `base-and-head`. */
  rules?: PlanRules;
  /**
   * Threads that evaluate the policy: 1 this one only, 2 with a worker
   * (PolicyThread.start); default IDP_POLICY_THREADS, else a worker in a
   * large repository on two cores or more.
   */
  policyThreads?: number;
}

/** The folders a base is exported with when all of it is needed. */
const BASE_FOLDERS = ["environments", "teams", "services", "schemas", "policies"] as const;

/**
 * What decides who may do what, exported from the base for every plan: the
 * teams (members), and the compiled policies and exceptions that judge.
 */
const AUTHORITY_FOLDERS = ["teams", "policies"] as const;

/** Where an export of the base lives, and whether it holds the whole base or only the changed files. */
interface BaseTree {
  path: string;
  remove: () => void;
  whole: boolean;
}

/**
 * What the change in `root` (the working tree at HEAD) does compared with
 * where it left `options.base`: the findings, judged by the base's schemas
 * and policies (a change must not weaken the checks that judge it; when it
 * edits them, what its own would say is reported apart), the objects added,
 * changed and removed per environment and service with a field-level summary
 * and the unified diff, and a one-line verdict.
 *
 * Cheap for small changes in big repositories: only the changed files of the
 * base are read (the head's parsed documents stand for the rest, and its
 * resolved services for the base's unchanged ones), the base is judged for
 * credentials only where it differs from the judged head, only the manifests
 * whose inputs differ are rendered, on both sides, and git lists the changed
 * files while the head is loaded. In a large repository the policy is
 * evaluated on a worker thread (PolicyThread) while those are rendered.
 */
export async function planChange(root: string, options: PlanOptions): Promise<Plan> {
  // Loading the renderer (cdk8s) takes a while: start it now, so it overlaps git.
  const rendering = import("./render-changes.js");
  rendering.catch(() => undefined);
  // In a large repository the policy is evaluated on a thread of its own while this one renders.
  const thread = PolicyThread.start(root, options.policyThreads);
  try {
    return await plan(root, options, rendering, thread);
  } finally {
    thread?.close();
  }
}

async function plan(
  root: string,
  options: PlanOptions,
  rendering: Promise<typeof import("./render-changes.js")>,
  thread: PolicyThread | undefined,
): Promise<Plan> {
  const git = new GitRepository(root);
  const baseSha = await git.mergeBase(options.base);
  const reading = Promise.all([
    git.changedFiles(baseSha),
    git.headCommit(),
    git.hasUncommittedChanges(BASE_FOLDERS),
    // What the base has, so that exporting the changed files of it is one step once they are known.
    git.listFiles(baseSha, BASE_FOLDERS),
  ]);
  reading.catch(() => undefined);
  const baseOnly = options.rules === "base-only";
  // The base is exported as soon as git has listed what changed, by processes of their own
  // while this thread validates the head (in a large repository, for longer than git takes).
  const exporting = reading.then(([files, , , listed]) => exportBase(git, baseSha, files, listed, baseOnly));
  exporting.catch(() => undefined);
  let ownValidators: SchemaValidators | undefined;
  let validatedOwn: ValidatedRepository | undefined;
  try {
    // The head is validated with its own schemas whatever the change (it is `own`): do it while
    // git walks the working tree in processes of its own, once they have started.
    // Base-only never compiles the head's schemas: they are the pull request's content.
    await new Promise((resolve) => setImmediate(resolve));
    ownValidators = baseOnly ? undefined : compileSchemas(readSchemas(root));
    // Paused between its stages, so that git's answers are read, and the export started, meanwhile.
    validatedOwn = ownValidators
      ? await validateRepositoryPausing(
          root,
          ownValidators,
          () => new Promise((resolve) => setImmediate(resolve)),
        )
      : undefined;
  } catch (caught) {
    // The export went ahead: its folder, once made, is removed all the same.
    void exporting.then(
      (made) => made.remove(),
      () => undefined,
    );
    throw caught;
  }
  const [files, headSha, workingTree] = await reading;
  let tree = await exporting;
  const policiesChanged = files.some((f) => f.startsWith("policies/"));
  const schemasChanged = files.some((f) => f.startsWith("schemas/"));
  const rulesChanged = policiesChanged || schemasChanged;
  try {
    // The base's schemas judge; they are the head's own unless the change edits them.
    const judgingValidators =
      ownValidators && !schemasChanged ? ownValidators : compileSchemas(readSchemas(tree.path));
    const judged =
      validatedOwn && !schemasChanged ? validatedOwn : validateRepository(root, judgingValidators);
    const own = validatedOwn && schemasChanged ? validatedOwn : judged;
    let base: Resolution | undefined = tree.whole
      ? undefined
      : resolveBaseFromHead(own, tree.path, files, judgingValidators);
    if (!base) {
      if (!tree.whole) {
        tree.remove();
        tree = await wholeBase(git, baseSha);
      }
      base = validateRepository(tree.path, judgingValidators);
    }
    const today = options.today ?? currentDay();
    const change: ChangeContext = {
      base: options.base,
      files,
      changedServices: changedServices(base.services, own.services),
      newCalls: newCalls(base.services, own.services),
      ...readAuthority(tree.path, serviceDocuments(own), files),
      ...(options.author ? { author: options.author } : {}),
    };
    const judging = startJudgement(
      {
        root,
        judged,
        // Authority comes from the base: its compiled policies and exceptions judge, never the change's.
        policyRoot: tree.path,
        change,
        today,
        // Base-only never evaluates the head's own policy: that is running the pull request's content.
        ...(rulesChanged && !baseOnly ? { own } : {}),
      },
      thread,
    );
    const notes: string[] = [];
    if (rulesChanged) {
      const edited = [policiesChanged ? "policies/" : "", schemasChanged ? "schemas/" : ""].filter(Boolean);
      notes.push(
        baseOnly
          ? `this change edits ${edited.join(" and ")}: it is judged by the rules of its base (${short(baseSha)}); its own rules were not run (the pull request is read as data only)`
          : `this change edits ${edited.join(" and ")}: it is judged by the rules of its base (${short(baseSha)}); what its own rules would say is shown apart and does not decide the verdict`,
      );
    }
    let environments: EnvironmentPlan[] = [];
    let destruction: Destruction | undefined;
    let cost: CostChange | undefined;
    // Without a policy thread, rendering before the judgement is done gains nothing.
    let judgement: Judgement | undefined = thread ? undefined : await judging.finish();
    let secrets: Set<string>;
    if (hasErrors(own.diagnostics)) {
      judgement ??= await judging.finish();
      secrets = new Set(judgement.secrets);
      notes.push(
        "nothing was rendered: the head does not validate; fix the errors and the plan shows the manifest changes",
      );
    } else {
      const baseSide: ResolvedSide = hasErrors(base.diagnostics)
        ? { environments: [], teams: [], services: [] }
        : base;
      if (hasErrors(base.diagnostics)) {
        notes.push(
          `the base (${short(baseSha)}) does not validate (${plural(base.diagnostics.filter((d) => d.severity === "error").length, "error")}): every object is shown as added`,
        );
      }
      cost = compareCosts(baseSide, own);
      // Credentials are judged on both sides: a removed one shows in the diff's old lines.
      const baseSecrets = findSecretValues(tree.path, unjudgedBase(baseSide, judged, own));
      const { countObjects, renderChanges } = await rendering;
      const render = (flagged: ReadonlySet<string>) => {
        const [base, head] = redactSides(baseSide, own, flagged);
        return { redactedBase: base, changes: renderChanges(base, head) };
      };
      // With a policy thread: rendered while the policy is evaluated there, with the credentials
      // known so far; rendered again, before anything is shown, when the judgement flags more.
      const known = new Set([...(judgement?.secrets ?? []), ...baseSecrets]);
      let rendered = render(known);
      judgement ??= await judging.finish();
      secrets = new Set([...judgement.secrets, ...baseSecrets]);
      if (judgement.secrets.some((value) => !known.has(value))) rendered = render(secrets);
      const { redactedBase } = rendered;
      environments = redactEnvironments(rendered.changes, new Redactor(secrets));
      const leftOut = fitDiffs(environments);
      if (leftOut > 0)
        notes.push(
          `${leftOut} of the largest manifest diffs are left out to keep the plan file under its size limit; run \`idp plan\` locally for them`,
        );
      // What deletion loses is judged by the base: its data classes, its limit, its exceptions.
      const limit = readDestructionLimit(tree.path);
      if (limit.note) notes.push(limit.note);
      const totals = new Map(
        environments
          .filter((e) => e.services.some((s) => s.objects.some((o) => o.status === "removed")))
          .map((e) => [e.name, countObjects(redactedBase, e.name)]),
      );
      const found = findDestruction(environments, baseSide, totals, limit.percent);
      if (found)
        destruction = acknowledgeByException(found, {
          baseRoot: tree.path,
          headRoot: root,
          validators: judgingValidators,
          approvers: change.members?.platform ?? [],
          today,
          environmentFile: (name) =>
            baseSide.environments.find((e) => e.name === name)?.file ?? `environments/${name}.yaml`,
        });
    }
    const keys = keyFileNote(files, environments);
    if (keys) notes.push(keys);
    // The portal's address is the base's: a pull request cannot point its own comment's links elsewhere.
    const portal = readPortalSetting(tree.path);
    if (portal.diagnostic) notes.push(`${portal.diagnostic.file} of the base: ${portal.diagnostic.message}`);
    const redactor = new Redactor(secrets);
    const diagnostics = redactor.diagnostics(judgement.diagnostics);
    return {
      base: options.base,
      baseSha,
      headSha,
      ...(workingTree ? { workingTree: true } : {}),
      verdict: decideVerdict(diagnostics, environments, destruction),
      ...(destruction ? { destruction } : {}),
      diagnostics,
      ...(judgement.newPolicy ? { newPolicy: redactNewPolicy(judgement.newPolicy, redactor) } : {}),
      environments,
      ...(cost ? { cost } : {}),
      notes,
      ...(portal.url ? { portal: portal.url } : {}),
      sources: redactor.sources(new Map([...own.sources, ...judgement.sources]), diagnostics),
    };
  } finally {
    tree.remove();
  }
}

/** The files of `files`' base (at `baseSha`) a plan reads: all of the base when the change edits its rules. */
async function exportBase(
  git: GitRepository,
  baseSha: string,
  files: readonly string[],
  listed: readonly string[],
  baseOnly: boolean,
): Promise<BaseTree> {
  if (files.some((f) => f.startsWith("policies/") || f.startsWith("schemas/")))
    return wholeBase(git, baseSha);
  // Base-only: the base's schemas judge even when the head's are the same bytes.
  const folders = [...AUTHORITY_FOLDERS, ...(baseOnly ? ["schemas"] : [])].map((folder) => `${folder}/`);
  const changed = new Set(files.filter((f) => kindOfFile(f) !== undefined && !f.startsWith("teams/")));
  const wanted = listed.filter((f) => changed.has(f) || folders.some((folder) => f.startsWith(folder)));
  return { ...(await git.exportFiles(baseSha, wanted)), whole: false };
}

async function wholeBase(git: GitRepository, baseSha: string): Promise<BaseTree> {
  return { ...(await git.exportTree(baseSha, BASE_FOLDERS)), whole: true };
}

/**
 * The part of the base whose credentials the head's judgement has not found
 * already. SEC004 judges each service by its own values, and the judgement
 * evaluated the head with the same (base) bundle: a base service that is the
 * very object the head resolved (resolveBaseFromHead reuses every unchanged
 * one) had its credentials flagged there. All of the base when the head was
 * not evaluated (it fails validation) or was judged under other schemas than
 * the ones it resolved with.
 */
function unjudgedBase(
  base: ResolvedSide,
  judged: ValidatedRepository,
  own: ValidatedRepository,
): ResolvedSide {
  if (judged !== own || hasErrors(judged.diagnostics)) return base;
  const evaluated = new Set(own.services);
  return { ...base, services: base.services.filter((service) => !evaluated.has(service)) };
}

/** Diffs and summaries with the flagged values hidden (a second guard: the sides were redacted before rendering). */
function redactEnvironments(environments: EnvironmentPlan[], redactor: Redactor): EnvironmentPlan[] {
  if (redactor.empty) return environments;
  return environments.map((environment) => ({
    ...environment,
    services: environment.services.map((service) => ({
      ...service,
      diff: redactor.text(service.diff),
      objects: service.objects.map((object) => ({
        ...object,
        summary: object.summary.map((s) => redactor.text(s)),
      })),
    })),
  }));
}

function redactNewPolicy(found: NewPolicyFindings, redactor: Redactor): NewPolicyFindings {
  return {
    diagnostics: redactor.diagnostics(found.diagnostics),
    added: redactor.diagnostics(found.added),
    removed: redactor.diagnostics(found.removed),
  };
}

function short(sha: string): string {
  return sha.slice(0, 7);
}
