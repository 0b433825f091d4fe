/** Hand-built MailFacts for pure tests of the core. */
import type { MailFacts } from "../../src/core/types.js";

export function mailFacts(over: Partial<MailFacts> = {}): MailFacts {
  return {
    key: over.key ?? `mid:<${Math.random().toString(36).slice(2)}@client.example>`,
    references: [],
    replyTo: [],
    to: [{ address: "activations@desk.example" }],
    cc: [],
    deliveredTo: [],
    subject: "",
    headers: [],
    text: "",
    textFromHtml: false,
    attachments: [],
    reportParts: [],
    problems: [],
    ...over,
  };
}
