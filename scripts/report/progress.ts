import { printable } from "./terminal-text.js";

/** Where a long-running command says what it is doing, one line at a time, while it works. */
export type Progress = (line: string) => void;

/** Progress lines on stderr (stdout stays the report), escaped: they quote branch names and URLs. */
export const stderrProgress: Progress = (line) => {
  process.stderr.write(`${printable(line)}\n`);
};
