import { ToolError } from "../../errors.js";

/** `\r` as a byte: a manifest holding one is refused (write.ts and write/staged.ts alike). */
export const CARRIAGE_RETURN = 0x0d;

/**
 * A path relative to `manifests/`: at least `<environment>/<file>`, forward
 * slashes, no empty, `.` or `..` segment, not absolute, no backslash or NUL.
 */
export function checkPath(path: string): void {
  const segments = path.split("/");
  const bad =
    segments.length < 2 ||
    path.includes("\\") ||
    path.includes("\0") ||
    segments.some((segment) => segment === "" || segment === "." || segment === "..");
  if (bad) {
    throw new ToolError(
      `refusing to write ${JSON.stringify(path)} under manifests/: a path must be relative, use "/", and have no empty, "." or ".." segments`,
    );
  }
}
