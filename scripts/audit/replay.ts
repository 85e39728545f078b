import type { FileChange, HistoryCommit } from "../git/history.js";
import type { LoadedDocument } from "../model/document.js";
import { orderByPromotion } from "../model/environments.js";
import { parseYamlDocument } from "../model/parse-yaml.js";
import { resolveRepository } from "../model/resolve.js";
import type { Environment } from "../model/types.generated.js";
import { patchDocument } from "./patch-document.js";
import { diffSettings, type FieldChange, type ServiceSettings, settingsOf } from "./settings.js";

/** The folders whose files the audit follows. */
export const AUDITED_FOLDERS = ["services", "environments", "teams"] as const;

type FileKind = "Service" | "Environment" | "Team";

/** What a path under the audited folders is, and the name it gives (a service's folder, a file's stem). */
export function classifyPath(path: string): { kind: FileKind; name: string } | undefined {
  let match = /^services\/([^/]+)\/service\.yaml$/.exec(path);
  if (match) return { kind: "Service", name: match[1] as string };
  match = /^environments\/([^/]+)\.yaml$/.exec(path);
  if (match) return { kind: "Environment", name: match[1] as string };
  match = /^teams\/([^/]+)\.yaml$/.exec(path);
  if (match) return { kind: "Team", name: match[1] as string };
  return undefined;
}

/**
 * Services keep their identity across renames of their folder: a lineage is
 * one service from the commit that added it to the commit that deleted it,
 * under every name it had. A service deleted and re-created is two lineages.
 */
export interface Lineages {
  /** The lineage each service file change belongs to (renames: the lineage of the old path). */
  byChange: Map<FileChange, number>;
  /** Every name each lineage had, in order. */
  names: Map<number, string[]>;
}

/** One pass over the changes, no file read: which lineage every service file change belongs to. */
export function traceLineages(commits: readonly HistoryCommit[]): Lineages {
  const byChange = new Map<FileChange, number>();
  const names = new Map<number, string[]>();
  const current = new Map<string, number>();
  let next = 0;
  const start = (name: string): number => {
    next += 1;
    names.set(next, [name]);
    return next;
  };
  for (const commit of commits) {
    for (const change of commit.changes) {
      const target = classifyPath(change.path);
      const source = change.from ? classifyPath(change.from) : undefined;
      if (change.status === "deleted") {
        const id = current.get(change.path);
        if (id !== undefined) byChange.set(change, id);
        current.delete(change.path);
        continue;
      }
      if (change.status === "renamed" && change.from && source?.kind === "Service") {
        const id = current.get(change.from);
        current.delete(change.from);
        // Renamed to a path that is no service file, the service is gone: the change still belongs to it.
        if (id !== undefined) byChange.set(change, id);
        if (target?.kind === "Service" && id !== undefined) {
          current.set(change.path, id);
          const known = names.get(id) as string[];
          if (!known.includes(target.name)) known.push(target.name);
          continue;
        }
      }
      if (target?.kind !== "Service") continue;
      let id = current.get(change.path);
      if (id === undefined) {
        id = start(target.name);
        current.set(change.path, id);
      }
      byChange.set(change, id);
    }
  }
  return { byChange, names };
}

/** One service in one environment changed by one commit. */
export interface ServiceEvent {
  commit: HistoryCommit;
  lineage: number;
  /** The service's name after the commit (before it, when removed). */
  service: string;
  environment: string;
  change: "added" | "removed" | "changed";
  /** The fields that changed (changed only; the audit narrows added and removed ones to a --field). */
  fields: FieldChange[];
  /** The settings after (added) or before (removed). */
  settings?: ServiceSettings;
}

interface FileEntry {
  blob: string;
  /** The document of the content this one replaced, when it was parsed: most commits change one line of it. */
  previous?: LoadedDocument;
  /** undefined: not parsed yet; null: not a usable document. */
  parsed?: LoadedDocument | null;
}

interface ResolvedLineage {
  name: string;
  byEnvironment: Map<string, ServiceSettings>;
}

/**
 * The repository's configuration as it was after some main-line commit,
 * kept in memory and moved forward one commit at a time: each commit
 * replaces the files it changed, and only what a commit can affect is
 * resolved again: the service whose file changed; every service, but only
 * in that environment, when an environment changed; every service when a
 * team changed. Files are parsed lazily, once per content, and a one-line
 * edit of a parsed file is applied to its parsed value without parsing
 * (patchDocument). A file that does not parse keeps its last good content
 * (the change shows up with the commit that fixes it).
 */
