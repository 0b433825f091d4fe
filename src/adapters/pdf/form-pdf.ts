/**
 * The forms as PDF (SPEC §3 Forms): render the blank fillable form the bot attaches to its request, and
 * read a returned form back.
 *
 * Reading order: AcroForm fields with pdf-lib first (pdf-parse returns no values for an unflattened
 * AcroForm; one of our AcroForms, even unfilled, is read from its fields only); then the text with pdf-parse for flattened, printed-to-PDF or re-typed forms. pdf-parse
 * 2.x gives no text positions, and a flattened form's values come after all its labels in content
 * order — so the rendered form draws each row as a two-cell table, and `getTable()` (which places text
 * by position into ruled cells) pairs each label with its value again. The plain text follows, for
 * forms typed from scratch ("Anläggningens adress: Storgatan 1").
 *
 * Bad input never throws: an empty, oversized, encrypted, corrupt or foreign PDF comes back as a kind
 * with a reason. pdf-parse holds pdf.js memory until destroy(), which every path calls.
 */
import { PDFCheckBox, PDFDocument, PDFDropdown, PDFOptionList, PDFRadioGroup, PDFTextField, rgb, StandardFonts } from "pdf-lib";
import type { PDFFont, PDFPage } from "pdf-lib";
import type { Locale } from "../../core/types.js";
import type { FieldDef, FormDef } from "../../core/evidence/schema.js";
import { identifyFormByFields, identifyFormByText, matchLabels, MAX_FORM_TEXT_CHARS, MAX_STATIONS_PER_FORM, stationKey } from "../../core/evidence/form-verdict.js";

/** A filled form is well under 1 MB; a scan of a printed one a few MB. More is not a form. */
export const MAX_FORM_PDF_BYTES = 20 * 1024 * 1024;
/** Pages read for text: a 200-station commissioning form is about 30 pages. */
export const MAX_FORM_PDF_PAGES = 40;
/** AcroForm fields read: a 200-station form has about 1000. */
export const MAX_ACROFORM_FIELDS = 2_000;
/** pdf.js is given this long per PDF; a pathological file is abandoned (and destroyed), not waited on. */
export const PDF_PARSE_TIMEOUT_MS = 15_000;
/** The header must appear this early (PDF readers allow leading junk, within reason). */
const PDF_HEADER_WINDOW = 1_024;

/** The evidence port's result type (app/ports.ts): this adapter implements `readFormPdf` of it. */
export type { ReadFormResult } from "../../app/ports.js";
import type { ReadFormResult } from "../../app/ports.js";

/**
 * Changes with anything that changes the bytes renderBlankForm makes for the same form and case:
 * rendered forms are kept under a key that includes it (blank-forms.ts).
 */
export const BLANK_FORM_LAYOUT = 1;

export interface BlankFormOptions {
  caseId: string;
  site: string;
  stations: number;
  locale: Locale;
}

// ---------------------------------------------------------------------------------------------------------
// Rendering

const PAGE = { width: 595.28, height: 841.89 }; // A4
const MARGIN = 48;
const LABEL_WIDTH = 210;
const ROW_HEIGHT = 26;
const TALL_ROW_HEIGHT = 60;
const GRID = rgb(0.62, 0.62, 0.62);
const GREY = rgb(0.38, 0.38, 0.38);
/** A string field allowing this many characters gets a multi-line box. */
const MULTILINE_FROM_CHARS = 300;

interface Layout {
  doc: PDFDocument;
  font: PDFFont;
  bold: PDFFont;
  page: PDFPage;
  y: number;
}

