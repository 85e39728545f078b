import { UsageError } from "../errors.js";
import { GitHistory, type HistoryCommit } from "../git/history.js";
import { closestName } from "../model/names.js";
import { type Author, pullRequestOf, toAuthor } from "./attribution.js";
import { isoTime, parseDateFlag } from "./dates.js";
import {
  AUDITED_FOLDERS,
  classifyPath,
  RepositoryReplay,
  type ServiceEvent,
  traceLineages,
} from "./replay.js";
import {
  checkFieldPath,
  diffSettings,
  type FieldChange,
  fieldMatches,
  type ServiceSettings,
  type SettingValue,
} from "./settings.js";

/** What to audit: every filter is optional. */
export interface AuditOptions {
  root: string;
  /** A service name, current or past (every service that ever had the name). */
  service?: string;
  environment?: string;
  /** YYYY-MM-DD or an ISO 8601 moment with an offset: changes from then on. */
  since?: string;
  /** YYYY-MM-DD (the end of that day, UTC) or a moment: the state then, instead of a timeline. */
  at?: string;
  /** A dotted settings path prefix: `image`, `resources.cpu`, `env`. */
  field?: string;
}

/** The main-line commit a change landed with. */
export interface CommitRef {
  sha: string;
  /** When it landed on the main line (committer time), ISO 8601 in UTC. */
  date: string;
  /** The author of the change: for a merge commit, the author of the merged branch's head. */
  author: Author;
  pr: number | null;
  subject: string;
}

/** One service in one environment changed by one commit. */
export interface AuditEvent {
  commit: CommitRef;
  service: string;
  environment: string;
  change: "added" | "removed" | "changed";
  /**
   * The fields that changed (for `changed`; a rename shows as `name`); with
   * `--field`, for `added` and `removed` too: the values under that field.
   */
  fields: FieldChange[];
  /** The settings after (added) or before (removed). */
  settings?: ServiceSettings;
}

/** The timeline: what changed, newest first. */
export interface AuditTimeline {
  kind: "timeline";
  events: AuditEvent[];
  /** Main-line commits read that touched services/, environments/ or teams/. */
  commitsRead: number;
}

/** What every service ran in each environment at one moment. */
export interface AuditSnapshot {
  kind: "snapshot";
  /** The moment asked for, ISO 8601 in UTC. */
  at: string;
  /** The last main-line commit at or before that moment that touched the configuration; null before the first. */
  commit: CommitRef | null;
  environments: { name: string; services: SnapshotService[] }[];
  /** The `--field` the snapshot is limited to, if any. */
  field?: string;
}

/** One service in a snapshot: its settings, and with `--field` the values under that path. */
export interface SnapshotService {
  service: string;
  settings: ServiceSettings;
  /** With `--field`: each matching settings path and its value (services without one are left out). */
  fields?: { field: string; value: SettingValue }[];
}

/**
 * `idp audit` as a library call: reads the first-parent history of HEAD
 * (renames followed), replays the configuration commit by commit, resolves
 * the affected services before and after every commit and reports what
 * changed per (service, environment), attributed to its author, commit and
 * pull request. With `at`, the state at that moment instead.
 */
