/**
 * A secret is named by where it lives in the secret store, `path#key`
 * ("payments/stripe#api_key"), never by its value. The value itself must not
 * appear in git, nor in any message that prints the offending text.
 */
const REFERENCE =
  /^[a-z0-9]([a-z0-9._-]{0,62}[a-z0-9])?(\/[a-z0-9]([a-z0-9._-]{0,62}[a-z0-9])?){0,7}#[A-Za-z0-9_.-]{1,128}$/;

/** True when `text` is a store reference `path#key`. */
export function isSecretReference(text: string): boolean {
  return text.length <= 512 && REFERENCE.test(text);
}

/** Splits a valid reference into its store path and key. */
export function splitSecretReference(text: string): { path: string; key: string } {
  const hash = text.indexOf("#");
  return { path: text.slice(0, hash), key: text.slice(hash + 1) };
}
