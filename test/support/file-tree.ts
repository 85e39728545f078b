import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Every file under `dir` (links and other entries read as files) with its text, by relative path. */
export function listFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (path: string, relative: string): void => {
    for (const name of readdirSync(path)) {
      const full = join(path, name);
      const rel = relative === "" ? name : `${relative}/${name}`;
      if (lstatSync(full).isDirectory()) walk(full, rel);
      else out[rel] = readFileSync(full, "utf8");
    }
  };
  walk(dir, "");
  return out;
}
