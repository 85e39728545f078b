import path from "node:path";
import { fileURLToPath } from "node:url";
import { writePrecompiledValidators } from "../model/precompiled-schemas.js";
import { readSchemas } from "../model/read-schemas.js";
import { writePinnedSchemasBundle } from "../render/upstream/pinned-schemas.js";
import { writePrecompiledChecks } from "../render/upstream/precompiled-checks.js";

/**
 * Build step (`npm run build`, after tsc): precompiles the validators of this
 * repository's schemas/, so a run judged by those schemas does not compile
 * them again. A repository with other schemas still works: they are compiled
 * when the tool runs.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
writePrecompiledValidators(readSchemas(root));
// The pinned upstream CRDs and Kubernetes schemas, parsed once here instead of on every --verify.
writePinnedSchemasBundle();
// ...and the checks of the kinds we render, as standalone code (compiling them takes about 10 s).
writePrecompiledChecks();
