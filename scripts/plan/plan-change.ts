import { newCalls, readAuthority } from "../change/authority.js";
import { changedServices, serviceDocuments } from "../change/change-context.js";
import { today as currentDay } from "../check-repository.js";
import { type CostChange, compareCosts } from "../cost/cost-delta.js";
import { GitRepository } from "../git/repository.js";
import { readSchemas } from "../model/read-schemas.js";
import type { Resolution } from "../model/resolve.js";
import { compileSchemas } from "../model/schema.js";
import { validateRepository } from "../model/validate-repository.js";
import type { ChangeContext } from "../policy/input.js";
import { findSecretValues } from "../policy/secret-values.js";
import { hasErrors } from "../report/diagnostic.js";
import { Redactor } from "../report/redact.js";
import { plural } from "../report/text.js";
import { kindOfFile, resolveBaseFromHead } from "./base-resolution.js";
import { findDestruction } from "./destruction.js";
import { acknowledgeByException, readDestructionLimit } from "./destruction-rules.js";
import { judgeChange } from "./judge.js";
import type { Destruction, EnvironmentPlan, NewPolicyFindings, Plan } from "./plan.js";
import { redactSides } from "./redact-side.js";
import type { ResolvedSide } from "./render-keys.js";
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
 * base are read (the head's parsed documents stand for the rest), and only
 * the manifests whose inputs differ are rendered, on both sides.
 */
export async function planChange(root: string, options: PlanOptions): Promise<Plan> {
  // Loading the renderer (cdk8s) takes a while: start it now, so it overlaps git.
  const rendering = import("./render-changes.js");
  rendering.catch(() => undefined);
  const git = new GitRepository(root);
  const baseSha = await git.mergeBase(options.base);
  const [files, headSha, workingTree] = await Promise.all([
    git.changedFiles(baseSha),
    git.headCommit(),
    git.hasUncommittedChanges(BASE_FOLDERS),
  ]);
  const policiesChanged = files.some((f) => f.startsWith("policies/"));
  const schemasChanged = files.some((f) => f.startsWith("schemas/"));
  const rulesChanged = policiesChanged || schemasChanged;
  const baseOnly = options.rules === "base-only";
  const wholeBase = async (): Promise<BaseTree> => ({
    ...(await git.exportTree(baseSha, BASE_FOLDERS)),
    whole: true,
  });
  let tree: BaseTree = rulesChanged
    ? await wholeBase()
    : {
        ...(await git.exportPaths(baseSha, [
          ...AUTHORITY_FOLDERS,
          // Base-only: the base's schemas judge even when the head's are the same bytes.
          ...(baseOnly ? ["schemas"] : []),
          ...files.filter((f) => kindOfFile(f) !== undefined && !f.startsWith("teams/")),
        ])),
        whole: false,
      };
  try {
    // The base's schemas judge; they are the head's own unless the change edits them.
    // Base-only never compiles the head's schemas: they are the pull request's content.
    const ownValidators = baseOnly ? undefined : compileSchemas(readSchemas(root));
    const judgingValidators =
      ownValidators && !schemasChanged ? ownValidators : compileSchemas(readSchemas(tree.path));
    const judged = validateRepository(root, judgingValidators);
    const own = ownValidators && schemasChanged ? validateRepository(root, ownValidators) : judged;
    let base: Resolution | undefined = tree.whole
      ? undefined
      : resolveBaseFromHead(own, tree.path, files, judgingValidators);
    if (!base) {
      if (!tree.whole) {
        tree.remove();
        tree = await wholeBase();
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
    const judgement = judgeChange({
      root,
      judged,
      // Authority comes from the base: its compiled policies and exceptions judge, never the change's.
      policyRoot: tree.path,
      change,
      today,
      // Base-only never evaluates the head's own policy: that is running the pull request's content.
      ...(rulesChanged && !baseOnly ? { own } : {}),
    });
    const secrets = new Set(judgement.secrets);
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
    if (hasErrors(own.diagnostics)) {
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
      for (const value of findSecretValues(policiesChanged ? tree.path : root, baseSide)) secrets.add(value);
      const [redactedBase, redactedHead] = redactSides(baseSide, own, secrets);
      const { countObjects, renderChanges } = await rendering;
      environments = redactEnvironments(renderChanges(redactedBase, redactedHead), new Redactor(secrets));
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
      sources: redactor.sources(new Map([...own.sources, ...judgement.sources]), diagnostics),
    };
  } finally {
    tree.remove();
  }
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
