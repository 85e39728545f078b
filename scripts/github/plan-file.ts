import { open } from "node:fs/promises";
import { ToolError } from "../errors.js";

/** The plan file's text, or why it was not read. */
export type PlanFileText = { text: string; refused?: undefined } | { refused: string };

/**
 * Reads the plan file without ever holding more than `max` bytes: a file
 * whose size is over the cap is refused before any byte is read, and the
 * read itself stops at `max + 1` bytes (a file that grows, a pipe or a
 * device reports no honest size). Invalid UTF-8 is refused too; refusals
 * name the file as `name` (as the user gave it). A missing or
 * unreadable file is a ToolError: the job that should have made it failed.
 */
export async function readPlanFile(file: string, max: number, name: string = file): Promise<PlanFileText> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, "r");
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    throw new ToolError(
      missing
        ? `the plan file ${file} does not exist: write it with idp plan --format json > plan.json, or pass --plan`
        : `could not read the plan file ${file}`,
      { cause: error },
    );
  }
  try {
    const { size } = await handle.stat();
    if (size > max) return { refused: tooLarge(name, size, max) };
    const buffer = Buffer.alloc(max + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > max) return { refused: tooLarge(name, length, max, "at least ") };
    try {
      return { text: new TextDecoder("utf-8", { fatal: true }).decode(buffer.subarray(0, length)) };
    } catch {
      return { refused: `${name} is not valid UTF-8` };
    }
  } catch (error) {
    throw new ToolError(`could not read the plan file ${file}`, { cause: error });
  } finally {
    await handle.close();
  }
}

function tooLarge(file: string, size: number, max: number, prefix = ""): string {
  return `${file} is ${prefix}${size} bytes, over the ${max} bytes a plan may have`;
}
