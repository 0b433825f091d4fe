import { describe, expect, it } from "vitest";
import {
  caseSignature,
  messageIdFor,
  plusAddress,
  readOwnMessageId,
  readPlusAddress,
  readSubjectTags,
  subjectTag,
} from "../../src/core/mail/case-tag.js";

const SECRET = "test-secret-0123456789";

describe("case tags carry a keyed signature", () => {
  it("signs the same case the same way and other cases differently", () => {
    expect(caseSignature("ACT-100001", SECRET)).toBe(caseSignature("act-100001", SECRET));
    expect(caseSignature("ACT-100001", SECRET)).not.toBe(caseSignature("ACT-100002", SECRET));
    expect(caseSignature("ACT-100001", SECRET)).not.toBe(caseSignature("ACT-100001", "another-secret-xyz"));
    expect(caseSignature("ACT-100001", SECRET)).toMatch(/^[a-z2-7]{8}$/);
  });

  it("verifies a subject tag with its ref, through Re:/SV: prefixes", () => {
    const { tag, ref } = subjectTag("ACT-100001", SECRET);
    expect(tag).toBe("[ACT-100001]");
    expect(readSubjectTags(`SV: Re: ${tag} Aktivering – Storgatan 1 ${ref}`, SECRET)).toEqual([{ caseId: "ACT-100001", verified: true }]);
  });

  it("treats a guessed tag without a valid ref as unverified", () => {
    expect(readSubjectTags("[ACT-100002] hello", SECRET)).toEqual([{ caseId: "ACT-100002", verified: false }]);
    const { ref } = subjectTag("ACT-100001", SECRET);
    expect(readSubjectTags(`[ACT-100002] hello ${ref}`, SECRET)).toEqual([{ caseId: "ACT-100002", verified: false }]);
  });

  it("round-trips plus-addresses and own Message-IDs", () => {
    const plus = plusAddress("activations@desk.example", "ACT-100001", SECRET);
    expect(plus).toMatch(/^activations\+act-100001\.[a-z2-7]{8}@desk\.example$/);
    expect(readPlusAddress(plus, SECRET)).toEqual({ caseId: "ACT-100001", verified: true });
    expect(readPlusAddress("activations+act-100001.aaaaaaaa@desk.example", SECRET)?.verified).toBe(false);
    expect(readPlusAddress("activations@desk.example", SECRET)).toBeUndefined();
    const id = messageIdFor("ACT-100001", "abc123", "desk.example", SECRET);
    expect(readOwnMessageId(id, SECRET)).toEqual({ caseId: "ACT-100001", verified: true, domain: "desk.example" });
  });
});
