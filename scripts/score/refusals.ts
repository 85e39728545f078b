import type { ValuePath } from "../model/document.js";
import { displayPath } from "../model/schema.js";
import type { Severity } from "../report/diagnostic.js";

/** Something a mapping could not carry over, at the path of the value it is about. */
export interface Refusal {
  severity: Severity;
  code: string;
  path: ValuePath;
  message: string;
  hint?: string;
}

/** Collects what a mapping refuses (errors) or drops (warnings), by path. */
export class Refusals {
  readonly list: Refusal[] = [];

  /** The value at `path` cannot be mapped: nothing is written. */
  refuse(path: ValuePath, message: string, hint?: string): void {
    this.list.push({ severity: "error", code: "score.unmappable", path, message, hint });
  }

  /** A Score field that has no counterpart yet (another field of ours will carry it). */
  notYet(path: ValuePath, hint?: string): void {
    this.list.push({
      severity: "error",
      code: "score.not-supported",
      path,
      message: `Score field ${displayPath(path)} is not supported yet`,
      hint,
    });
  }

  /** The value at `path` is left out; what runs does not change. */
  drop(path: ValuePath, message: string, hint?: string): void {
    this.list.push({ severity: "warning", code: "score.dropped", path, message, hint });
  }

  get hasErrors(): boolean {
    return this.list.some((r) => r.severity === "error");
  }
}
