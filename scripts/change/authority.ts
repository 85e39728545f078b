import { existsSync } from "node:fs";
import { join } from "node:path";
import type { LoadedDocument } from "../model/document.js";
import { discoverRepository, readRepositoryFile } from "../model/load.js";
import type { ResolvedService } from "../model/resolved.js";
import { unshared } from "../model/unshared-services.js";

/**
 * Who may do what in a pull request, read from its merge base and never from
 * the pull request itself: an author who adds themself to a team, or moves a
 * service to their own team, in the change under review gains nothing by it.
 */
export interface Authority {
  /** Team name → members (GitHub logins), as the base's `teams/*.yaml` say. */
  members: Record<string, string[]>;
  /** Service name → owning team on the base (a service the change adds has none). */
  owners: Record<string, string>;
  /** Service name → the team the head's service file names. */
  teams: Record<string, string>;
}

/**
 * Reads the authority of a change from `baseDir`, an export of its merge base
 * holding at least `teams/` and the base's versions of the changed service
 * files. A service file the change does not touch names the same team on both
 * sides, so only the changed ones are read from the base; `headServices` are
 * the head's schema-valid service documents. A team file of the base that
 * does not parse gives its team no members (fail closed).
 */
export function readAuthority(
  baseDir: string,
  headServices: Iterable<LoadedDocument>,
  changedFiles: readonly string[],
): Authority {
  const members: Record<string, string[]> = {};
  for (const file of discoverRepository(baseDir).teams) {
    const value = readRepositoryFile(baseDir, file).document?.value;
    const name = field(value, "metadata", "name");
    const list = field(value, "spec", "members");
    if (typeof name !== "string" || name === "__proto__") continue;
    members[name] = Array.isArray(list) ? list.filter((m): m is string => typeof m === "string") : [];
  }
  const teams: Record<string, string> = {};
  for (const document of headServices) {
    const name = field(document.value, "metadata", "name");
    const team = field(document.value, "metadata", "team");
    if (typeof name === "string" && typeof team === "string") teams[name] = team;
  }
  const owners: Record<string, string> = { ...teams };
  for (const file of changedFiles) {
    const match = /^services\/([^/]+)\/service\.yaml$/.exec(file);
    if (!match?.[1]) continue;
    delete owners[match[1]];
    if (!existsSync(join(baseDir, file))) continue;
    const value = readRepositoryFile(baseDir, file).document?.value;
    const team = field(value, "metadata", "team");
    if (typeof team === "string") owners[match[1]] = team;
  }
  return { members, owners, teams };
}

/**
 * Per environment, per service: the services it calls on the head but did
 * not call on the base. A new call lets the caller in through the callee's
 * NetworkPolicy, so it is a change to the callee's team's service.
 */
export function newCalls(
  before: readonly ResolvedService[],
  after: readonly ResolvedService[],
): Record<string, Record<string, string[]>> {
  const key = (s: ResolvedService) => `${s.environment}\u0000${s.name}`;
  // The same object on both sides calls the same services.
  const [onlyBefore, onlyAfter] = unshared(before, after);
  const old = new Map(onlyBefore.map((s) => [key(s), new Set(s.calls)]));
  const found: Record<string, Record<string, string[]>> = {};
  for (const service of onlyAfter) {
    const known = old.get(key(service));
    const added = service.calls.filter((name) => !known?.has(name));
    if (added.length === 0) continue;
    const environment = found[service.environment] ?? {};
    environment[service.name] = [...added].sort();
    found[service.environment] = environment;
  }
  return found;
}

function field(value: unknown, outer: string, inner: string): unknown {
  if (typeof value !== "object" || value === null) return undefined;
  const section = (value as Record<string, unknown>)[outer];
  if (typeof section !== "object" || section === null) return undefined;
  return (section as Record<string, unknown>)[inner];
}
