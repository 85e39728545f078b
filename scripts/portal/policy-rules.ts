import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

/** One policy rule as the policies page lists it. */
export interface PolicyRule {
  id: string;
  /** What the rule checks, from the comment that introduces it in the Rego source. */
  description: string;
  /** deny, warn, or both (a rule can deny in production and warn elsewhere), in source order. */
  severities: ("deny" | "warn")[];
  /** The package's METADATA title and description, and its file. */
  group: { title: string; description: string; file: string };
}

const RULE_COMMENT = /^# ([A-Z]{3,4}\d{3})(?: \((?:warn|deny)\))?: (.+)$/;
const RULE_SET = /^(deny|warn) contains /;
const RULE_ID = /"([A-Z]{3,4}\d{3})"/g;

/**
 * The rules of `policies/platform/*.rego` (tests left out): each rule id
 * with the first comment that introduces it (`# REL001: ...`), the sets it
 * is added to, and its package's METADATA annotation (title, description).
 */
export function readPolicyRules(root: string): PolicyRule[] {
  const folder = join("policies", "platform");
  let names: string[];
  try {
    names = readdirSync(join(root, folder)).filter((n) => n.endsWith(".rego") && !n.endsWith("_test.rego"));
  } catch {
    return [];
  }
  const rules = new Map<string, PolicyRule>();
  for (const name of names.sort()) {
    const file = `${folder}/${name}`;
    const lines = readFileSync(join(root, file), "utf8").split("\n");
    const group = { ...packageMetadata(lines), file };
    let set: "deny" | "warn" | undefined;
    // The rule the comments above are about: a `deny contains` after `# NET003: ...` is NET003's.
    let current: PolicyRule | undefined;
    let continuing: PolicyRule | undefined;
    for (const line of lines) {
      const comment = RULE_COMMENT.exec(line);
      if (comment) {
        const [, id = "", description = ""] = comment;
        const known = rules.get(id);
        current = known ?? { id, description, severities: [], group };
        continuing = known ? undefined : current;
        rules.set(id, current);
        continue;
      }
      // A description that goes on over more comment lines.
      if (continuing && line.startsWith("# ")) {
        continuing.description += ` ${line.slice(2).trim()}`;
        continue;
      }
      continuing = undefined;
      const opened = RULE_SET.exec(line);
      if (opened) {
        set = opened[1] as "deny" | "warn";
        if (current && !current.severities.includes(set)) current.severities.push(set);
      } else if (/^\S/.test(line)) set = undefined;
      if (!set) continue;
      for (const [, id = ""] of line.matchAll(RULE_ID)) {
        const rule = rules.get(id);
        if (rule && !rule.severities.includes(set)) rule.severities.push(set);
      }
    }
  }
  return [...rules.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** The `# METADATA` block before `package`: YAML after the comment markers. */
function packageMetadata(lines: readonly string[]): { title: string; description: string } {
  const start = lines.findIndex((l) => l.trim() === "# METADATA");
  const block: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (start < 0 || !line.startsWith("#")) break;
    block.push(line.replace(/^# ?/, ""));
  }
  let value: unknown;
  try {
    value = parse(block.join("\n"));
  } catch {
    value = undefined;
  }
  const meta = (value && typeof value === "object" ? value : {}) as Record<string, unknown>;
  return {
    title: typeof meta.title === "string" ? meta.title : "",
    description: typeof meta.description === "string" ? meta.description.trim() : "",
  };
}
