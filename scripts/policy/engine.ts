import { createRequire } from "node:module";
import { ToolError } from "../errors.js";
import type { PolicyInput } from "./input.js";

// The package is CommonJS and Node's ESM loader does not detect loadPolicySync as a named export.
const opa = createRequire(import.meta.url)(
  "@open-policy-agent/opa-wasm",
) as typeof import("@open-policy-agent/opa-wasm");

/** One finding as a rule yields it. */
export interface RawFinding {
  rule: string;
  message: string;
  /** The service the finding is about; `path` is then a settings path of the resolved service. */
  service?: string;
  /** The file the finding is about; `path` is then a path inside that file. */
  file?: string;
  path: (string | number)[];
}

/** A finding with its severity: which rule set it came from. */
export interface PolicyFinding extends RawFinding {
  severity: "deny" | "warn";
}

/** The decision evaluated: `{"deny": [...], "warn": [...]}`, both sets in one pass over the input. */
export const ENTRYPOINT = "platform/main/findings";

/** The smallest page an operating system maps (4 KiB): touching one byte of each maps them all. */
const PAGE_BYTES = 4096;

/** Wasm memory pages (64 KiB each): start small, allow up to 1 GiB for very large repositories. */
const MEMORY = { initial: 64, maximum: 16384 };

/**
 * Wasm memory an evaluation takes per service in its input, in pages
 * (measured: 0.29 at 1,000 and 5,000 services with this repository's
 * policies; with room to spare).
 */
const PAGES_PER_SERVICE = 0.4;

/**
 * The memory to load the policy with when its largest input holds `services`
 * services: all of it from the start. Left to grow during an evaluation, the
 * wasm memory grows a little at a time, and each growth can set off a full
 * garbage collection of the (by then large) JavaScript heap: 5,000 services
 * took 25 s per environment instead of 0.1 s. Unused pages cost address
 * space, not memory.
 */
export function memoryFor(services: number): { initial: number; maximum: number } {
  const initial = Math.ceil(services * PAGES_PER_SERVICE);
  return { initial: Math.min(Math.max(MEMORY.initial, initial), MEMORY.maximum), maximum: MEMORY.maximum };
}

/**
 * The compiled policy, loaded once and evaluated many times. Fails closed:
 * a wasm that does not load, a missing entrypoint, an undefined decision or
 * malformed output is a ToolError (exit 2), never an empty result.
 */
export class PolicyEngine {
  readonly #policy: ReturnType<typeof opa.loadPolicySync>;

  private constructor(policy: ReturnType<typeof opa.loadPolicySync>) {
    this.#policy = policy;
  }

  /**
   * Loads the compiled policy and checks it has the decision we evaluate.
   * `memory` (64 KiB pages) bounds what an evaluation may use.
   */
  static load(
    wasm: Uint8Array,
    source: string,
    memory: { initial: number; maximum: number } = MEMORY,
  ): PolicyEngine {
    let policy: ReturnType<typeof opa.loadPolicySync>;
    try {
      policy = opa.loadPolicySync(wasm, memory);
    } catch (cause) {
      throw new ToolError(`the policy bundle ${source} does not load; rebuild it with npm run policy:build`, {
        cause,
      });
    }
    const entrypoints = Object.keys((policy.entrypoints ?? {}) as Record<string, number>);
    if (!entrypoints.includes(ENTRYPOINT)) {
      throw new ToolError(
        `the policy bundle ${source} has no entrypoint ${ENTRYPOINT} (it has: ${entrypoints.join(", ") || "none"}); rebuild it with npm run policy:build`,
      );
    }
    return new PolicyEngine(policy);
  }

  /**
   * Writes to every page of the policy's memory once, so the operating
   * system maps them now rather than page by page during the first
   * evaluation (150-190 ms of a first evaluation of 1,000 services instead
   * of 45-70 for the next ones; touching took 75-90 ms). For a thread with
   * time to spare before its first input: it moves that cost, it does not save it.
   */
  touchMemory(): void {
    const bytes = new Uint8Array(this.#policy.mem.buffer);
    // A read would map the shared zero page, which the first write copies again: write.
    for (let at = 0; at < bytes.length; at += PAGE_BYTES) bytes[at] = bytes[at] ?? 0;
  }

  /**
   * Evaluates the policy on one input: every denial and warning. The input
   * may come as its JSON text's UTF-8 bytes (input-bytes.ts), as it crosses
   * to a worker thread.
   */
  evaluate(input: PolicyInput | ArrayBuffer): PolicyFinding[] {
    let result: unknown;
    try {
      result = this.#policy.evaluate(input, ENTRYPOINT);
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new ToolError(
        `evaluating ${ENTRYPOINT} failed (${reason}); the input may be too large for the policy's memory`,
        {
          cause,
        },
      );
    }
    if (
      !Array.isArray(result) ||
      result.length !== 1 ||
      !isObject(result[0]) ||
      !isObject(result[0].result)
    ) {
      throw new ToolError(
        `${ENTRYPOINT} was undefined for this input: the policy must always define it (fail closed)`,
      );
    }
    const { deny, warn } = result[0].result;
    if (!Array.isArray(deny) || !Array.isArray(warn)) {
      throw new ToolError(
        `${ENTRYPOINT} must be {"deny": [...], "warn": [...]}; got ${JSON.stringify(result[0].result).slice(0, 200)}`,
      );
    }
    return [
      ...deny.map((item) => ({ ...checkFinding(item), severity: "deny" as const })),
      ...warn.map((item) => ({ ...checkFinding(item), severity: "warn" as const })),
    ];
  }
}

function checkFinding(item: unknown): RawFinding {
  if (
    !isObject(item) ||
    typeof item.rule !== "string" ||
    typeof item.message !== "string" ||
    !Array.isArray(item.path) ||
    (item.service !== undefined && typeof item.service !== "string") ||
    (item.file !== undefined && typeof item.file !== "string")
  ) {
    throw new ToolError(
      `${ENTRYPOINT} yielded a malformed finding ${JSON.stringify(item).slice(0, 200)}; each needs rule, message, path`,
    );
  }
  return item as unknown as RawFinding;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
