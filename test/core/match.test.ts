import { describe, expect, it } from "vitest";
import { messageIdFor, plusAddress, subjectTag } from "../../src/core/mail/case-tag.js";
import { matchMail } from "../../src/core/mail/match.js";
import { mailFacts } from "../support/mail-facts.js";

const SECRET = "test-secret-0123456789";
const exists = (ids: string[]) => (id: string) => ids.includes(id);
const tagged = (id: string) => {
  const { tag, ref } = subjectTag(id, SECRET);
  return `SV: ${tag} Aktivering ${ref}`;
};

describe("matching a mail to its case", () => {
  it("matches by a verified subject tag first", () => {
    const r = matchMail(mailFacts({ subject: tagged("ACT-100001") }), { secret: SECRET, knownMessageIds: new Map(), caseExists: exists(["ACT-100001"]) });
    expect(r).toEqual({ kind: "matched", caseId: "ACT-100001", by: "subject_tag" });
  });

  it("matches by In-Reply-To when the subject lost its tag", () => {
    const id = messageIdFor("ACT-100001", "e1", "desk.example", SECRET);
    const r = matchMail(mailFacts({ subject: "Re: Aktivering", inReplyTo: id }), {
      secret: SECRET,
      knownMessageIds: new Map([[id, "ACT-100001"]]),
      caseExists: exists(["ACT-100001"]),
    });
    expect(r).toEqual({ kind: "matched", caseId: "ACT-100001", by: "references" });
  });

  it("matches by the plus-address when nothing else is left", () => {
    const r = matchMail(mailFacts({ deliveredTo: [plusAddress("activations@desk.example", "ACT-100001", SECRET)] }), {
      secret: SECRET,
      knownMessageIds: new Map(),
      caseExists: exists(["ACT-100001"]),
    });
    expect(r).toEqual({ kind: "matched", caseId: "ACT-100001", by: "plus_address" });
  });

  it("calls a mail that points at two cases ambiguous", () => {
    const id = messageIdFor("ACT-100002", "e1", "desk.example", SECRET);
    const r = matchMail(mailFacts({ subject: tagged("ACT-100001"), references: [id] }), {
      secret: SECRET,
      knownMessageIds: new Map([[id, "ACT-100002"]]),
      caseExists: exists(["ACT-100001", "ACT-100002"]),
    });
    expect(r.kind).toBe("ambiguous");
  });

  it("treats a forged tag and a forged Message-ID as no reference at all", () => {
    const forged = "<act-100001.e1.aaaaaaaa@desk.example>";
    const r = matchMail(mailFacts({ subject: "Re: [ACT-100001] Aktivering", references: [forged] }), {
      secret: SECRET,
      knownMessageIds: new Map([[forged, "ACT-100001"]]),
      caseExists: exists(["ACT-100001"]),
    });
    expect(r.kind).toBe("unmatched");
    expect(r.kind === "unmatched" && r.reason).toContain("without a valid signature");
  });

  it("leaves a mail with nothing to go on unmatched", () => {
    const r = matchMail(mailFacts({ subject: "Hej" }), { secret: SECRET, knownMessageIds: new Map(), caseExists: exists([]) });
    expect(r.kind).toBe("unmatched");
  });
});
