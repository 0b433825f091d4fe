/**
 * The blank forms the bot attaches, rendered once per case and form. A form is asked for again in
 * reminders and in every answer that still misses it; rendering takes pdf-lib about 30 ms of the main
 * thread, and the file is the same each time (renderBlankForm is deterministic). The blob id of each
 * rendering is kept under `<storage>/forms/<key>`, the key being a digest of everything the rendering
 * depends on: the form's definition, the case's fields it prints and `BLANK_FORM_LAYOUT`.
 */
import { createHash, randomUUID } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { BlobStore } from "../../app/ports.js";
import type { FormDef } from "../../core/evidence/schema.js";
import type { Case } from "../../core/types.js";

export interface BlankFormFile {
  filename: string;
  blob: string;
  contentType: "application/pdf";
}

export function createBlankForms(storageDir: string, blobs: BlobStore, forms: FormDef[]): (formId: string, c: Case) => Promise<BlankFormFile> {
  const dir = join(storageDir, "forms");
  const ready = mkdir(dir, { recursive: true });

  async function known(path: string): Promise<string | undefined> {
    const id = await readFile(path, "utf8").catch(() => undefined);
    return id && (await blobs.has(id).catch(() => false)) ? id : undefined;
  }

  return async (formId, c) => {
    // pdf-lib loads with the first blank form, not at start-up (issue 20: ~1 s of CPU on a loaded host).
    const { BLANK_FORM_LAYOUT, renderBlankForm } = await import("./form-pdf.js");
    const form = forms.find((f) => f.id === formId);
    if (!form) throw new Error(`no form ${formId} in rules/forms.yaml`);
    const options = { caseId: c.id, site: c.site, stations: c.stations, locale: c.locale };
    const key = createHash("sha256").update(JSON.stringify([BLANK_FORM_LAYOUT, form, options])).digest("hex");
    const path = join(dir, key);
    let blob = await known(path);
    if (!blob) {
      blob = (await blobs.put(Buffer.from(await renderBlankForm(form, options)))).id;
      await ready;
      const tmp = `${path}.${randomUUID()}`;
      await writeFile(tmp, blob);
      await rename(tmp, path);
    }
    return { filename: `${formId}-${c.id}.pdf`, blob, contentType: "application/pdf" };
  };
}