export async function auditHistory(options: AuditOptions): Promise<AuditTimeline | AuditSnapshot> {
  if (options.at !== undefined && options.since !== undefined)
    throw new UsageError("--at shows one moment and --since a period: use one of them");
  const field = options.field;
  if (field !== undefined) {
    const problem = checkFieldPath(field);
    if (problem) throw new UsageError(`--field ${JSON.stringify(field)}: ${problem}`);
  }
  const since = options.since === undefined ? undefined : parseDateFlag("--since", options.since, "start");
  const at = options.at === undefined ? undefined : parseDateFlag("--at", options.at, "end");
  const git = new GitHistory(options.root);
  const commits = await git.firstParentLog(AUDITED_FOLDERS);
  const lineages = traceLineages(commits);
  const wanted = wantedLineages(lineages.names, options.service);
  checkEnvironment(commits, options.environment);
  const replay = new RepositoryReplay(lineages, wanted ? (id) => wanted.has(id) : () => true);

  if (at !== undefined) {
    let last = -1;
    commits.forEach((commit, index) => {
      if (commit.time <= at) last = index;
    });
    for (const commit of commits.slice(0, last + 1)) replay.apply(commit);
    replay.addBlobs(await git.readObjects(replay.neededBlobs()));
    const environments = [...replay.snapshot()]
      .filter(([name]) => options.environment === undefined || name === options.environment)
      .map(([name, services]) => ({
        name,
        services: [...services].flatMap(([service, settings]): SnapshotService[] => {
          if (field === undefined) return [{ service, settings }];
          const fields = matchingFields({}, settings, field).map((f) => ({ field: f.field, value: f.after }));
          return fields.length > 0 ? [{ service, settings, fields }] : [];
        }),
      }));
    const commit = commits[last];
    const refs = commit ? await commitRefs(git, [commit]) : new Map<string, CommitRef>();
    return {
      kind: "snapshot",
      at: isoTime(at),
      commit: commit ? (refs.get(commit.sha) ?? null) : null,
      environments,
      ...(field !== undefined ? { field } : {}),
    };
  }

  let start = since === undefined ? 0 : commits.findIndex((commit) => commit.time >= since);
  if (start < 0) start = commits.length;
  for (const commit of commits.slice(0, start)) replay.apply(commit);
  const needed = replay.neededBlobs();
  for (const commit of commits.slice(start)) {
    for (const change of commit.changes) {
      if (!change.blob || !classifyPath(change.path)) continue;
      const lineage = lineages.byChange.get(change);
      if (lineage === undefined || !wanted || wanted.has(lineage)) needed.push(change.blob);
    }
  }
  replay.addBlobs(await git.readObjects(needed));
  if (start > 0) replay.resolveAll();

  const found: ServiceEvent[] = [];
  for (const commit of commits.slice(start)) {
    for (const event of replay.step(commit)) {
      if (since !== undefined && commit.time < since) continue;
      if (options.environment !== undefined && event.environment !== options.environment) continue;
      const kept = field === undefined ? event : limitToField(event, field);
      if (kept) found.push(kept);
    }
  }
  const refs = await commitRefs(git, [...new Set(found.map((e) => e.commit))]);
  const events: AuditEvent[] = [];
  // Newest first; within a commit, services by name and environments in promotion order.
  for (let index = found.length - 1; index >= 0; ) {
    const commit = (found[index] as ServiceEvent).commit;
    let first = index;
    while (first > 0 && (found[first - 1] as ServiceEvent).commit === commit) first -= 1;
    for (const event of found.slice(first, index + 1)) {
      events.push({
        commit: refs.get(commit.sha) as CommitRef,
        service: event.service,
        environment: event.environment,
        change: event.change,
        fields: event.fields,
        ...(event.settings ? { settings: event.settings } : {}),
      });
    }
    index = first - 1;
  }
  return { kind: "timeline", events, commitsRead: commits.length };
}

/**
 * The event as far as it concerns `field`, or undefined when it does not:
 * a service added or removed is shown by the values it had under the field.
 */
function limitToField(event: ServiceEvent, field: string): ServiceEvent | undefined {
  const fields =
    event.change === "changed"
      ? event.fields.filter((f) => fieldMatches(f.field, field))
      : event.change === "added"
        ? matchingFields({}, event.settings ?? {}, field)
        : matchingFields(event.settings ?? {}, {}, field);
  return fields.length > 0 ? { ...event, fields } : undefined;
}

/** The leaf changes from `before` to `after` under `field`. */
function matchingFields(before: ServiceSettings, after: ServiceSettings, field: string): FieldChange[] {
  return diffSettings(before, after).filter((f) => fieldMatches(f.field, field));
}

/** The lineages that ever had the name; a name no service ever had is a usage error, with a suggestion. */
function wantedLineages(names: Map<number, string[]>, service: string | undefined): Set<number> | undefined {
  if (service === undefined) return undefined;
  const wanted = new Set<number>();
  for (const [id, known] of names) if (known.includes(service)) wanted.add(id);
  if (wanted.size > 0) return wanted;
  const every = [...new Set([...names.values()].flat())].sort();
  const suggestion = closestName(service, every);
  throw new UsageError(
    `unknown service "${service}": no services/${service}/service.yaml in the history of HEAD` +
      (suggestion
        ? `; did you mean "${suggestion}"?`
        : every.length > 0
          ? ""
          : "; the history has no services"),
  );
}

function checkEnvironment(commits: readonly HistoryCommit[], environment: string | undefined): void {
  if (environment === undefined) return;
  const every = new Set<string>();
  for (const commit of commits) {
    for (const change of commit.changes) {
      const target = classifyPath(change.path);
      if (target?.kind === "Environment") every.add(target.name);
    }
  }
  if (every.has(environment)) return;
  const suggestion = closestName(environment, [...every].sort());
  throw new UsageError(
    `unknown environment "${environment}": no environments/${environment}.yaml in the history of HEAD` +
      (suggestion ? `; did you mean "${suggestion}"?` : `; known: ${[...every].sort().join(", ") || "none"}`),
  );
}

/** Attribution of each commit; a merge is attributed to the author of the branch it merged. */
async function commitRefs(
  git: GitHistory,
  commits: readonly HistoryCommit[],
): Promise<Map<string, CommitRef>> {
  const merged = commits.filter((c) => c.parents.length > 1).map((c) => c.parents[1] as string);
  const branchAuthors = merged.length > 0 ? await git.authorsOf(merged) : new Map();
  const refs = new Map<string, CommitRef>();
  for (const commit of commits) {
    const person =
      (commit.parents.length > 1 && branchAuthors.get(commit.parents[1] as string)) || commit.author;
    refs.set(commit.sha, {
      sha: commit.sha,
      date: isoTime(commit.time),
      author: toAuthor(person),
      pr: pullRequestOf(commit.subject),
      subject: commit.subject,
    });
  }
  return refs;
}
