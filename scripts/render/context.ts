import type { EnvironmentModel, ResolvedService, TeamModel } from "../model/resolved.js";

/** What rendering one environment may look at, besides the object being rendered. */
export interface RenderContext {
  environment: EnvironmentModel;
  /** Every service resolved in this environment (callers, callees, hosts), by file order. */
  services: readonly ResolvedService[];
  teams: readonly TeamModel[];
}
