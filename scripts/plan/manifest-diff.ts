import { createTwoFilesPatch } from "diff";

/** Lines of context around each change in a manifest diff. */
export const DIFF_CONTEXT = 3;

/**
 * The unified diff of one manifest, base → head (`a/` and `b/` paths, as git
 * prints them; /dev/null for a side that does not exist), without the
 * "=====" banner line the diff package adds.
 */
export function manifestDiff(file: string, before: string | undefined, after: string | undefined): string {
  const patch = createTwoFilesPatch(
    before === undefined ? "/dev/null" : `a/${file}`,
    after === undefined ? "/dev/null" : `b/${file}`,
    before ?? "",
    after ?? "",
    undefined,
    undefined,
    { context: DIFF_CONTEXT },
  );
  return patch.replace(/^=+\n/, "");
}
