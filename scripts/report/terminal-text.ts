/**
 * Characters that would let a hostile value take over a terminal or disguise
 * what is printed: C0 controls (ESC starts colour, cursor and title
 * sequences; CR and BS overwrite what was printed), DEL, C1 controls (U+009B
 * is a one-character CSI), the bidirectional overrides, embeddings and
 * isolates (text that reads differently than it is, CVE-2021-42574) with the
 * direction marks, and the Unicode line and paragraph separators.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

const UNSAFE_BUT_TAB =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

function escapeCharacter(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/**
 * One field of terminal output (a name, a message, a value) made inert: every
 * control, bidi and line-breaking character shown as a `\uXXXX` escape, so it
 * stays on its line and cannot forge another one. Ordinary text, including
 * non-ASCII letters and emoji, is unchanged.
 */
export function printable(text: string): string {
  return text.replace(UNSAFE, escapeCharacter);
}

/** A source line for printing under a diagnostic: like printable, but a tab stays a tab (YAML values may hold one). */
export function printableSource(line: string): string {
  return line.replace(UNSAFE_BUT_TAB, escapeCharacter);
}

/** Text of several lines for a terminal: each line made printable, the line breaks kept. */
export function printableLines(text: string): string {
  return text.split("\n").map(printable).join("\n");
}
