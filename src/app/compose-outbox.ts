/**
 * Turns the core's outbox intents into outbox entries: rendered from templates, with the thread's
 * subject, deterministic key and Message-ID, In-Reply-To/References that keep one thread in Outlook,
 * Gmail and Apple Mail, Reply-To with the case's plus-address, and the blank forms attached.
 */
import { createHash } from "node:crypto";
import type { Checklist } from "../core/case/checklist.js";
import type { SupervisedStages } from "../core/case/drafts.js";
import type { OutboxEntry } from "../core/case/outbox-entry.js";
import type { OutboxIntent } from "../core/case/outbox-intent.js";
import { messageIdFor, plusAddress, subjectTag } from "../core/mail/case-tag.js";
import type { Case } from "../core/types.js";
import type { Renderer } from "./ports.js";

/** References beyond this many ids are dropped from the middle; clients need the root and the parent. */
const MAX_REFERENCES = 20;

export interface ComposeDeps {
  renderer: Renderer;
  mailFrom: string;
  mailFromAddress: string;
  mailDomain: string;
  plusAddressing: boolean;
  secret: string;
  /** Renders a blank form for the case and stores it; returns the attachment. */
  blankForm(formId: string, c: Case): Promise<OutboxEntry["attachments"][number]>;
  /**
   * The stages whose mails of the bot's own wait as drafts (supervised mode, app/supervision.ts), read
   * by process-mail and remind before each commit. Absent: none is supervised.
   */
  supervision?: () => Promise<SupervisedStages>;
}

export async function composeOutbox(
  deps: ComposeDeps,
  c: Case,
  checklist: Checklist,
  intents: OutboxIntent[],
  trigger: string,
  now: string,
): Promise<{ entries: OutboxEntry[]; case: Case }> {
  const entries: OutboxEntry[] = [];
  let next = c;
  for (const intent of intents) {
    // The case's nonce keeps keys and Message-IDs apart should its id ever be handed out again.
    const seed = `${c.nonce ? `${c.nonce}\n` : ""}${trigger}\n${intent.kind}\n${intent.slot}`;
    const key = `${c.id}.${createHash("sha256").update(seed).digest("hex").slice(0, 16)}`;
    const messageId = messageIdFor(c.id, key.slice(c.id.length + 1), deps.mailDomain, deps.secret);
    const { tag, ref } = subjectTag(c.id, deps.secret);
    const base = `${tag} ${deps.renderer.subject(c)} ${ref}`;
    const root = next.rootMessageId;
    const references = trimReferences([...(root ? [root] : []), ...next.messageIds.filter((id) => id !== root)], intent.inReplyTo);
    const { text, html } = deps.renderer.render(intent, next, checklist);
    const attachments = [...(await Promise.all(intent.attachForms.map((f) => deps.blankForm(f, next)))), ...(intent.attachEvidence ?? [])];
    entries.push({
      key,
      caseId: c.id,
      kind: intent.kind,
      from: deps.mailFrom,
      replyTo: deps.plusAddressing ? plusAddress(deps.mailFromAddress, c.id, deps.secret) : deps.mailFromAddress,
      to: intent.to,
      cc: intent.cc,
      subject: root ? `Re: ${base}` : base,
      messageId,
      ...(intent.inReplyTo ? { inReplyTo: intent.inReplyTo } : root ? { inReplyTo: lastOf(next.messageIds) ?? root } : {}),
      references,
      text,
      html,
      attachments,
      content: intent.content,
      autoSubmitted: intent.inReplyTo ? "auto-replied" : "auto-generated",
      progress: intent.content.received.length > 0 || intent.content.advancedFrom !== undefined,
      createdAt: now,
    });
    next = {
      ...next,
      rootMessageId: root ?? messageId,
      messageIds: next.messageIds.includes(messageId) ? next.messageIds : [...next.messageIds, messageId],
    };
  }
  return { entries, case: next };
}

function trimReferences(ids: string[], parent: string | undefined): string[] {
  const all = [...new Set([...ids, ...(parent ? [parent] : [])])];
  if (all.length <= MAX_REFERENCES) return all;
  return [...all.slice(0, 1), ...all.slice(all.length - (MAX_REFERENCES - 1))];
}

function lastOf<T>(list: T[]): T | undefined {
  return list[list.length - 1];
}
