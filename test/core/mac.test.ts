import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { checkMacs, explainMac, findMacs, isReservedMac, normaliseMac } from "../../src/core/evidence/mac.js";
import { FormsRulesSchema } from "../../src/core/evidence/schema.js";

const forms = FormsRulesSchema.parse(parse(readFileSync(new URL("../../rules/forms.yaml", import.meta.url), "utf8")));

describe("normaliseMac", () => {
  it.each([
    ["00:24:b1:00:02:75", "00:24:B1:00:02:75", 48],
    ["00-24-B1-00-02-75", "00:24:B1:00:02:75", 48],
    ["0024.b100.0275", "00:24:B1:00:02:75", 48],
    ["00 24 B1 00 02 75", "00:24:B1:00:02:75", 48],
    ["0024B1000275", "00:24:B1:00:02:75", 48],
    ["  0024B1000275\n", "00:24:B1:00:02:75", 48],
    ["0024:B100:0002:75A3", "00:24:B1:00:00:02:75:A3", 64],
    ["0024B100000275A3", "00:24:B1:00:00:02:75:A3", 64],
  ])("reads %j as %s (EUI-%i)", (raw, mac, eui) => {
    expect(normaliseMac(raw)).toEqual({ kind: "ok", mac, eui });
  });

  it.each([
    ["", "empty"],
    [" :: ", "empty"],
    ["00:24:B1:00:02", "wrong_length"],
    ["00:24:B1:00:02:75:A3", "wrong_length"],
    ["00:24:G1:00:02:75", "not_hex"],
    ["MAC 0024B1000275", "not_hex"],
    ["0".repeat(80), "too_long"],
  ])("refuses %j as %s", (raw, reason) => {
    expect(normaliseMac(raw)).toEqual({ kind: "invalid", reason });
  });
});

describe("isReservedMac", () => {
  it("flags all-zero, broadcast and multicast addresses but not ordinary ones", () => {
    expect(isReservedMac("00:00:00:00:00:00")).toBe(true);
    expect(isReservedMac("FF:FF:FF:FF:FF:FF")).toBe(true);
    expect(isReservedMac("01:00:5E:00:00:FB")).toBe(true);
    expect(isReservedMac("00:00:00:00:00:00:00:00")).toBe(true);
    expect(isReservedMac("00:24:B1:00:02:75")).toBe(false);
    expect(isReservedMac("02:24:B1:00:02:75")).toBe(false); // locally administered, still one station
  });
});

