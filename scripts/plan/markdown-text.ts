/**
 * Text from the repository (values, messages) made inert in Markdown: HTML
 * and Markdown punctuation escaped, so a value cannot close a `<details>`,
 * open a link or break a table.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/([\\`*_[\]|~#])/g, "\\$1")
    .replace(/\r?\n/g, " ");
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
