import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseDate, parseNumber } from "../../src/core/evidence/field-value.js";
import { identifyFormByFields, identifyFormByText, judgeForm, matchLabels } from "../../src/core/evidence/form-verdict.js";
import { FormsRulesSchema, type FormDef } from "../../src/core/evidence/schema.js";

const rules = FormsRulesSchema.parse(parse(readFileSync(new URL("../../rules/forms.yaml", import.meta.url), "utf8")));
const form = (id: string): FormDef => {
  const f = rules.forms.find((x) => x.id === id);
  if (!f) throw new Error(`no form ${id}`);
  return f;
};
const construction = form("construction_completion");
const commissioning = form("site_commissioning");
const ctx = { stations: 2, caseId: "ACT-123456", site: "Brf Solgården, Storgatan 1" };

const goodConstruction: Record<string, string> = {
  case_id: "ACT-123456",
  site: "Brf Solgården, Storgatan 1",
  site_address: "Storgatan 1, 123 45 Åre",
  contractor_company: "Elektriker AB",
  contact_name: "Anna Ek",
  contact_phone: "070-123 45 67",
  contact_email: "Anna.Ek@Elektriker.se",
  completion_date: "2025-05-03",
  mounting_type: "Stolpe på betongplatta",
  stations_planned: "2",
  breaker_rating_a: "32 A",
  cable_area_mm2: "10 mm²",
  rcd_type: "Typ B",
  connectivity: "4G",
  signal_strength_dbm: "-75 dBm",
  site_ready: "Ja",
  signed_by: "Anna Ek",
  comments: "",
};

const verdictOf = (report: ReturnType<typeof judgeForm>, key: string) => report.fields.find((f) => f.key === key);

describe("the forms in rules", () => {
  it("are valid and include both forms of the process", () => {
    expect(rules.forms.map((f) => f.id)).toEqual(["construction_completion", "site_commissioning"]);
  });

  it("refuse two fields sharing a label, which would make text reading ambiguous", () => {
    const raw = parse(readFileSync(new URL("../../rules/forms.yaml", import.meta.url), "utf8")) as { forms: Array<{ fields: Array<{ labels: { sv: string[] } }> }> };
    const fields = raw.forms[0]?.fields;
    if (!fields?.[3] || !fields[4]) throw new Error("fixture changed");
    fields[4].labels.sv.push(fields[3].labels.sv[0] ?? "");
    expect(FormsRulesSchema.safeParse(raw).success).toBe(false);
  });
});

