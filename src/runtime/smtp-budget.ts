/**
 * The outbox side of the relay's daily recipient budget (adapters/redis/recipient-budget.ts): each
 * admission moves the gauge; from WARN_SHARE of the budget the operator is warned (banner, /readyz
 * details, log) before it runs out, and while it is spent the warning says how long mail waits.
 */
import type { RecipientBudget } from "../adapters/redis/recipient-budget.js";
import type { Metrics } from "./metrics.js";
import type { OperatorAlerts } from "./operator-alerts.js";

/** The share of the budget from which the operator is warned. */
export const WARN_SHARE = 0.8;
export const SMTP_BUDGET_ALERT = "smtp_budget";

/** Asks the budget for an outbox entry's recipients: 0 to send now, else ms to wait. */
export async function admitRecipients(
  budget: RecipientBudget,
  deps: { metrics: Pick<Metrics, "smtpRecipientsUsed">; alerts: OperatorAlerts },
  entryKey: string,
  count: number,
): Promise<number> {
  const a = await budget.admit(entryKey, count);
  deps.metrics.smtpRecipientsUsed.set(a.used);
  const fix =
    "nothing is lost: mail waits in the outbox until the 24-hour window frees recipients. If this is normal traffic, ask the provider for a higher limit or send from a second mailbox; SMTP_DAILY_RECIPIENTS sets the budget";
  if (a.waitMs > 0) {
    deps.alerts.raise({
      cause: SMTP_BUDGET_ALERT,
      severity: "warning",
      code: "smtp_budget_spent",
      message: `the SMTP relay's budget of ${budget.budget} recipients in 24 hours is spent: answers wait (the next in about ${Math.ceil(a.waitMs / 60_000)} min)`,
      fix,
    });
  } else if (a.used >= budget.budget * WARN_SHARE) {
    deps.alerts.raise({
      cause: SMTP_BUDGET_ALERT,
      severity: "warning",
      code: "smtp_budget_low",
      message: `${a.used} of the SMTP relay's ${budget.budget} recipients in 24 hours are used`,
      fix,
    });
  } else deps.alerts.clear(SMTP_BUDGET_ALERT);
  return a.waitMs;
}
