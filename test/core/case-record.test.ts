/** The case record in Sent copies (issue 20, rebuild): read back as written, refused when forged. */
import { describe, expect, it } from "vitest";
import { caseRecordHeader, caseRecordOf, decodeCaseRecord, encodeCaseRecord, openRequestOf } from "../../src/core/case/case-record.js";
import { makeCase } from "../support/case.js";

const SECRET = "record-test-secret-0123456789";

describe("case record", () => {
  const c = makeCase("ACT-100042", {
    nonce: "a1b2c3d4e5f6",
    stage: "configuration",
    macsShipped: ["00:1A:2B:3C:4D:01"],
    installService: true,
    participants: [
      { email: "nm@customer.example", name: "Nina Åström", role: "network_manager" },
      { email: "el@installer.example", role: "installer" },
      { email: "helper@customer.example", role: "team_added" },
    ],
  });

  it("is read back from its folded header as written, with the open roles only", () => {
    const header = caseRecordHeader(caseRecordOf(c), SECRET);
    const lines = header.split("\r\n").filter(Boolean);
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(78);
    const value = header.slice(header.indexOf(":") + 1);
    const r = decodeCaseRecord(value, SECRET);
    expect(r).toMatchObject({ id: "ACT-100042", nonce: "a1b2c3d4e5f6", stage: "configuration", installService: true, macsShipped: ["00:1A:2B:3C:4D:01"] });
    expect(r?.participants.map((p) => p.role)).toEqual(["network_manager", "installer"]);
    expect(r && openRequestOf(r)).toEqual({
      site: c.site,
      nmEmail: "nm@customer.example",
      nmName: "Nina Åström",
      installerEmail: "el@installer.example",
      stations: 2,
      macsShipped: ["00:1A:2B:3C:4D:01"],
      installService: true,
      locale: "sv",
    });
  });

  it("is refused when signed with another secret, changed, or not a record", () => {
    const value = encodeCaseRecord(caseRecordOf(c), SECRET);
    expect(decodeCaseRecord(value, "another-secret-0123456789")).toBeNull();
    const [body, sig] = value.split(".");
    const forged = Buffer.from(JSON.stringify({ ...caseRecordOf(c), id: "ACT-100001" })).toString("base64url");
    expect(decodeCaseRecord(`${forged}.${sig}`, SECRET)).toBeNull();
    expect(decodeCaseRecord(`${body}`, SECRET)).toBeNull();
    expect(decodeCaseRecord("x".repeat(70_000), SECRET)).toBeNull();
    const notRecord = Buffer.from(JSON.stringify({ v: 1, id: "ACT-1" })).toString("base64url");
    expect(decodeCaseRecord(encodeCaseRecord({ ...caseRecordOf(c) }, SECRET).replace(/^[^.]+/, notRecord), SECRET)).toBeNull();
  });
});
