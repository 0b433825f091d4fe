/** The part of oidc-provider (v9, ships no types) the test authorisation server uses. */
declare module "oidc-provider" {
  import type { IncomingMessage, ServerResponse } from "node:http";
  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown> & { extraTokenClaims?: (ctx: unknown, token: { clientId?: string }) => Record<string, unknown> });
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
  }
}
