/**
 * Pieces of PromQL and of Prometheus' Go templates built from values that
 * come from YAML: quoted and escaped here, in one place, so that no name,
 * regex or URL can change the meaning of a query or of an alert's template.
 */

/** Thrown when a value cannot be put into PromQL safely: validation should have refused it first. */
export class PromqlValueError extends Error {
  override name = "PromqlValueError";
}

// Lone UTF-16 surrogates cannot be written as UTF-8, so Prometheus could never match them.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// Characters a PromQL double-quoted string cannot hold as they are (Go's strconv.Unquote rules).
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is escaped here
const NEEDS_ESCAPE = /["\\\u0000-\u001f\u007f]/g;
const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};

/** `value` as a PromQL double-quoted string literal that the PromQL parser reads back to exactly `value`. */
export function promqlString(value: string): string {
  if (LONE_SURROGATE.test(value))
    throw new PromqlValueError(`${JSON.stringify(value)} is not valid Unicode (a lone surrogate)`);
  return `"${value.replace(
    NEEDS_ESCAPE,
    (c) => SHORT_ESCAPES[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
  )}"`;
}

/** `value` as an RE2 regex that matches exactly that text (for `=~` matchers, which are anchored). */
export function regexLiteral(value: string): string {
  return value.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&");
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** `name` when it is a metric name PromQL accepts unquoted; throws otherwise. */
export function metricName(name: string): string {
  if (!METRIC_NAME.test(name))
    throw new PromqlValueError(
      `${JSON.stringify(name)} is not a Prometheus metric name (${METRIC_NAME.source})`,
    );
  return name;
}

/** `name` when it is a label name PromQL accepts unquoted; throws otherwise. */
export function labelName(name: string): string {
  if (!LABEL_NAME.test(name) || name.startsWith("__"))
    throw new PromqlValueError(
      `${JSON.stringify(name)} is not a Prometheus label name (${LABEL_NAME.source}, not starting with __)`,
    );
  return name;
}

/** A label matcher: `name="value"` (or `=~` for a regex), the value quoted with {@link promqlString}. */
export function matcher(name: string, value: string, op: "=" | "=~" = "="): string {
  return `${labelName(name)}${op}${promqlString(value)}`;
}

const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNIT_MS = [365 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1];

/** Milliseconds in a Prometheus duration ("30d", "1h30m"); throws when it is not one. */
export function durationMs(duration: string): number {
  const parts = duration === "" ? null : DURATION.exec(duration);
  if (!parts)
    throw new PromqlValueError(
      `${JSON.stringify(duration)} is not a Prometheus duration such as 30d or 1h30m`,
    );
  let ms = 0;
  for (let i = 0; i < UNIT_MS.length; i++) ms += Number(parts[i + 1] ?? 0) * (UNIT_MS[i] ?? 0);
  if (ms === 0) throw new PromqlValueError(`${JSON.stringify(duration)} is a zero duration`);
  return ms;
}

/** A number as PromQL and people read it: no binary noise (0.1 + 0.2 prints 0.3), no exponent for usual sizes. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) throw new PromqlValueError(`${value} is not a finite number`);
  return String(Number(value.toPrecision(12)));
}

/**
 * Text for an alert's labels and annotations, which Prometheus expands as Go
 * templates: every `{{` is written as an action that prints `{{`, so the text
 * comes out exactly as given and never runs as a template.
 */
export function templateText(text: string): string {
  return text.replaceAll("{{", '{{ "{{" }}');
}