describe("judgeForm", () => {
  it("passes a completely and correctly filled construction completion form", () => {
    const report = judgeForm(construction, goodConstruction, ctx);
    expect(report.failed).toEqual([]);
    expect(report.missing).toEqual([]);
    expect(report.complete).toBe(true);
    expect(verdictOf(report, "contact_email")?.normalised).toBe("anna.ek@elektriker.se");
    expect(verdictOf(report, "mounting_type")?.normalised).toBe("pedestal");
    expect(verdictOf(report, "breaker_rating_a")?.normalised).toBe("32");
    expect(verdictOf(report, "site_ready")?.normalised).toBe("true");
    expect(verdictOf(report, "comments")).toMatchObject({ value: null, verdict: "ok" });
  });

  it("reports required fields left empty or as placeholders as missing", () => {
    const report = judgeForm(construction, { ...goodConstruction, contact_phone: "", site_address: "________", signed_by: "  " }, ctx);
    expect(report.missing).toEqual(["site_address", "contact_phone", "signed_by"]);
    expect(report.complete).toBe(false);
  });

  it("fails each wrong value with its own reason code", () => {
    const report = judgeForm(
      construction,
      {
        ...goodConstruction,
        contact_email: "anna at elektriker",
        contact_phone: "ring mig",
        completion_date: "2025-02-30",
        mounting_type: "på taket",
        stations_planned: "2,5",
        breaker_rating_a: "2 A",
        cable_area_mm2: "tio",
        signal_strength_dbm: "-10",
        site_ready: "Nej",
        rcd_type: "kanske",
      },
      ctx,
    );
    const reasons = Object.fromEntries(report.fields.filter((f) => f.verdict === "failed").map((f) => [f.key, f.reason]));
    expect(reasons).toEqual({
      contact_email: "invalid_email",
      contact_phone: "invalid_phone",
      completion_date: "invalid_date",
      mounting_type: "not_in_enum",
      stations_planned: "not_an_integer",
      breaker_rating_a: "below_min",
      cable_area_mm2: "not_a_number",
      signal_strength_dbm: "above_max",
      site_ready: "not_confirmed",
      rcd_type: "not_in_enum",
    });
  });

  it("fails a form filled in for another case, and takes the case id from the case when it is left out", () => {
    expect(verdictOf(judgeForm(construction, { ...goodConstruction, case_id: "ACT-999999" }, ctx), "case_id")?.reason).toBe("case_mismatch");
    expect(verdictOf(judgeForm(construction, { ...goodConstruction, case_id: "" }, ctx), "case_id")).toMatchObject({
      verdict: "ok",
      normalised: "ACT-123456",
    });
  });

  it("reads enum options by any synonym, the longest one winning", () => {
    const rcd = (v: string) => verdictOf(judgeForm(construction, { ...goodConstruction, rcd_type: v }, ctx), "rcd_type")?.normalised;
    expect(rcd("Typ A")).toBe("type_a");
    expect(rcd("typ A med 6 mA DC-detektering")).toBe("type_a_6ma_dc");
    expect(rcd("Inbyggd i stationen")).toBe("type_a_6ma_dc");
    expect(rcd("type B")).toBe("type_b");
  });

  it("judges one row per station and lists the MACs for the MAC check", () => {
    const report = judgeForm(
      commissioning,
      {
        case_id: "ACT-123456",
        installer_company: "Laddfix AB",
        installer_name: "Per Berg",
        installer_phone: "+46 (0)70 111 22 33",
        installer_email: "per@laddfix.se",
        commissioning_date: "3 maj 2025",
        station_1_mac: "0024:B100:0002:75A3",
        station_1_name: "Garage P1 plats 12",
        station_1_location_marked: "Ja",
        station_2_mac: "0024B10002ZZ",
        station_2_name: "",
        station_2_location_marked: "x",
        all_online: "Ja",
        signed_by: "Per Berg",
      },
      ctx,
    );
    expect(verdictOf(report, "commissioning_date")?.normalised).toBe("2025-05-03");
    expect(verdictOf(report, "installer_phone")?.normalised).toBe("+46701112233");
    expect(verdictOf(report, "station_1_mac")).toMatchObject({ station: 1, verdict: "ok", normalised: "00:24:B1:00:00:02:75:A3" });
    expect(verdictOf(report, "station_2_mac")).toMatchObject({ station: 2, verdict: "failed", reason: "invalid_mac" });
    expect(report.missing).toEqual(["station_2_name"]);
    expect(report.macs).toEqual(["0024:B100:0002:75A3", "0024B10002ZZ"]);
    expect(verdictOf(report, "station_1_serial")).toMatchObject({ verdict: "ok", value: null });
  });

  it("flags rows for stations the case does not have", () => {
    const report = judgeForm(commissioning, { station_3_mac: "0024B1000277", station_3_name: "" }, { ...ctx, stations: 2 });
    expect(verdictOf(report, "station_3_mac")).toMatchObject({ verdict: "failed", reason: "extra_station", station: 3 });
    expect(verdictOf(report, "station_3_name")).toBeUndefined();
  });

  it("fails a value longer than the field allows", () => {
    const report = judgeForm(construction, { ...goodConstruction, comments: "x".repeat(501) }, ctx);
    expect(verdictOf(report, "comments")?.reason).toBe("too_long");
  });
});

describe("value parsing", () => {
  it.each([
    ["2025-05-03", "2025-05-03"],
    ["2025/5/3", "2025-05-03"],
    ["20250503", "2025-05-03"],
    ["3/5/2025", "2025-05-03"],
    ["3.5.2025", "2025-05-03"],
    ["3 maj 2025", "2025-05-03"],
    ["May 3, 2025", "2025-05-03"],
    ["2025-05-03 kl. 14:30", "2025-05-03"],
    ["2024-02-29", "2024-02-29"],
    ["2025-02-29", null],
    ["1899-01-01", null],
    ["igår", null],
  ])("reads the date %j as %s", (raw, iso) => {
    expect(parseDate(raw)).toBe(iso);
  });

  it.each([
    ["32", 32],
    ["32 A", 32],
    ["2,5 mm²", 2.5],
    ["-75 dBm", -75],
    ["−80", -80],
    ["1 000", 1000],
    ["32 eller 40", null],
    ["tio", null],
  ])("reads the number %j as %s", (raw, n) => {
    expect(parseNumber(raw)).toBe(n);
  });
});