describe("findMacs", () => {
  it("finds MACs in every common spelling, in order, each once", () => {
    const text = [
      "Hej! Här kommer MAC-adresserna:",
      "Station 1: 00:24:B1:00:02:75",
      "Station 2: 00-24-b1-00-02-76",
      "Station 3: 0024.B100.0277",
      "Station 4: 0024B1000278",
      "Station 5: 0024:B100:0002:75A3",
      "(station 1 igen: 0024b1000275)",
    ].join("\n");
    expect(findMacs(text)).toEqual([
      "00:24:B1:00:02:75",
      "00-24-b1-00-02-76",
      "0024.B100.0277",
      "0024B1000278",
      "0024:B100:0002:75A3",
    ]);
  });

  it("does not take phone numbers, order numbers, times or IPv6 addresses for MACs", () => {
    const text = [
      "Ring mig på 0701 2345 6789 eller 070123456789.",
      "Order 202405031234, klockan 12:30:45.",
      "Routern har 2001:0db8:85a3:0000:0000:8a2e:0370:7334.",
      "Checksumma 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    ].join("\n");
    expect(findMacs(text)).toEqual([]);
  });

  it("takes an all-digit candidate when the word MAC stands before it on the same line", () => {
    expect(findMacs("MAC-adress: 001122334455")).toEqual(["001122334455"]);
    expect(findMacs("MAC\n001122334455")).toEqual([]);
  });

  it("reads no further than its bound in a huge text", () => {
    const text = `${"x".repeat(300_000)} 00:24:B1:00:02:75`;
    expect(findMacs(text)).toEqual([]);
  });
});

describe("checkMacs", () => {
  const none = new Map<string, string>();

  it("passes MACs that are well-formed, unique and shipped", () => {
    const verdicts = checkMacs({ macs: ["0024B1000275", "00:24:b1:00:02:76"], shipped: ["00-24-B1-00-02-75", "00-24-B1-00-02-76"], otherCases: none });
    expect(verdicts.map((v) => [v.mac, v.status, v.codes])).toEqual([
      ["00:24:B1:00:02:75", "ok", []],
      ["00:24:B1:00:02:76", "ok", []],
    ]);
  });

  it("explains a bad format and a reserved address with one code each", () => {
    const [bad, zero, multicast] = checkMacs({ macs: ["00:24:B1", "00:00:00:00:00:00", "01:00:5E:00:00:FB"], shipped: [], otherCases: none });
    expect(bad).toMatchObject({ raw: "00:24:B1", mac: null, status: "failed", codes: ["invalid_format"] });
    expect(zero).toMatchObject({ status: "failed", codes: ["reserved"] });
    expect(multicast).toMatchObject({ status: "failed", codes: ["reserved"] });
  });

  it("marks every station that shares a MAC, however it was spelt", () => {
    const verdicts = checkMacs({ macs: ["0024B1000275", "00:24:b1:00:02:75", "0024B1000276"], shipped: [], otherCases: none });
    expect(verdicts.map((v) => v.codes)).toEqual([["duplicate_in_case"], ["duplicate_in_case"], []]);
  });

  it("names the other case that already uses a MAC", () => {
    const otherCases = new Map([["00-24-B1-00-02-75", "ACT-000042"]]);
    const [v] = checkMacs({ macs: ["0024b1000275"], shipped: [], otherCases });
    expect(v).toMatchObject({ status: "failed", codes: ["used_by_other_case"], otherCase: "ACT-000042" });
  });

  it("checks against the shipped stations only when the order listed them", () => {
    expect(checkMacs({ macs: ["0024B1000299"], shipped: [], otherCases: none })[0]?.codes).toEqual([]);
    expect(checkMacs({ macs: ["0024B1000299"], shipped: ["0024B1000275"], otherCases: none })[0]?.codes).toEqual(["not_shipped"]);
  });

  it("treats an FF:FE-expanded EUI-64 as the EUI-48 it was built from", () => {
    const [v] = checkMacs({ macs: ["0024:B1FF:FE00:0275"], shipped: ["00:24:B1:00:02:75"], otherCases: none });
    expect(v).toMatchObject({ eui: 64, status: "ok", codes: [] });
  });

  it("reports several problems of one MAC together", () => {
    const otherCases = new Map([["0024B1000275", "ACT-000042"]]);
    const [v] = checkMacs({ macs: ["0024B1000275", "0024B1000275"], shipped: ["0024B1000300"], otherCases });
    expect(v?.codes).toEqual(["duplicate_in_case", "used_by_other_case", "not_shipped"]);
  });
});

describe("explainMac", () => {
  it("explains each problem in Swedish and in English from the rules", () => {
    const [v] = checkMacs({ macs: ["0024B1000275"], shipped: [], otherCases: new Map([["0024B1000275", "ACT-000042"]]) });
    if (!v) throw new Error("no verdict");
    expect(explainMac(v, forms.mac_messages, "sv")).toEqual([
      "MAC-adressen 00:24:B1:00:02:75 är redan registrerad i ärende ACT-000042. Kontrollera att den är rätt avläst från etiketten på stationen.",
    ]);
    expect(explainMac(v, forms.mac_messages, "en")[0]).toContain("already registered in case ACT-000042");
  });

  it("quotes a malformed value as written", () => {
    const [v] = checkMacs({ macs: ["00:24:B1"], shipped: [], otherCases: new Map() });
    if (!v) throw new Error("no verdict");
    expect(explainMac(v, forms.mac_messages, "sv")[0]).toMatch(/^”00:24:B1” är ingen giltig MAC-adress/);
  });

  it("has nothing to say about a good MAC", () => {
    const [v] = checkMacs({ macs: ["0024B1000275"], shipped: [], otherCases: new Map() });
    if (!v) throw new Error("no verdict");
    expect(explainMac(v, forms.mac_messages, "en")).toEqual([]);
  });
});
