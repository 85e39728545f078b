import type { Diagnostic } from "../report/diagnostic.js";

/** One check-run annotation, as the Checks API takes it. */
export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: "failure" | "warning";
  message: string;
  title: string;
}

/** The Checks API takes at most this many annotations per request. */
export const ANNOTATIONS_PER_REQUEST = 50;

/** We send at most this many annotations (ten requests); the summary says when more were left out. */
export const MAX_ANNOTATIONS = 500;

// GitHub caps an annotation message at 64 KB; findings are far shorter, this only guards hostile input.
const MAX_MESSAGE = 4_000;

/** One annotation per diagnostic, on the line it points at; the hint follows the message. */
export function toAnnotations(diagnostics: readonly Diagnostic[]): CheckAnnotation[] {
  return diagnostics.map((d) => {
    const line = Number.isSafeInteger(d.line) && d.line > 0 ? d.line : 1;
    const message = d.hint ? `${d.message}\nhint: ${d.hint}` : d.message;
    return {
      path: d.file.replace(/\\/g, "/").replace(/^\.?\//, ""),
      start_line: line,
      end_line: line,
      annotation_level: d.severity === "error" ? "failure" : "warning",
      message: message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 1)}…` : message,
      title: d.code,
    };
  });
}

/** Splits a list into consecutive batches of `size` (the last may be shorter); none for an empty list. */
export function inBatches<T>(items: readonly T[], size: number = ANNOTATIONS_PER_REQUEST): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}