describe("matchLabels", () => {
  it("reads label: value pairs from a re-typed form, whatever the case and diacritics", () => {
    const text = [
      "FORMULÄR FÖR KONSTRUKTIONSAVSLUTNING",
      "Anläggningens adress: Storgatan 1, Åre",
      "KONTAKTPERSON:  Anna Ek    Telefonnummer: 070-123 45 67",
      "anlaggningens adress: ignored, the first value wins",
      "E-post = anna@elektriker.se",
      "Säkring (A): 32",
      "Platsen är redo för installation – Ja",
    ].join("\n");
    expect(matchLabels(text, construction)).toMatchObject({
      site_address: "Storgatan 1, Åre",
      contact_name: "Anna Ek",
      contact_phone: "070-123 45 67",
      contact_email: "anna@elektriker.se",
      breaker_rating_a: "32",
      site_ready: "Ja",
    });
  });

  it("reads the only thing the issue's typed PDF says", () => {
    expect(matchLabels("Anläggningens adress: Storgatan 1", construction)).toEqual({ site_address: "Storgatan 1" });
  });

  it("takes the next line as the value when a label stands alone, but not another label", () => {
    const text = "Anläggningens adress:\nStorgatan 1\nKontaktperson:\nTelefon: 070-1234567";
    expect(matchLabels(text, construction)).toMatchObject({ site_address: "Storgatan 1", contact_name: "", contact_phone: "070-1234567" });
  });

  it("reads per-station rows from a station prefix, in Swedish and English", () => {
    const text = [
      "Station 1 MAC-adress: 00:24:B1:00:02:75",
      "Station 1 – Stationsnamn: Garage P1",
      "Laddpunkt 2, MAC: 0024B1000276   Laddpunkt 2 stationsnamn: Garage P2",
      "Charger #3 MAC address: 0024.B100.0277",
    ].join("\n");
    expect(matchLabels(text, commissioning)).toEqual({
      station_1_mac: "00:24:B1:00:02:75",
      station_1_name: "Garage P1",
      station_2_mac: "0024B1000276",
      station_2_name: "Garage P2",
      station_3_mac: "0024.B100.0277",
    });
  });

  it("reads per-station rows under a station header line", () => {
    const text = "Station 1\nMAC-adress: 0024B1000275\nStationsnamn: Entré\n\nStation 2:\nMAC-adress: 0024B1000276\nStationsnamn: Baksida";
    expect(matchLabels(text, commissioning)).toEqual({
      station_1_mac: "0024B1000275",
      station_1_name: "Entré",
      station_2_mac: "0024B1000276",
      station_2_name: "Baksida",
    });
  });

  it("gives unnumbered per-station rows to the stations in order", () => {
    const text = "MAC-adress: 0024B1000275\nStationsnamn: A\nMAC-adress: 0024B1000276\nStationsnamn: B";
    expect(matchLabels(text, commissioning)).toEqual({
      station_1_mac: "0024B1000275",
      station_1_name: "A",
      station_2_mac: "0024B1000276",
      station_2_name: "B",
    });
  });

  it("prefers the longer label and does not read a label inside another word", () => {
    const text = "E-postadress: per@laddfix.se\nCertifierad installatör: Per Berg\nInstallationsföretag: Laddfix AB";
    expect(matchLabels(text, commissioning)).toEqual({
      installer_email: "per@laddfix.se",
      installer_name: "Per Berg",
      installer_company: "Laddfix AB",
    });
  });
});

describe("identifying a form", () => {
  it("knows a form by its title in either language", () => {
    const id = identifyFormByText("Site commissioning form\nCase ID: ACT-123456", rules.forms);
    expect(id).toMatchObject({ kind: "ok", form: { id: "site_commissioning" } });
  });

  it("knows a form without its title by enough of its own labels", () => {
    const text = "Adress: Storgatan 1\nEntreprenör: El AB\nMonteringstyp: vägg\nKabelarea: 10\nJordfelsbrytare: typ B";
    expect(identifyFormByText(text, rules.forms)).toMatchObject({ kind: "ok", form: { id: "construction_completion" } });
  });

  it("knows a form by one specific label of its own, but not by a generic word", () => {
    expect(identifyFormByText("Anläggningens adress: Storgatan 1", rules.forms)).toMatchObject({ kind: "ok", form: { id: "construction_completion" } });
    expect(identifyFormByText("Adress: Storgatan 1", rules.forms).kind).toBe("none");
    expect(identifyFormByText("Anläggningens adress:", rules.forms).kind).toBe("none");
  });

  it("does not take an ordinary letter for a form", () => {
    const text = "Hej,\nTelefon: 070-1234567\nMvh Anna";
    expect(identifyFormByText(text, rules.forms).kind).toBe("none");
  });

  it("knows an AcroForm by its field names, and nothing by foreign ones", () => {
    const names = ["case_id", "site", "installer_company", "installer_name", "installer_phone", "installer_email", "commissioning_date", "station_1_mac", "station_1_name", "station_1_serial", "station_1_location_marked", "all_online", "signed_by", "comments"];
    expect(identifyFormByFields(names, rules.forms)).toMatchObject({ kind: "ok", form: { id: "site_commissioning" } });
    expect(identifyFormByFields(["Text1", "Text2", "Check Box3"], rules.forms).kind).toBe("none");
  });
});
