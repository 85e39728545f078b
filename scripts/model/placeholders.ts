/** A `${...}` reference found in an env value. */
export interface Placeholder {
  /** The whole text, "${calls.cart.address}". */
  text: string;
  /** Offset of "$" in the value. */
  offset: number;
  /** "calls" or "dependencies" when well formed; undefined when the reference is not understood. */
  source?: "calls" | "dependencies";
  name?: string;
  output?: string;
}

/** What a called service offers to `${calls.NAME.X}`. */
export const CALL_OUTPUTS: readonly string[] = ["host", "port", "address", "url"];

const REFERENCE = /^(calls|dependencies)\.([a-z0-9][a-z0-9-]{0,62})\.([A-Za-z0-9_-]{1,63})$/;

/**
 * Finds every `${...}` in a value, in order. `$${` is an escape for a literal
 * `${`. An unterminated `${` is reported as a placeholder with no source, so
 * the caller can point at it.
 */
export function findPlaceholders(value: string): Placeholder[] {
  const found: Placeholder[] = [];
  let from = 0;
  for (;;) {
    const start = value.indexOf("${", from);
    if (start === -1) return found;
    if (start > 0 && value[start - 1] === "$") {
      from = start + 2;
      continue;
    }
    const end = value.indexOf("}", start + 2);
    if (end === -1) {
      found.push({ text: value.slice(start), offset: start });
      return found;
    }
    const text = value.slice(start, end + 1);
    const match = REFERENCE.exec(value.slice(start + 2, end));
    found.push(
      match
        ? {
            text,
            offset: start,
            source: match[1] as "calls" | "dependencies",
            name: match[2],
            output: match[3],
          }
        : { text, offset: start },
    );
    from = end + 1;
  }
}
