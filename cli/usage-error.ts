/** Bad usage or bad input (unknown flag, invalid scenario, missing file): exit code 2, one line. */
export class UsageError extends Error {
  override name = "UsageError";
}
