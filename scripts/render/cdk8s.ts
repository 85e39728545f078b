import { createRequire } from "node:module";
import type * as Cdk8s from "cdk8s";
import type * as Kplus from "cdk8s-plus-28";

// cdk8s and cdk8s-plus-28 are CommonJS. Imported as ES modules, Node scans
// their sources for export names (cjs-module-lexer) before running them:
// every file each index re-exports, about 70 ms of CPU in every rendering
// thread before its first file. Required, they only run. Types come from
// `import type` of the packages themselves; values from here.
const require = createRequire(import.meta.url);

/** The cdk8s package's exports (App, Chart, ApiObject, JsonPatch, Duration...). */
export const cdk8s = require("cdk8s") as typeof Cdk8s;

/** The cdk8s-plus-28 package's exports (the L2 constructs: ConfigMap, Service, Ingress...). */
export const kplus = require("cdk8s-plus-28") as typeof Kplus;
