import { readdirSync } from "node:fs";
import path from "node:path";

/** The environment variable `name` (IDP_POLICY_THREADS) when it is a whole number of at least 1. */
export function configuredThreads(name: string): number | undefined {
  const text = process.env[name];
  const configured = Number(text);
  return text !== undefined && Number.isInteger(configured) && configured >= 1 ? configured : undefined;
}

/** How many entries `services/` holds: a repository's size before anything is parsed. */
export function countServiceFolders(root: string): number {
  try {
    return readdirSync(path.join(root, "services")).length;
  } catch {
    return 0;
  }
}
