/** The kinds of file people write, and where each lives. */
export type Kind = "Service" | "Environment" | "Team";

/** Every kind, in the order the pipeline reads them. */
export const KINDS: readonly Kind[] = ["Environment", "Team", "Service"];

/** The schema file of each kind, relative to `schemas/`. */
export const SCHEMA_FILES: Readonly<Record<Kind, string>> = {
  Service: "service.schema.json",
  Environment: "environment.schema.json",
  Team: "team.schema.json",
};
