/**
 * The server refused the login (imapflow's `authenticationFailed`): a message an operator can act on,
 * in one line. `authenticationFailed` stays set, for callers that tell a refusal from an outage.
 * A file of its own, so the CLI's error handler knows it without loading imapflow.
 */
export class ImapLoginError extends Error {
  readonly code = "imap_login_refused";
  readonly authenticationFailed = true;
  constructor(message: string) {
    super(message);
    this.name = "ImapLoginError";
  }
}
