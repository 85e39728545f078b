/**
 * `port:8080` is not a key and a value in YAML: without a space after the
 * colon it is one plain string. The parser then complains about something
 * else (a key that must be on one line, a missing map value) or the schema
 * sees a string where a mapping belongs, and neither names the real mistake.
 */

const KEY_WITHOUT_SPACE = /^\s*(?:-\s+)?([A-Za-z_][A-Za-z0-9_.-]*):([^\s:/\\"'][^#]*?)\s*(?:#.*)?$/;

/** The hint for a line or a value that looks like `key:value`; undefined when it does not. */
export function colonSpaceHint(text: string): string | undefined {
  const match = KEY_WITHOUT_SPACE.exec(text);
  if (!match) return undefined;
  const [, key, value] = match;
  return `Put a space after the colon: \`${key}: ${value}\` (\`${key}:${value}\` is read as one string)`;
}
