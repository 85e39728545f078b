import { GOVERNANCE_FILE } from "../policy/exception-limits.js";
import { ALLOW_DESTROY_LABEL, DESTRUCTION_RULE, percent } from "./destruction.js";
import { type Destruction, objectLabel } from "./plan.js";

/** What a destructive plan says, as plain text parts that each format escapes its own way. */
export interface DestructionText {
  heading: string;
  /** One per destroyed object or mass removal: "dev: Namespace payments-dev: deleting a Namespace …". */
  items: string[];
  /** How it was, or can be, acknowledged. */
  acknowledgement: string;
}

/** The destroyed things, why each matters, and what acknowledges the change. */
export function describeDestroyed(destruction: Destruction): DestructionText {
  const items = destruction.objects.map(
    (object) => `${object.environment}: ${objectLabel(object)}: ${object.reason}`,
  );
  for (const mass of destruction.massRemovals)
    items.push(
      `${mass.environment}: ${mass.removed} of its ${mass.total} objects deleted (${percent(mass)} %), more than the ${destruction.limitPercent} % one change may delete (plan.destructivePercent in ${GOVERNANCE_FILE})`,
    );
  return {
    heading: "What this change destroys (reverting it does not bring these back)",
    items,
    acknowledgement: destruction.acknowledged
      ? `acknowledged by the base branch: ${destruction.acknowledged.detail}`
      : `the check run fails until the platform team acknowledges it: a maintainer adds the label ${ALLOW_DESTROY_LABEL} to the pull request, or a ${DESTRUCTION_RULE} exception for the environment file (or the service) is merged to the base branch first`,
  };
}

/** The destruction as lines for a terminal (the caller makes them printable). */
export function destructionLines(destruction: Destruction): string[] {
  const text = describeDestroyed(destruction);
  return [`${text.heading}:`, ...text.items.map((item) => `  ! ${item}`), text.acknowledgement];
}
