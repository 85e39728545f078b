/**
 * A URL from the repository (an environment's gitops repoURL, the portal URL
 * in policies/governance.yaml) or the command line, checked before it becomes
 * a link anyone clicks: only `https:`, a host, no user name or password, no
 * query, no fragment. The path is kept without trailing slashes (and a
 * repository's `.git`), so callers join paths with one `/`.
 */
export type HttpsUrl = { ok: true; url: string } | { ok: false; reason: string };

/** `text` as a base URL for links, or why it cannot be one. */
export function parseHttpsUrl(text: string, options: { stripGitSuffix?: boolean } = {}): HttpsUrl {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, reason: "is not a URL" };
  }
  if (url.protocol !== "https:") return { ok: false, reason: `is a ${url.protocol} URL, not https:` };
  if (url.username !== "" || url.password !== "")
    return { ok: false, reason: "carries a user name or password" };
  if (url.search !== "" || url.hash !== "") return { ok: false, reason: "has a query or a fragment" };
  let path = url.pathname.replace(/\/+$/, "");
  if (options.stripGitSuffix) path = path.replace(/\.git$/, "");
  return { ok: true, url: `${url.origin}${path}` };
}

/** `base` joined with path segments, each percent-encoded: a name can never add a segment or a query. */
export function joinUrl(base: string, ...segments: readonly string[]): string {
  return [base, ...segments.map(encodeURIComponent)].join("/");
}
