/** The site's own pages and their paths from the site root (docs/portal.md: the stable URL scheme). */
export type PagePath =
  | "index.html"
  | "graph.html"
  | "policies.html"
  | `services/${string}.html`
  | `teams/${string}.html`
  | `environments/${string}.html`;

/** The path of a service, team or environment page from the site root. */
export const servicePath = (name: string): PagePath => `services/${name}.html`;
export const teamPath = (name: string): PagePath => `teams/${name}.html`;
export const environmentPath = (name: string): PagePath => `environments/${name}.html`;

/**
 * A link from the page at `from` to `to`, relative, so the site works from
 * file://, from a sub-path (a GitHub Pages project site) and from a server root alike.
 */
export function relativeLink(from: string, to: string): string {
  const depth = from.split("/").length - 1;
  return "../".repeat(depth) + to;
}
