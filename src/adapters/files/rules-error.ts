/**
 * Invalid rules, each problem naming its file and the path inside it. A file of its own, so the CLI's
 * error handler knows it without loading yaml and the rules' schemas.
 */
export class RulesError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid rules:\n${problems.map((p) => `  ${p}`).join("\n")}`);
  }
}
