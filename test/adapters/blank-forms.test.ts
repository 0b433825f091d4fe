import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PDFDocument } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBlankForms } from "../../src/adapters/pdf/blank-forms.js";
import { openCase } from "../../src/core/case/open-case.js";
import type { Rules } from "../../src/core/rules/rules.js";
import type { Case } from "../../src/core/types.js";
import { repoRules } from "../support/rules.js";
import { tempBlobStore, type TempBlobs } from "./mime-test-helpers.js";

let rules: Rules;
let store: TempBlobs;
beforeAll(async () => {
  rules = await repoRules();
  store = await tempBlobStore();
});
afterAll(() => store.cleanup());

function caseAt(id: string, site: string): Case {
  const request = { site, nmEmail: "nina@kund.se", stations: 2, macsShipped: [], installService: true, locale: "sv" as const };
  return openCase(id, request, rules, "2026-11-26T10:00:00.000Z", "test").case;
}

describe("blank forms", () => {
  it("renders a case's form once and attaches the same file each time it is asked for", async () => {
    const blankForm = createBlankForms(store.dir, store.blobs, rules.forms.forms);
    const c = caseAt("ACT-200001", "Storgatan 1, Malmö");
    const first = await blankForm("construction_completion", c);
    expect(first).toMatchObject({ filename: "construction_completion-ACT-200001.pdf", contentType: "application/pdf" });
    const index = await readdir(join(store.dir, "forms"));
    expect(index).toHaveLength(1);
    expect(await readFile(join(store.dir, "forms", index[0] ?? ""), "utf8")).toBe(first.blob);
    // A second bot process finds the rendering the first one kept.
    const again = await createBlankForms(store.dir, store.blobs, rules.forms.forms)("construction_completion", c);
    expect(again).toEqual(first);
    expect(await readdir(join(store.dir, "forms"))).toEqual(index);

    const pdf = await PDFDocument.load(await store.blobs.get(first.blob));
    expect(pdf.getSubject()).toBe("ACT-200001");
  });

  it("renders anew for another case, another form, or when the kept file is gone or damaged", async () => {
    const blankForm = createBlankForms(store.dir, store.blobs, rules.forms.forms);
    const a = await blankForm("construction_completion", caseAt("ACT-200002", "Storgatan 2"));
    const b = await blankForm("construction_completion", caseAt("ACT-200003", "Storgatan 2"));
    const c = await blankForm("site_commissioning", caseAt("ACT-200002", "Storgatan 2"));
    expect(new Set([a.blob, b.blob, c.blob]).size).toBe(3);

    await rm(store.blobs.path(a.blob));
    const rendered = await blankForm("construction_completion", caseAt("ACT-200002", "Storgatan 2"));
    expect(rendered.blob).toBe(a.blob);
    expect(await store.blobs.has(a.blob)).toBe(true);

    for (const name of await readdir(join(store.dir, "forms"))) await writeFile(join(store.dir, "forms", name), "sha256-not-a-blob");
    expect((await blankForm("site_commissioning", caseAt("ACT-200002", "Storgatan 2"))).blob).toBe(c.blob);
  });

  it("refuses a form the rules do not define", async () => {
    const blankForm = createBlankForms(store.dir, store.blobs, rules.forms.forms);
    await expect(blankForm("no_such_form", caseAt("ACT-200004", "x"))).rejects.toThrow("no form no_such_form");
  });
});
