import type { EnvironmentModel } from "../model/resolved.js";
import { webUrl } from "./html.js";

/**
 * Where the repository lives on GitHub, for "source" and "edit" links and pull
 * request numbers. Taken from the environments' GitOps `repoURL` (the first
 * environment in promotion order): that is this repository as its
 * controllers read it, declared in the repository itself, so the site is the
 * same whoever builds it (a local `git remote` differs between clones and forks).
 */
export interface RepositoryLinks {
  /** https://github.com/acme/platform, without `.git`. */
  url: string;
  /** The branch the controllers follow: links point at files on it. */
  revision: string;
}

/** The links, or undefined when no environment names an http(s) repository. */
export function repositoryLinks(environments: readonly EnvironmentModel[]): RepositoryLinks | undefined {
  for (const environment of environments) {
    const gitops = environment.spec.gitops;
    const url = gitops?.repoURL ? webUrl(gitops.repoURL.replace(/\.git$/, "")) : undefined;
    if (url) return { url: url.replace(/\/$/, ""), revision: gitops?.revision ?? "main" };
  }
  return undefined;
}

/** The file on the default branch. */
export function sourceUrl(links: RepositoryLinks, file: string): string {
  return `${links.url}/blob/${encodeURIComponent(links.revision)}/${file}`;
}

/** GitHub's editor for the file: saving it proposes a pull request for anyone without write access. */
export function editUrl(links: RepositoryLinks, file: string): string {
  return `${links.url}/edit/${encodeURIComponent(links.revision)}/${file}`;
}

/** A pull request of the repository. */
export function pullRequestUrl(links: RepositoryLinks, number: number): string {
  return `${links.url}/pull/${number}`;
}

/** A commit of the repository. */
export function commitUrl(links: RepositoryLinks, sha: string): string {
  return `${links.url}/commit/${sha}`;
}
