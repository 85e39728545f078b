/** The kinds of file people write, and where each lives. */
export type Kind = "Service" | "Environment" | "Team" | "Exceptions";

/** Every kind, in the order the pipeline reads them. */
export const KINDS: readonly Kind[] = ["Environment", "Team", "Service", "Exceptions"];

/** The schema file of each kind, relative to `schemas/`. */
export const SCHEMA_FILES: Readonly<Record<Kind, string>> = {
  Service: "service.schema.json",
  Environment: "environment.schema.json",
  Team: "team.schema.json",
  Exceptions: "exceptions.schema.json",
};
