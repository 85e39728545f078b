import { GitRepository } from "../git/repository.js";
import type { ResolvedService } from "../model/resolved.js";
import { settingsFingerprint } from "../model/settings-fingerprint.js";
import { unshared } from "../model/unshared-services.js";
import { type ValidatedRepository, validateRepository } from "../model/validate-repository.js";
import type { ChangeContext } from "../policy/input.js";
import { newCalls, readAuthority } from "./authority.js";

/**
 * The folders of the base a change is judged with: what decides what is
 * resolved, and what decides who may change it (teams, policies, exceptions).
 */
const BASE_FOLDERS = ["environments", "teams", "services", "schemas", "policies"] as const;

/** What the change is compared with and who made it. */
export interface ChangeOptions {
  base: string;
  author?: string;
}

/** A change under review and the export of its merge base that judges it. */
export interface ReviewedChange {
  change: ChangeContext;
  /** The merge base's tree: its compiled policies and exceptions judge the change. */
  policyRoot: string;
  /** Removes the export of the base. */
  remove: () => void;
}

/**
 * The change under review, from git: the files it touches since it left
 * `base`, per environment the services whose resolved settings differ from
 * the base (what change freezes and promotion care about; a change of an
 * environment default counts for every service it reaches) and the calls it
 * adds, and the authority of the base (team members, service owners). The
 * caller judges it with the policies at `policyRoot` (the base's) and calls
 * `remove` when done. `head` is the root validated.
 */
export async function reviewChange(
  root: string,
  options: ChangeOptions,
  head: ValidatedRepository = validateRepository(root),
): Promise<ReviewedChange> {
  const git = new GitRepository(root);
  const since = await git.mergeBase(options.base);
  const files = await git.changedFiles(since);
  const baseTree = await git.exportTree(since, BASE_FOLDERS);
  try {
    const before = validateRepository(baseTree.path).services;
    const authority = readAuthority(baseTree.path, serviceDocuments(head), files);
    return {
      change: {
        base: options.base,
        files,
        changedServices: changedServices(before, head.services),
        newCalls: newCalls(before, head.services),
        ...authority,
        ...(options.author ? { author: options.author } : {}),
      },
      policyRoot: baseTree.path,
      remove: baseTree.remove,
    };
  } catch (caught) {
    baseTree.remove();
    throw caught;
  }
}

/** The head's schema-valid service documents. */
export function serviceDocuments(head: ValidatedRepository) {
  return [...head.documents.values()].filter((d) => /^services\/[^/]+\/service\.yaml$/.test(d.file));
}

/** Per environment, the services added, removed or resolved differently. */
export function changedServices(
  before: readonly ResolvedService[],
  after: readonly ResolvedService[],
): Record<string, string[]> {
  const key = (s: ResolvedService) => `${s.environment}\u0000${s.name}`;
  // A service object on both sides (the base shares every unchanged one with the head) is unchanged.
  const [onlyBefore, onlyAfter] = unshared(before, after);
  const old = new Map(onlyBefore.map((s) => [key(s), settingsFingerprint(s)]));
  const now = new Map(onlyAfter.map((s) => [key(s), settingsFingerprint(s)]));
  const changed: Record<string, Set<string>> = {};
  for (const k of new Set([...old.keys(), ...now.keys()])) {
    if (old.get(k) === now.get(k)) continue;
    const [environment = "", name = ""] = k.split("\u0000");
    const names = changed[environment] ?? new Set<string>();
    names.add(name);
    changed[environment] = names;
  }
  return Object.fromEntries(Object.entries(changed).map(([env, names]) => [env, [...names].sort()]));
}
