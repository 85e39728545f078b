/** What a command hands back to the entry point: the exit code and what to print. */
export interface CommandResult {
  /** 0 clean, 1 findings (invalid input, policy denial, drift). Exit 2 is raised as an exception. */
  exitCode: 0 | 1;
  stdout: string;
  /** Progress or notes for people, printed to stderr so stdout stays machine-readable. */
  stderr?: string;
}
