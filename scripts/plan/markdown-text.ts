/** A zero-width space, as an entity: breaks a mention or an autolink and shows nothing. */
export const ZERO_WIDTH = "&#8203;";

/**
 * Text from the repository or from git (values, names, messages, authors)
 * made inert in Markdown: HTML and Markdown punctuation escaped, so a value
 * cannot close a `<details>`, open a link or break a table; `@` followed by a
 * zero-width space, so `@org/team` or `@user` notifies nobody (and an e-mail
 * address is no link); `scheme://` and `www.` broken the same way, so a bare
 * URL is not turned into a link; line breaks folded into spaces.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/([\\`*_[\]|~#])/g, "\\$1")
    .replace(/\r?\n|\r/g, " ")
    .replace(/@/g, `@${ZERO_WIDTH}`)
    .replace(/([A-Za-z][A-Za-z0-9+.-]*):\/\//g, `$1:${ZERO_WIDTH}//`)
    .replace(/\b(www)\./gi, `$1${ZERO_WIDTH}.`);
}

/** An inline code span that holds `text` whatever backticks it contains. */
export function code(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${ticks}${pad}${text.replace(/\r?\n/g, " ")}${pad}${ticks}`;
}

/** A fenced code block that `text` cannot close early. */
export function fence(language: string, text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`{3,}/g)].map((m) => m[0].length));
  const ticks = "`".repeat(Math.max(3, longest + 1));
  return `${ticks}${language}\n${text.endsWith("\n") ? text : `${text}\n`}${ticks}`;
}

/**
 * A URL as a Markdown link destination: every character outside a
 * conservative set is percent-encoded, so a `)`, space, `<` or quote in it
 * cannot end the link early or start markup.
 */
export function linkTarget(url: string): string {
  const encoder = new TextEncoder();
  return url.replace(/[^A-Za-z0-9\-._~:/?#@!$&+,;=%]/gu, (c) =>
    [...encoder.encode(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join(""),
  );
}
