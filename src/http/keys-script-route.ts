/** `GET /assets/desk-keys.js`: the desk's keyboard script (pages/keys-script.ts), open like a stylesheet: it holds no data. */
import type { FastifyInstance } from "fastify";
import { KEYS_SCRIPT, KEYS_SCRIPT_URL } from "./pages/keys-script.js";

export function registerKeysScriptRoute(app: FastifyInstance): void {
  app.get(KEYS_SCRIPT_URL, async (_request, reply) =>
    reply.type("text/javascript; charset=utf-8").header("Cache-Control", "no-cache").send(KEYS_SCRIPT),
  );
}
