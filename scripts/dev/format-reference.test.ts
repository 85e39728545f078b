import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FORMAT_REFERENCE_FILE, formatReference, readRepositorySchemas } from "./format-reference.js";

const ROOT = join(import.meta.dirname, "..", "..");

/** Minimal schemas of every kind; `service` replaces the Service one. */
function schemas(service: Record<string, unknown>) {
  const empty = { type: "object", properties: {} };
  return {
    Service: service,
    Environment: empty,
    Team: empty,
    Exceptions: { type: "array", items: {} },
  } as never;
}

describe("docs/format.md", () => {
  it("is what the schemas generate (run npm run docs:generate after changing schemas/)", () => {
    const committed = readFileSync(join(ROOT, FORMAT_REFERENCE_FILE), "utf8");
    expect(committed).toBe(formatReference(readRepositorySchemas(ROOT)));
  });

  it("documents every field of every kind", () => {
    const text = formatReference(readRepositorySchemas(ROOT));
    for (const kind of ["## Service", "## Environment", "## Team", "## Exceptions"])
      expect(text).toContain(kind);
    for (const row of [
      "| `tier` | enum |  | How much the business depends on the service",
      "| `replicas` | integer |  |",
      "| `environments.<name>` | [EnvironmentOverride](#environmentoverride) |  |",
      "| `approvedBy` | string | yes |",
    ]) {
      expect(text).toContain(row);
    }
    expect(text).toContain("One of `critical`, `standard`, `experimental`.");
    expect(text).toContain("Example: `ghcr.io/acme/checkout:1.4.2`.");
  });
});

describe("formatReference", () => {
  it("escapes pipes and backticks so a value cannot break a table", () => {
    const text = formatReference(
      schemas({
        type: "object",
        required: ["mode"],
        properties: {
          mode: {
            description: "a|b, `code` and <b>bold</b>",
            enum: ["x|y", "back`tick"],
            default: "x|y",
            examples: ["``two``"],
          },
        },
      }),
    );
    const row = text.split("\n").find((line) => line.startsWith("| `mode`"));
    expect(row).toBe(
      '| `mode` | enum | yes | a\\|b, \\`code\\` and &lt;b&gt;bold&lt;/b&gt; One of `x\\|y`, ``back`tick``. Default: `"x\\|y"`. Example: ``` ``two`` ```. |',
    );
    // Every unescaped pipe is a column boundary: five of them, four columns.
    expect(row?.match(/(?<!\\)\|/g)).toHaveLength(5);
  });

  it("gives each titled type one section, linked from where it is used", () => {
    const text = formatReference(
      schemas({
        type: "object",
        properties: { a: { $ref: "#/$defs/thing" }, b: { type: "array", items: { $ref: "#/$defs/thing" } } },
        $defs: {
          thing: { title: "Thing", type: "object", properties: { size: { type: "integer", minimum: 1 } } },
        },
      }),
    );
    expect(text.match(/^### Thing$/gm)).toHaveLength(1);
    expect(text).toContain("| `b` | list of [Thing](#thing) |  |  |");
    expect(text).toContain("| `size` | integer |  | At least 1. |");
  });
});
