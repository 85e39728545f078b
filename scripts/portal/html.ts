import { isUtf8 } from "node:buffer";

/**
 * HTML that may be inserted as is: made only by the `html` template (whose
 * literal parts are this program's own markup) and by helpers that escape
 * every value. Anything else (a string from YAML or git) is text.
 */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** What a template slot accepts: markup, text (escaped), numbers, nothing, or lists of those. */
export type Content = Html | string | number | null | undefined | false | readonly Content[];

const MARKUP = /[&<>"']/;

/** Text as HTML text or attribute value (double or single quoted): every markup character escaped. */
export function escapeHtml(text: string): string {
  if (!MARKUP.test(text)) return text;
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/**
 * Text as the content of an element (never an attribute): there only `&`
 * (a character reference) and `<` (a tag) mean anything (HTML's data
 * state), so only they are escaped. For large blocks such as manifests, which
 * are full of quotes and `>` (PromQL) that would otherwise each grow several
 * times. Native searches: on such text, where the characters are rare, a
 * regular expression or a loop over the characters costs tens of times more.
 */
export function escapeElementText(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;");
}

/** Markup as UTF-8 bytes, inserted as is: made only by {@link codeBlock}, from text it escaped. */
export class HtmlBytes {
  constructor(readonly bytes: Uint8Array) {}
}

/** Markup in pieces, some of them bytes: what follows a page's body (layout.ts `page`). */
export type HtmlParts = readonly (Html | HtmlBytes)[];

/**
 * A block of preformatted UTF-8 text (a manifest read from disk) as
 * `<pre><code>`, escaped for element content: the same bytes as encoding
 * escapeElementText's result, but text that needs no escape (valid UTF-8
 * without `&` or `<`, which manifests mostly are) is neither decoded nor
 * encoded again: at 1,000 services, 80 MB of manifests, that is about half
 * a second of CPU.
 */
export function codeBlock(bytes: Buffer): HtmlParts {
  const escaped =
    bytes.indexOf(0x26) < 0 && bytes.indexOf(0x3c) < 0 && isUtf8(bytes)
      ? bytes
      : Buffer.from(escapeElementText(bytes.toString("utf8")));
  return [new Html("<pre><code>"), new HtmlBytes(escaped), new Html("</code></pre>")];
}

function render(value: Content): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(String(value));
}

/**
 * The one template function: literal parts are trusted markup, every
 * interpolated value is escaped unless it is already `Html`.
 */
export function html(strings: TemplateStringsArray, ...values: Content[]): Html {
  let out = strings[0] ?? "";
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? "");
  });
  return new Html(out);
}

/** Joins parts (each escaped unless markup) with a separator. */
export function join(parts: readonly Content[], separator: Content = ", "): Html {
  return new Html(parts.map(render).join(render(separator)));
}

/**
 * A URL from YAML or git as a link target, or undefined: only absolute
 * http(s) URLs qualify, so `javascript:`, `data:` and relative tricks stay text.
 */
export function webUrl(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  return url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined;
}

/** A link to an http(s) URL from the model, or its text when it is anything else. */
export function externalLink(url: string, label: Content = url): Html {
  const href = webUrl(url);
  return href ? html`<a href="${href}" rel="noopener noreferrer">${label}</a>` : html`<span>${label}</span>`;
}
