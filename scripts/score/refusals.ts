import type { ValuePath } from "../model/document.js";
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

  /** The value at `path` is left out; what runs does not change. */
  drop(path: ValuePath, message: string, hint?: string): void {
    this.list.push({ severity: "warning", code: "score.dropped", path, message, hint });
  }

  get hasErrors(): boolean {
    return this.list.some((r) => r.severity === "error");
  }
}
