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

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Text as HTML text or attribute value (double or single quoted): every markup character escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
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
