import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { expect } from "vitest";

/** Where report goldens live: test/golden-reports/<name>. */
export const REPORT_GOLDENS = join(import.meta.dirname, "..", "golden-reports");

/** `UPDATE_GOLDEN=1 npx vitest run <file>` rewrites the goldens a suite compares with (never in CI). */
const UPDATE = process.env.UPDATE_GOLDEN === "1" && process.env.CI !== "true";

/** Compares `actual` with the golden file `name` under test/golden-reports/, or rewrites it with UPDATE_GOLDEN=1. */
export function expectGolden(name: string, actual: string): void {
  const file = join(REPORT_GOLDENS, name);
  if (UPDATE) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file))
    throw new Error(`no golden ${name}: run UPDATE_GOLDEN=1 npx vitest run on this suite`);
  expect(actual).toBe(readFileSync(file, "utf8"));
}