export async function renderBlankForm(formDef: FormDef, options: BlankFormOptions): Promise<Uint8Array> {
  const { locale } = options;
  // No creation dates or producer: the same case renders the same bytes (outbox dedupe, tests).
  const doc = await PDFDocument.create({ updateMetadata: false });
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const safe = winAnsi(font);
  doc.setTitle(`${formDef.title[locale]} — ${options.caseId}`);
  doc.setSubject(options.caseId);
  doc.setKeywords(["activation-bot", `form:${formDef.id}`, options.caseId]);
  doc.setCreator("activation-bot");

  const layout: Layout = { doc, font, bold, page: doc.addPage([PAGE.width, PAGE.height]), y: PAGE.height - MARGIN };
  layout.page.drawText(safe(formDef.title[locale]), { x: MARGIN, y: layout.y - 16, size: 16, font: bold });
  layout.y -= 30;
  if (formDef.intro) {
    for (const line of wrap(safe(formDef.intro[locale]), font, 9, PAGE.width - 2 * MARGIN)) {
      layout.page.drawText(line, { x: MARGIN, y: layout.y - 9, size: 9, font, color: GREY });
      layout.y -= 12;
    }
  }
  layout.y -= 10;

  const form = doc.getForm();
  const stations = Math.max(0, Math.min(MAX_STATIONS_PER_FORM, Math.floor(options.stations)));
  const stationWord = formDef.station_labels[locale][0] ?? "Station";
  const own = formDef.fields.filter((f) => f.repeat !== "per_station");
  const perStation = formDef.fields.filter((f) => f.repeat === "per_station");
  const trailing = new Set(["signed_by", "comments"]);

  const addRow = (field: FieldDef, key: string, label: string): void => {
    const tall = field.type === "string" && (field.constraints.max_length ?? 0) >= MULTILINE_FROM_CHARS;
    const height = tall ? TALL_ROW_HEIGHT : ROW_HEIGHT;
    ensureRoom(layout, height);
    const top = layout.y;
    const { page } = layout;
    page.drawRectangle({ x: MARGIN, y: top - height, width: LABEL_WIDTH, height, borderColor: GRID, borderWidth: 0.5 });
    page.drawRectangle({ x: MARGIN + LABEL_WIDTH, y: top - height, width: PAGE.width - 2 * MARGIN - LABEL_WIDTH, height, borderColor: GRID, borderWidth: 0.5 });
    page.drawText(fit(safe(label), font, 9, LABEL_WIDTH - 10), { x: MARGIN + 5, y: top - 12, size: 9, font });
    const hint = field.hint?.[locale];
    if (hint) page.drawText(fit(safe(hint), font, 6.5, LABEL_WIDTH - 10), { x: MARGIN + 5, y: top - 21, size: 6.5, font, color: GREY });

    const box = form.createTextField(key);
    if (tall) box.enableMultiline();
    const prefill = field.prefill === "case_id" ? options.caseId : field.prefill === "site" ? options.site : null;
    if (prefill !== null) {
      box.setText(safe(prefill));
      box.enableReadOnly();
    } else if (field.constraints.max_length) {
      box.setMaxLength(field.constraints.max_length);
    }
    box.addToPage(page, { x: MARGIN + LABEL_WIDTH + 3, y: top - height + 3, width: PAGE.width - 2 * MARGIN - LABEL_WIDTH - 6, height: height - 6, font, borderWidth: 0 });
    box.setFontSize(10);
    layout.y -= height;
  };

  for (const field of own.filter((f) => !trailing.has(f.name))) addRow(field, field.name, field.labels[locale][0] ?? field.name);
  for (let n = 1; n <= stations; n++) {
    layout.y -= 8;
    ensureRoom(layout, 14 + ROW_HEIGHT * perStation.length);
    layout.page.drawText(safe(`${stationWord} ${n}`), { x: MARGIN, y: layout.y - 11, size: 10, font: bold });
    layout.y -= 16;
    for (const field of perStation) addRow(field, stationKey(n, field.name), `${stationWord} ${n} – ${field.labels[locale][0] ?? field.name}`);
  }
  if (perStation.length) layout.y -= 8;
  for (const field of own.filter((f) => trailing.has(f.name))) addRow(field, field.name, field.labels[locale][0] ?? field.name);

  form.updateFieldAppearances(font);
  const pages = doc.getPages();
  pages.forEach((page, i) => {
    const footer = safe(`${options.caseId} · ${formDef.id} · ${i + 1}/${pages.length}`);
    page.drawText(footer, { x: MARGIN, y: MARGIN / 2, size: 7, font, color: GREY });
  });
  return doc.save();
}