export class RepositoryReplay {
  readonly #files = new Map<string, FileEntry>();
  readonly #good = new Map<string, LoadedDocument>();
  readonly #lineageOfPath = new Map<string, number>();
  readonly #pathOfLineage = new Map<number, string>();
  /** Every service, environment and team name present: resolve checks references against them. */
  #names: { services: string[]; environments: string[]; teams: string[] } | undefined;
  readonly #resolved = new Map<number, ResolvedLineage>();
  readonly #lineages: Lineages;
  readonly #wanted: (lineage: number) => boolean;
  #blobs = new Map<string, Buffer>();
  #environmentOrder: string[] = [];
  #platformDocs: { environments: LoadedDocument[]; teams: Map<string, LoadedDocument> } | undefined;

  constructor(lineages: Lineages, wanted: (lineage: number) => boolean) {
    this.#lineages = lineages;
    this.#wanted = wanted;
  }

  /** Contents by object id; parsing reads them from here. */
  addBlobs(blobs: ReadonlyMap<string, Buffer>): void {
    if (this.#blobs.size === 0) this.#blobs = new Map(blobs);
    else for (const [sha, bytes] of blobs) this.#blobs.set(sha, bytes);
  }

  /** Moves the files forward by one commit without resolving anything. */
  apply(commit: HistoryCommit): void {
    for (const change of commit.changes) {
      const lineage = this.#lineages.byChange.get(change);
      if (change.status === "deleted") {
        this.#remove(change.path);
        continue;
      }
      const kind = classifyPath(change.path)?.kind;
      const replaced = this.#files.get(change.from ?? change.path)?.parsed ?? undefined;
      if (change.from && change.status === "renamed") this.#remove(change.from);
      if (!kind || !change.blob) continue;
      this.#files.set(change.path, { blob: change.blob, ...(replaced ? { previous: replaced } : {}) });
      if (kind === "Service" && lineage !== undefined) {
        this.#lineageOfPath.set(change.path, lineage);
        this.#pathOfLineage.set(lineage, change.path);
      }
      if (kind !== "Service") this.#platformDocs = undefined;
      if (change.status !== "modified") this.#names = undefined;
    }
  }

  /** The object ids of the files resolution needs now: environments, teams and the wanted services. */
  neededBlobs(): string[] {
    const needed: string[] = [];
    for (const [path, entry] of this.#files) {
      const lineage = this.#lineageOfPath.get(path);
      if (lineage === undefined || this.#wanted(lineage)) needed.push(entry.blob);
    }
    return needed;
  }

  /** Resolves every wanted service present now and remembers it as the state to compare with. */
  resolveAll(): void {
    const lineages = [...this.#lineageOfPath.values()].filter(this.#wanted);
    for (const [lineage, resolved] of this.#resolveLineages(lineages)) this.#resolved.set(lineage, resolved);
  }

  /**
   * Moves forward by one commit and returns what changed in every affected
   * wanted service, per environment.
   */
  step(commit: HistoryCommit): ServiceEvent[] {
    const affected = new Set<number>();
    const environments = new Set<string>();
    let teams = false;
    for (const change of commit.changes) {
      for (const path of change.from ? [change.path, change.from] : [change.path]) {
        const target = classifyPath(path);
        if (target?.kind === "Environment") environments.add(target.name);
        if (target?.kind === "Team") teams = true;
      }
      const lineage = this.#lineages.byChange.get(change);
      if (lineage !== undefined && this.#wanted(lineage)) affected.add(lineage);
    }
    this.apply(commit);
    // A team change can reach any service in any environment; an environment change only that environment.
    const others = new Set<number>();
    if (teams || environments.size > 0) {
      for (const lineage of this.#resolved.keys()) if (!affected.has(lineage)) others.add(lineage);
      for (const lineage of this.#lineageOfPath.values())
        if (this.#wanted(lineage) && !affected.has(lineage)) others.add(lineage);
    }
    const after = this.#resolveLineages([...(teams ? others : []), ...affected]);
    if (!teams && others.size > 0) {
      const partial = this.#resolveLineages([...others], environments);
      for (const lineage of others) {
        const before = this.#resolved.get(lineage);
        const now = partial.get(lineage);
        const byEnvironment = new Map(before?.byEnvironment ?? []);
        for (const environment of environments) byEnvironment.delete(environment);
        for (const [environment, settings] of now?.byEnvironment ?? [])
          byEnvironment.set(environment, settings);
        const name = now?.name ?? before?.name;
        if (name !== undefined && byEnvironment.size > 0) after.set(lineage, { name, byEnvironment });
      }
    }
    const events: ServiceEvent[] = [];
    for (const lineage of [...affected, ...others].sort((a, b) => this.#compareLineages(a, b, after))) {
      const before = this.#resolved.get(lineage);
      const now = after.get(lineage);
      events.push(...this.#compare(commit, lineage, before, now));
      if (now) this.#resolved.set(lineage, now);
      else this.#resolved.delete(lineage);
    }
    return events;
  }

  /** The settings of every wanted service present now, per environment in promotion order. */
  snapshot(): Map<string, Map<string, ServiceSettings>> {
    const lineages = [...this.#lineageOfPath.values()].filter(this.#wanted);
    const resolved = [...this.#resolveLineages(lineages).values()].sort((a, b) => compare(a.name, b.name));
    this.#platform();
    const byEnvironment = new Map<string, Map<string, ServiceSettings>>();
    for (const environment of this.#environmentOrder) byEnvironment.set(environment, new Map());
    for (const service of resolved) {
      for (const [environment, settings] of service.byEnvironment) {
        byEnvironment.get(environment)?.set(service.name, settings);
      }
    }
    return byEnvironment;
  }

  #remove(path: string): void {
    if (!this.#files.delete(path)) return;
    this.#good.delete(path);
    const lineage = this.#lineageOfPath.get(path);
    if (lineage !== undefined && this.#pathOfLineage.get(lineage) === path)
      this.#pathOfLineage.delete(lineage);
    this.#lineageOfPath.delete(path);
    this.#names = undefined;
    if (classifyPath(path)?.kind !== "Service") this.#platformDocs = undefined;
  }

  #compareLineages(a: number, b: number, after: Map<number, ResolvedLineage>): number {
    const name = (id: number) => after.get(id)?.name ?? this.#resolved.get(id)?.name ?? "";
    return compare(name(a), name(b)) || a - b;
  }

  #compare(
    commit: HistoryCommit,
    lineage: number,
    before: ResolvedLineage | undefined,
    after: ResolvedLineage | undefined,
  ): ServiceEvent[] {
    const environments = this.#orderEnvironments([
      ...(after?.byEnvironment.keys() ?? []),
      ...(before?.byEnvironment.keys() ?? []),
    ]);
    const events: ServiceEvent[] = [];
    for (const environment of environments) {
      const old = before?.byEnvironment.get(environment);
      const now = after?.byEnvironment.get(environment);
      const base = { commit, lineage, environment, fields: [] as FieldChange[] };
      if (!old && now) {
        events.push({ ...base, service: after?.name ?? "", change: "added", settings: now });
      } else if (old && !now) {
        events.push({ ...base, service: before?.name ?? "", change: "removed", settings: old });
      } else if (old && now) {
        const fields = diffSettings(old, now);
        if (before && after && before.name !== after.name)
          fields.unshift({ field: "name", before: before.name, after: after.name });
        if (fields.length > 0)
          events.push({ ...base, service: after?.name ?? "", change: "changed", fields });
      }
    }
    return events;
  }

  #orderEnvironments(names: readonly string[]): string[] {
    const rank = (name: string) => {
      const index = this.#environmentOrder.indexOf(name);
      return index < 0 ? Number.MAX_SAFE_INTEGER : index;
    };
    return [...new Set(names)].sort((a, b) => rank(a) - rank(b) || compare(a, b));
  }

  /**
   * Resolves the given lineages against the current environments and teams
   * (only `environments` when given); absent ones are left out.
   */
  #resolveLineages(
    lineages: readonly number[],
    environments?: ReadonlySet<string>,
  ): Map<number, ResolvedLineage> {
    const result = new Map<number, ResolvedLineage>();
    const docs: LoadedDocument[] = [];
    const lineageOfFile = new Map<string, number>();
    const platform = this.#platform();
    const teams = new Set<LoadedDocument>();
    const paths: [string, number][] = [];
    for (const lineage of new Set(lineages)) {
      const path = this.#pathOfLineage.get(lineage);
      if (path !== undefined) paths.push([path, lineage]);
    }
    paths.sort((a, b) => compare(a[0], b[0]));
    for (const [path, lineage] of paths) {
      const doc = this.#document(path, "Service");
      if (doc) {
        docs.push(doc);
        lineageOfFile.set(path, lineage);
        const team = platform.teams.get((doc.value as { metadata: { team: string } }).metadata.team);
        if (team) teams.add(team);
      } else if (!environments) {
        // Present but never readable: it keeps what it last resolved to, if anything.
        const previous = this.#resolved.get(lineage);
        if (previous) result.set(lineage, previous);
      }
    }
    if (docs.length === 0) return result;
    const input = {
      environments: environments
        ? platform.environments.filter((doc) => environments.has(classifyPath(doc.file)?.name ?? ""))
        : platform.environments,
      // Resolving a service needs its own team only; fewer teams is less cross-checking per call.
      teams: [...teams],
      // Everything present counts as existing: references to what this call leaves out are not findings
      // (the audit reports no findings, and making them costs time).
      broken: this.#presentNames(),
    };
    const collect = (services: LoadedDocument[]) => {
      const resolution = resolveRepository({ ...input, services });
      for (const service of resolution.services) {
        const lineage = lineageOfFile.get(service.file);
        if (lineage === undefined) continue;
        let entry = result.get(lineage);
        if (!entry) {
          entry = { name: classifyPath(service.file)?.name ?? service.name, byEnvironment: new Map() };
          result.set(lineage, entry);
        }
        entry.byEnvironment.set(service.environment, settingsOf(service));
      }
    };
    try {
      collect(docs);
    } catch {
      // One malformed file must not hide every other service: resolve them one by one.
      for (const doc of docs) {
        try {
          collect([doc]);
        } catch {
          const lineage = lineageOfFile.get(doc.file) as number;
          const previous = this.#resolved.get(lineage);
          if (previous && !environments) result.set(lineage, previous);
        }
      }
    }
    // A service whose team is unknown (or disabled everywhere) resolves to nothing: it is absent.
    return result;
  }

  #presentNames(): { services: string[]; environments: string[]; teams: string[] } {
    if (this.#names) return this.#names;
    const names = { services: [] as string[], environments: [] as string[], teams: [] as string[] };
    for (const path of this.#files.keys()) {
      const target = classifyPath(path);
      if (target?.kind === "Service") names.services.push(target.name);
      else if (target?.kind === "Environment") names.environments.push(target.name);
      else if (target?.kind === "Team") names.teams.push(target.name);
    }
    this.#names = names;
    return names;
  }

  #platform(): { environments: LoadedDocument[]; teams: Map<string, LoadedDocument> } {
    if (this.#platformDocs) return this.#platformDocs;
    const environments: LoadedDocument[] = [];
    const teams = new Map<string, LoadedDocument>();
    for (const path of [...this.#files.keys()].sort(compare)) {
      const kind = classifyPath(path)?.kind;
      if (kind === "Service" || !kind) continue;
      const doc = this.#document(path, kind);
      if (doc && kind === "Environment") environments.push(doc);
      const name = (doc?.value as { metadata?: { name?: string } } | undefined)?.metadata?.name;
      if (doc && kind === "Team" && name !== undefined && !teams.has(name)) teams.set(name, doc);
    }
    this.#environmentOrder = orderByPromotion(
      environments.map((doc) => {
        const value = doc.value as Environment;
        return { name: value.metadata.name, file: doc.file, spec: value.spec };
      }),
    ).map((e) => e.name);
    this.#platformDocs = { environments, teams };
    return this.#platformDocs;
  }

  /** The file's document, parsed once per content; the last good one when the current content is unusable. */
  #document(path: string, kind: FileKind): LoadedDocument | undefined {
    const entry = this.#files.get(path);
    if (!entry) return undefined;
    if (entry.parsed === undefined) {
      const bytes = this.#blobs.get(entry.blob);
      let doc: LoadedDocument | undefined;
      if (bytes && entry.previous) doc = patchDocument(entry.previous, path, bytes.toString("utf8"));
      if (bytes && !doc) doc = parseYamlDocument(path, bytes).document;
      entry.previous = undefined;
      entry.parsed = doc && usable(doc.value, kind) ? doc : null;
      if (entry.parsed) this.#good.set(path, entry.parsed);
    }
    return this.#good.get(path);
  }
}

/** Enough shape for resolve to work with; full schema validation is validate's job, not history's. */
function usable(value: unknown, kind: FileKind): boolean {
  const doc = value as { kind?: unknown; metadata?: { name?: unknown; team?: unknown }; spec?: unknown };
  if (doc?.kind !== kind || typeof doc.metadata?.name !== "string") return false;
  if (typeof doc.spec !== "object" || doc.spec === null || Array.isArray(doc.spec)) return false;
  if (kind !== "Service") return true;
  const spec = doc.spec as { image?: unknown; type?: unknown };
  return (
    typeof doc.metadata.team === "string" && typeof spec.image === "string" && typeof spec.type === "string"
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
