import { GitRepository } from "../git/repository.js";
import type { ResolvedService } from "../model/resolved.js";
import { settingsFingerprint } from "../model/settings-fingerprint.js";
import { validateRepository } from "../model/validate-repository.js";
import type { ChangeContext } from "../policy/input.js";

/** The folders whose content decides what is resolved. */
const SOURCE_FOLDERS = ["environments", "teams", "services", "schemas"] as const;

/** What the change is compared with and who made it. */
export interface ChangeOptions {
  base: string;
  author?: string;
}

/**
 * The change under review, from git: the files it touches since it left
 * `base`, and per environment the services whose resolved settings differ
 * from the base (what change freezes and promotion care about; a change of an
 * environment default counts for every service it reaches). `head` is the
 * root's resolved services when the caller already has them.
 */
export async function buildChangeContext(
  root: string,
  options: ChangeOptions,
  head: readonly ResolvedService[] = validateRepository(root).services,
): Promise<ChangeContext> {
  const git = new GitRepository(root);
  const since = await git.mergeBase(options.base);
  const files = await git.changedFiles(since);
  const baseTree = await git.exportTree(since, SOURCE_FOLDERS);
  try {
    const before = validateRepository(baseTree.path).services;
    return {
      base: options.base,
      files,
      changedServices: changedServices(before, head),
      ...(options.author ? { author: options.author } : {}),
    };
  } finally {
    baseTree.remove();
  }
}

/** Per environment, the services added, removed or resolved differently. */
export function changedServices(
  before: readonly ResolvedService[],
  after: readonly ResolvedService[],
): Record<string, string[]> {
  const key = (s: ResolvedService) => `${s.environment}\u0000${s.name}`;
  const old = new Map(before.map((s) => [key(s), settingsFingerprint(s)]));
  const now = new Map(after.map((s) => [key(s), settingsFingerprint(s)]));
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
