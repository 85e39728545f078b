/**
 * The few exceptions the tool throws. Bad *input* is never an exception (it is
 * a Diagnostic); these are for when the tool cannot go on. The CLI entry point
 * is the one place that turns them into exit code 2 and a readable message.
 */

/** The command line was wrong: an unknown flag, a missing argument, a bad value. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/**
 * The tool could not do its job for a reason outside the user's YAML: a
 * missing or broken schema, git or GitHub failing, a broken policy bundle.
 * `message` says what failed and what to do; `cause` keeps the original.
 */
export class ToolError extends Error {
  override readonly name = "ToolError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
