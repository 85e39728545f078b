import { UsageError } from "../errors.js";

/** The output formats a command can print. */
export type OutputFormat = "text" | "json" | "markdown" | "github";

/** Every output format, in the order help lists them. */
export const OUTPUT_FORMATS: readonly OutputFormat[] = ["text", "json", "markdown", "github"];

/** Checks a `--format` value. */
export function parseFormat(value: string): OutputFormat {
  if ((OUTPUT_FORMATS as readonly string[]).includes(value)) return value as OutputFormat;
  throw new UsageError(`--format must be one of ${OUTPUT_FORMATS.join(", ")}, got "${value}"`);
}
