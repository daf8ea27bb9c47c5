/** A user's mistake (bad input, config or arguments): printed as one line, exit status 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
}
