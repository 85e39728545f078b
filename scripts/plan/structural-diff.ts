/** A key path into a JSON value: object keys and array indexes. */
export type JsonPath = readonly (string | number)[];

/** One leaf that differs between two JSON values; `before` or `after` is absent when the leaf was added or removed. */
export interface LeafChange {
  path: JsonPath;
  before?: unknown;
  after?: unknown;
}

/**
 * The leaves that differ between two JSON values, in key order (object keys
 * sorted, array items by index). Where one side has a value the other lacks,
 * the whole subtree is one change. Equal values give no change.
 */
export function diffJson(before: unknown, after: unknown, path: JsonPath = []): LeafChange[] {
  if (before === after) return [];
  if (before === undefined) return [{ path, after }];
  if (after === undefined) return [{ path, before }];
  if (Array.isArray(before) && Array.isArray(after)) {
    const changes: LeafChange[] = [];
    for (let index = 0; index < Math.max(before.length, after.length); index += 1) {
      changes.push(...diffJson(before[index], after[index], [...path, index]));
    }
    return changes;
  }
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => diffJson(before[key], after[key], [...path, key]));
  }
  return [{ path, before, after }];
}

/** A path for a person: `spec.template.spec.containers[0].image`; keys with dots are quoted. */
export function displayJsonPath(path: JsonPath): string {
  let text = "";
  for (const part of path) {
    if (typeof part === "number") text += `[${part}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(part)) text += text === "" ? part : `.${part}`;
    else text += `[${JSON.stringify(part)}]`;
  }
  return text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
