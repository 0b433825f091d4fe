/** A command given wrongly (a bad option, an unknown case, a refusal): printed as one line, exit code 2. */
export class UsageError extends Error {}