function ensureRoom(layout: Layout, height: number): void {
  if (layout.y - height >= MARGIN) return;
  layout.page = layout.doc.addPage([PAGE.width, PAGE.height]);
  layout.y = PAGE.height - MARGIN;
}

/** Standard fonts encode WinAnsi only (å, ä, ö, é are in it): anything else becomes "?" instead of a throw. */
function winAnsi(font: PDFFont): (text: string) => string {
  const supported = new Set(font.getCharacterSet());
  return (text) => Array.from(text.replace(/[\r\n\t]+/g, " "), (ch) => (supported.has(ch.codePointAt(0) ?? 0) ? ch : "?")).join("");
}

function fit(text: string, font: PDFFont, size: number, width: number): string {
  if (font.widthOfTextAtSize(text, size) <= width) return text;
  let cut = text;
  while (cut.length > 1 && font.widthOfTextAtSize(`${cut}…`, size) > width) cut = cut.slice(0, -1);
  return `${cut}…`;
}

function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    const next = line ? `${line} ${word}` : word;
    if (line && font.widthOfTextAtSize(next, size) > width) {
      lines.push(line);
      line = word;
    } else {
      line = next;
    }
  }
  if (line) lines.push(line);
  return lines;
}

// ---------------------------------------------------------------------------------------------------------
// Reading

export async function readFormPdf(bytes: Uint8Array, formDefs: FormDef[]): Promise<ReadFormResult> {
  if (bytes.length === 0) return { kind: "unreadable", detail: "empty file (0 bytes)" };
  if (bytes.length > MAX_FORM_PDF_BYTES) return { kind: "unreadable", detail: `${bytes.length} bytes, over the limit of ${MAX_FORM_PDF_BYTES}` };
  if (!Buffer.from(bytes.subarray(0, PDF_HEADER_WINDOW)).toString("latin1").includes("%PDF-")) {
    return { kind: "corrupt", detail: "not a PDF (no %PDF- header)" };
  }

  // Our AcroForm, filled or not, is the form: pdf-parse cannot see widget values, so its text adds nothing.
  const acro = await readAcroForm(bytes, formDefs);
  if (acro.kind === "ok") return { kind: "ok", form: acro.form, fields: acro.fields, source: "acroform" };

  const text = await readText(bytes);
  if (text.kind !== "ok") {
    // pdf-lib cannot decrypt anything; pdf.js opens owner-password-only PDFs, so only its failure is final.
    if (acro.kind === "encrypted") return { kind: "encrypted", detail: text.kind === "encrypted" ? text.detail : acro.detail };
    return text;
  }
  const identity = identifyFormByText(text.text, formDefs);
  if (identity.kind === "ok") return { kind: "ok", form: identity.form.id, fields: matchLabels(text.text, identity.form), source: "text" };
  if (acro.kind === "foreign") return { kind: "not_a_form", detail: acro.detail };
  if (text.text.trim() === "") return { kind: "unreadable", detail: "the PDF has no text layer (a scan or a photo?)" };
  return { kind: "not_a_form", detail: identity.detail };
}

type AcroResult =
  | { kind: "ok"; form: string; fields: Record<string, string> }
  /** foreign: an AcroForm, but not one of ours; none: no AcroForm fields at all. */
  | { kind: "foreign" | "none" | "encrypted" | "failed"; detail: string };

