import { type Content, Html, HtmlBytes, type HtmlParts, html } from "./html.js";
import { relativeLink } from "./site.js";

/** The site's own files, from the site root. */
export const STYLESHEET = "assets/portal.css";
export const SCRIPT = "assets/portal.js";
/** Without an icon of its own, a browser asks for /favicon.ico: above a sub-path site, a 404. */
export const ICON = "assets/favicon.svg";

/**
 * Only the site's own files: no inline script or style, nothing from the
 * network, no forms posting anywhere. A description with `<script>` in it is
 * escaped text anyway; this is the second wall.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'";

/** The top navigation: label and target page. */
const NAVIGATION: readonly [string, string][] = [
  ["Catalog", "index.html"],
  ["Teams", "teams.html"],
  ["Environments", "environments.html"],
  ["Graph", "graph.html"],
  ["Policies", "policies.html"],
];

/** What a page is: its path (for relative links), title and section of the navigation. */
export interface PageFrame {
  path: string;
  title: string;
  /** The navigation entry to mark current (its target page). */
  section: string;
  /** Text for the footer: where the site was built from. */
  footer: Content;
}

/** A page as written: its text, or its pieces in order, text and UTF-8 bytes (a manifest as read from disk). */
export type PageContent = string | readonly (string | Uint8Array)[];

/**
 * A whole HTML document around `body`: head with the policy, skip link,
 * navigation landmarks, footer. `tail` is markup after the body, in pieces
 * that may be bytes: then the document is pieces too.
 */
export function page(frame: PageFrame, body: Content, tail: HtmlParts = []): PageContent {
  const to = (target: string) => relativeLink(frame.path, target);
  const items = NAVIGATION.map(
    ([label, target]) =>
      html`<li><a href="${to(target)}"${target === frame.section ? new Html(' aria-current="page"') : ""}>${label}</a></li>`,
  );
  const start = `<!doctype html>\n${
    html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="referrer" content="no-referrer">
<title>${frame.title} · Platform portal</title>
<link rel="icon" href="${to(ICON)}" type="image/svg+xml">
<link rel="stylesheet" href="${to(STYLESHEET)}">
<script src="${to(SCRIPT)}" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
<nav aria-label="Main"><a class="brand" href="${to("index.html")}">Platform portal</a><ul>${items}</ul></nav>
</header>
<main id="main" tabindex="-1">
${body}`.text
  }`;
  const end = html`
</main>
<footer class="foot"><p>${frame.footer}</p></footer>
</body>
</html>
`.text;
  if (tail.length === 0) return start + end;
  return [start, ...tail.map((part) => (part instanceof HtmlBytes ? part.bytes : part.text)), end];
}
