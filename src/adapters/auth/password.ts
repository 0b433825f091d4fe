/** Today's login: the user and password of an `imap://user:pass@host` or `smtp://…` URL. */
import type { CredentialSource } from "./credential.js";

export function passwordSource(user: string, pass: string): CredentialSource {
  return { provider: "password", get: async () => ({ user, pass }) };
}
