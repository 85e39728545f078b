/** The longest service name: the schema's DNS label limit, leaving room for suffixes in object names. */
export const MAX_SERVICE_NAME = 40;

/**
 * Why `name` cannot be a service name (a DNS-1035 label of at most 40
 * characters: it starts with a letter, since it names a Kubernetes Service;
 * the folder name under services/), or undefined when it can.
 * The reason names the first problem and what would be accepted.
 */
export function explainInvalidServiceName(name: string): string | undefined {
  if (name === "") return "it is empty; use lowercase letters, digits and '-', such as wishlist";
  if (name.length > MAX_SERVICE_NAME)
    return `it has ${name.length} characters; at most ${MAX_SERVICE_NAME} are allowed`;
  if (/[A-Z]/.test(name) && name.toLowerCase() !== name && /^[a-z0-9-]+$/.test(name.toLowerCase()))
    return `it has uppercase letters; use "${name.toLowerCase()}"`;
  const bad = [...name].find((c) => !/[a-z0-9-]/.test(c));
  if (bad !== undefined)
    return `it contains ${JSON.stringify(bad)}; only lowercase letters, digits and '-' are allowed`;
  if (!/^[a-z]/.test(name)) return "it must start with a lowercase letter (it names a Kubernetes Service)";
  if (name.endsWith("-")) return "it must end with a letter or digit";
  return undefined;
}