async function readAcroForm(bytes: Uint8Array, formDefs: FormDef[]): Promise<AcroResult> {
  let doc: PDFDocument;
  try {
    // pdf-lib's error classes are ES5-compiled (instanceof fails on them): load anyway, then ask.
    // throwOnInvalidObject: a damaged file goes to pdf.js (more forgiving) instead of pdf-lib's console warnings.
    doc = await PDFDocument.load(bytes, { updateMetadata: false, throwOnInvalidObject: true, ignoreEncryption: true });
  } catch (error) {
    return { kind: "failed", detail: message(error) };
  }
  // pdf-lib cannot decrypt: field values of an encrypted PDF would be ciphertext.
  if (doc.isEncrypted) return { kind: "encrypted", detail: "the PDF is encrypted" };
  const fields: Record<string, string> = {};
  try {
    for (const field of doc.getForm().getFields().slice(0, MAX_ACROFORM_FIELDS)) {
      fields[field.getName()] = fieldValue(field);
    }
  } catch (error) {
    return { kind: "failed", detail: `AcroForm unreadable: ${message(error)}` };
  }
  if (Object.keys(fields).length === 0) return { kind: "none", detail: "no AcroForm fields" };
  const identity = identifyFormByFields(Object.keys(fields), formDefs);
  if (identity.kind !== "ok") return { kind: "foreign", detail: `an AcroForm, but ${identity.detail}` };
  return { kind: "ok", form: identity.form.id, fields };
}

function fieldValue(field: ReturnType<ReturnType<PDFDocument["getForm"]>["getFields"]>[number]): string {
  try {
    if (field instanceof PDFTextField) return field.getText() ?? "";
    // A ticked box reads as yes; an unticked one as not filled in (never as an explicit no).
    if (field instanceof PDFCheckBox) return field.isChecked() ? "ja" : "";
    if (field instanceof PDFDropdown || field instanceof PDFOptionList) return field.getSelected().join(", ");
    if (field instanceof PDFRadioGroup) return field.getSelected() ?? "";
  } catch {
    // A malformed field value reads as empty; the rest of the form is still read.
  }
  return "";
}

type TextResult = { kind: "ok"; text: string } | { kind: "encrypted" | "corrupt" | "unreadable"; detail: string };

async function readText(bytes: Uint8Array): Promise<TextResult> {
  // pdf.js may take ownership of the buffer it is given: hand it a real copy (Buffer#slice is a view).
  // Loaded on first use: pdf.js's legacy build patches built-ins process-wide, so only a process that
  // meets a flattened form pays for it.
  const { PDFParse } = await import("pdf-parse");
  const parser = new PDFParse({ data: new Uint8Array(bytes), verbosity: 0, isEvalSupported: false, disableFontFace: true });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<TextResult>((resolve) => {
    timer = setTimeout(() => resolve({ kind: "unreadable", detail: `reading the PDF took longer than ${PDF_PARSE_TIMEOUT_MS} ms` }), PDF_PARSE_TIMEOUT_MS);
  });
  const work = (async (): Promise<TextResult> => {
    try {
      const plain = await parser.getText({ first: MAX_FORM_PDF_PAGES, pageJoiner: "" });
      // Table detection is a bonus for flattened forms: if it trips over odd vector graphics, read on without it.
      const tables = await parser.getTable({ first: MAX_FORM_PDF_PAGES }).then((t) => tableLines(t.pages)).catch(() => "");
      return { kind: "ok", text: `${tables}\n${plain.text}`.slice(0, MAX_FORM_TEXT_CHARS) };
    } catch (error) {
      const name = error instanceof Error ? error.name : "";
      if (name === "PasswordException") return { kind: "encrypted", detail: "the PDF is password-protected" };
      if (name === "InvalidPDFException" || name === "FormatError") return { kind: "corrupt", detail: message(error) };
      return { kind: "unreadable", detail: message(error) };
    }
  })();
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
    await parser.destroy().catch(() => undefined);
  }
}

/** Ruled rows as "label: value" lines; a label cell's first line is the label (the second is its hint). */
function tableLines(pages: Array<{ tables: string[][][] }>): string {
  const lines: string[] = [];
  for (const page of pages) {
    for (const table of page.tables) {
      for (const [label = "", ...rest] of table) {
        const name = (label.split("\n")[0] ?? "").replace(/[:\s]+$/, "");
        const value = rest.join(" ").replace(/\s+/g, " ").trim();
        if (name) lines.push(`${name}: ${value}`);
      }
    }
  }
  return lines.join("\n");
}

function message(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0]?.slice(0, 200) ?? "unknown error";
}
