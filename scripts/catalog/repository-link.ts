import type { LoadedDocument } from "../model/document.js";
import type { EnvironmentModel } from "../model/resolved.js";
import { type Diagnostic, warning } from "../report/diagnostic.js";
import { joinUrl, parseHttpsUrl } from "./https-url.js";

/** Where the repository's files are seen and edited on GitHub. */
export interface RepositoryLink {
  /** https://github.com/acme/platform */
  web: string;
  /** The branch links point at: main. */
  branch: string;
}

/** The repository link, or the warning saying why the catalog has none. */
export interface RepositoryLinkResult {
  link?: RepositoryLink;
  diagnostics: Diagnostic[];
}

/**
 * Where the catalog's source links point. `--repo-url` (CI passes
 * `$GITHUB_SERVER_URL/$GITHUB_REPOSITORY`) wins; otherwise the `gitops.repoURL`
 * the environments clone this repository from, which the platform team owns
 * and reviews, when every environment names the same one. Never the local
 * clone's `origin`: that is whatever the person running it configured (an ssh
 * alias, a fork, a URL with a token in it). The branch is the first
 * environment's `gitops.revision` (default main), the branch merges land on.
 * Only https URLs are used; anything else is a warning and no links.
 */
export function findRepositoryLink(
  environments: readonly EnvironmentModel[],
  documents: ReadonlyMap<string, LoadedDocument>,
  repoUrl?: string,
): RepositoryLinkResult {
  const branch = environments[0]?.spec.gitops.revision ?? "main";
  if (repoUrl !== undefined) {
    const parsed = parseHttpsUrl(repoUrl, { stripGitSuffix: true });
    // The flag was checked when it was parsed (a usage error); this keeps the type honest.
    return parsed.ok ? { link: { web: parsed.url, branch }, diagnostics: [] } : { diagnostics: [] };
  }
  const first = environments[0];
  if (!first) return { diagnostics: [] };
  const at = (environment: EnvironmentModel) =>
    documents.get(environment.file)?.locate(["spec", "gitops", "repoURL"]) ?? { line: 1, column: 1 };
  const other = environments.find((e) => e.spec.gitops.repoURL !== first.spec.gitops.repoURL);
  if (other) {
    return {
      diagnostics: [
        warning(
          "catalog.repository-url",
          `environments clone different repositories (${first.name}: ${first.spec.gitops.repoURL}, ${other.name}: ${other.spec.gitops.repoURL}); the catalog has no links to its source files`,
          other.file,
          at(other),
          "pass --repo-url https://github.com/OWNER/NAME",
        ),
      ],
    };
  }
  const parsed = parseHttpsUrl(first.spec.gitops.repoURL, { stripGitSuffix: true });
  if (parsed.ok) return { link: { web: parsed.url, branch }, diagnostics: [] };
  return {
    diagnostics: [
      warning(
        "catalog.repository-url",
        `gitops.repoURL ${parsed.reason}; the catalog has no links to its source files`,
        first.file,
        at(first),
        "pass --repo-url https://github.com/OWNER/NAME",
      ),
    ],
  };
}

/** `<web>/<view>/<branch>/<path>`: view is blob (a file), tree (a folder) or edit (GitHub's editor). */
export function fileUrl(link: RepositoryLink, view: "blob" | "tree" | "edit", path: string): string {
  return joinUrl(link.web, view, ...link.branch.split("/"), ...path.split("/"));
}
