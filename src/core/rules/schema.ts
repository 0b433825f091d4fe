/**
 * The shape of the process rules under `rules/` (SPEC §3, §5). Files are validated with these schemas
 * at start-up and by `activation-bot rules check`; the evidence, answer and noise vocabularies have
 * their schemas beside the code that reads them.
 */
import { z } from "zod";
import { STAGES } from "../types.js";

export const AUDIENCES = ["network_manager", "contractor", "installer", "team"] as const;
export type Audience = (typeof AUDIENCES)[number];

const ItemRule = z
  .object({
    id: z.string().regex(/^[a-z_]+\.[a-z_]+$/, "item ids look like `area.name`"),
    evidence: z.enum(["answer", "form", "photos", "macs", "team"]),
    /** Who satisfies the item; the stage's audience unless it is the team's own step (evidence: team). */
    audience: z.enum(AUDIENCES).optional(),
    form: z.string().optional(),
    blocking: z.boolean().default(true),
    /** An item this one cannot take effect without (pricing needs Flex billing to collect revenue):
     *  a reply giving this item while that one was answered no is told so, and the desk sees it. */
    requires: z.string().regex(/^[a-z_]+\.[a-z_]+$/).optional(),
    /** A team step's confirmation is told to this audience (the account verified → the network manager). */
    tell_when_confirmed: z.enum(["network_manager", "contractor", "installer"]).optional(),
    /** Only on cases of these makes (rules/makes.yaml): a third-party make's own items. */
    makes: z.array(z.string().regex(/^[a-z][a-z0-9_]*$/)).min(1).optional(),
  })
  .strict()
  .refine((item) => item.evidence !== "form" || item.form, { message: "an item with evidence: form names its form" })
  .refine((item) => (item.evidence === "team") === (item.audience === "team"), {
    message: "a team step has evidence: team and audience: team, and only it",
  })
  .refine((item) => !item.tell_when_confirmed || item.evidence === "team", { message: "tell_when_confirmed is for team steps" });

const StageRule = z
  .object({
    id: z.enum(STAGES),
    audience: z.enum(AUDIENCES),
    when: z.enum(["install_service"]).optional(),
    advance: z.enum(["auto", "team"]),
    reminders: z.boolean(),
    /** The accepted forms and photos of that earlier stage go along with this stage's first mail. */
    forward_evidence_from: z.enum(STAGES).optional(),
    items: z.array(ItemRule),
  })
  .strict();

export const StagesFileSchema = z
  .object({ stages: z.array(StageRule) })
  .strict()
  .superRefine((file, ctx) => {
    const ids = file.stages.map((s) => s.id);
    if (ids.join() !== STAGES.join()) {
      ctx.addIssue({ code: "custom", path: ["stages"], message: `stages must be, in order: ${STAGES.join(", ")}` });
    }
    const seen = new Set<string>();
    file.stages.forEach((stage, s) =>
      stage.items.forEach((item, i) => {
        if (seen.has(item.id)) {
          ctx.addIssue({ code: "custom", path: ["stages", s, "items", i, "id"], message: `duplicate item ${item.id}` });
        }
        seen.add(item.id);
      }),
    );
    file.stages.forEach((stage, s) =>
      stage.items.forEach((item, i) => {
        if (item.requires && !seen.has(item.requires)) {
          ctx.addIssue({ code: "custom", path: ["stages", s, "items", i, "requires"], message: `no item ${item.requires}` });
        }
      }),
    );
  });

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date like 2026-12-24");

export const RemindersFileSchema = z
  .object({
    after_working_days: z.array(z.number().int().positive()).min(1),
    escalate_after_working_days: z.number().int().positive(),
    /** A stage held only by a team step (account verified, site confirmed) for this many working days
     *  is flagged team_step_overdue: the team, not a participant, is what it waits on. */
    team_escalate_after_working_days: z.number().int().positive().default(2),
    send_at_hour: z.number().int().min(0).max(23),
    time_zone: z.string().min(1),
    holidays: z.array(z.union([IsoDate, z.date().transform((d) => d.toISOString().slice(0, 10))])),
  })
  .strict()
  .refine((r) => r.escalate_after_working_days > Math.max(...r.after_working_days), {
    message: "escalation comes after the last reminder",
    path: ["escalate_after_working_days"],
  });

export const LimitsFileSchema = z
  .object({
    rate_limits: z
      .object({
        no_progress_replies_per_case_per_hour: z.number().int().positive(),
        per_case_per_hour: z.number().int().positive(),
        per_recipient_per_day: z.number().int().positive(),
      })
      .strict(),
  })
  .strict();

export type StagesFile = z.infer<typeof StagesFileSchema>;
export type StageRuleT = StagesFile["stages"][number];
export type ItemRuleT = StageRuleT["items"][number];
export type RemindersFile = z.infer<typeof RemindersFileSchema>;
export type LimitsFile = z.infer<typeof LimitsFileSchema>;
