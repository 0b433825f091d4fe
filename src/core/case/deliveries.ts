/**
 * What a case has heard of its deliveries (issue 22): every receipt of stations ("låda 1 av 2", on
 * different dates) and every parcel question about a product delivered digitally, oldest first, for
 * the desk. Read from the evidence; receipts never hold a case. Pure.
 */
import type { Rules } from "../rules/rules.js";
import type { AnswerStatus, Case, JsonValue } from "../types.js";

export type DeliveryNote =
  | { kind: "receipt"; at: string; from: string; mail: string; item: string; status: AnswerStatus; value: JsonValue; text: string }
  | { kind: "digital_question"; at: string; from: string; mail: string; products: string[]; text: string };

export function deliveryNotes(c: Pick<Case, "evidence">, rules: Pick<Rules, "answers">): DeliveryNote[] {
  const receiptItems = Object.entries(rules.answers.items).flatMap(([id, v]) => (v.kind === "received" ? [id] : []));
  const out: DeliveryNote[] = [];
  for (const e of c.evidence) {
    for (const item of receiptItems) {
      const a = e.answers[item];
      if (a) out.push({ kind: "receipt", at: e.at, from: e.from, mail: e.mail, item, status: a.status, value: a.value, text: a.text });
    }
    if (e.digitalDelivery) out.push({ kind: "digital_question", at: e.at, from: e.from, mail: e.mail, products: e.digitalDelivery.products, text: e.digitalDelivery.text });
  }
  return out;
}
