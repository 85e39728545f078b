import type { EnvironmentPlan } from "./plan.js";

/**
 * The most diff text one plan carries, in UTF-16 units. The plan file is
 * refused above MAX_PLAN_BYTES (2 MiB) by the job that posts the comment, and
 * a change that re-creates every object (a namespace rename, say, with every
 * dashboard's JSON) easily makes ten times that; the comment shows 64 KiB of
 * it at most anyway. Half a MiB leaves the rest of the file (object summaries,
 * findings) room.
 */
export const PLAN_DIFF_BUDGET = 512 * 1024;

/**
 * Leaves out the largest diffs, one whole file at a time, until the rest fit
 * the budget, and says so in their place: text, Markdown and JSON are then
 * made from the same plan. Returns how many diffs were left out.
 */
export function fitDiffs(environments: EnvironmentPlan[], budget = PLAN_DIFF_BUDGET): number {
  const services = environments.flatMap((environment) =>
    environment.services.map((service) => ({ environment: environment.name, service })),
  );
  let total = services.reduce((sum, entry) => sum + entry.service.diff.length, 0);
  if (total <= budget) return 0;
  // Largest first; ties in a fixed order so every run leaves out the same ones.
  const order = [...services].sort(
    (a, b) =>
      b.service.diff.length - a.service.diff.length ||
      a.environment.localeCompare(b.environment) ||
      a.service.name.localeCompare(b.service.name),
  );
  let left = 0;
  for (const { service } of order) {
    if (total <= budget) break;
    const lines = service.diff.split("\n").length;
    const note = `# ${lines} diff lines left out: the plan's diffs exceed ${budget / 1024} KiB; run idp plan locally for them\n`;
    total += note.length - service.diff.length;
    service.diff = note;
    left += 1;
  }
  return left;
}
