/**
 * Reads the evidence a mail brings (SPEC §3): each PDF is read as one of the forms and judged field by
 * field, each image is measured and judged as a site photo, and MAC addresses from the form rows and the
 * reply text are checked against the order and the other cases. Every failure becomes one line for the
 * reply, in the case's language, from rules. Bad documents are verdicts, never exceptions.
 */
import { checkMacs, explainMac, findMacs, normaliseMac } from "../core/evidence/mac.js";
import { judgeForm } from "../core/evidence/form-verdict.js";
import { categorisePhoto, photoEntry, retakeLine, unassignedLine } from "../core/evidence/photo-verdict.js";
import type { FieldMessageCode, FormDef } from "../core/evidence/schema.js";
import { fillPlaceholders } from "../core/evidence/schema.js";
import { photoRulesFor } from "../core/case/evidence-items.js";
import { extractReply } from "../core/mail/reply-text.js";
import type { Rules } from "../core/rules/rules.js";
import type { AttachmentFacts, Case, FormEvidence, MacEvidence, MailFacts, PhotoEvidence, StageId } from "../core/types.js";
import type { BlobStore, CaseRepository, Clock, EvidenceReader, EvidenceTools } from "./ports.js";

const IMAGE_EXTENSIONS = /\.(jpe?g|png|webp|heic|heif)$/i;
/** Images under this size are signatures, logos and tracking pixels, not site photos. */
const MIN_PHOTO_BYTES = 4096;
/** Photos of one mail measured at once: two cores, and each decode holds ~10 MB of pixels. */
const PHOTOS_IN_FLIGHT = 2;

export interface EvidenceDeps {
  blobs: BlobStore;
  tools: EvidenceTools;
  clock: Clock;
  /** Absent in `inspect` without a case: cross-case MAC checks are then skipped. */
  store?: Pick<CaseRepository, "macOwners">;
}

export function createEvidenceReader(deps: EvidenceDeps): EvidenceReader {
  return {
    async read(mail, c, rules) {
      const problems: string[] = [];
      const replyText = extractReply(mail.text).reply;
      const forms: FormEvidence[] = [];
      const formMacs: { raw: string; station: number }[] = [];
      for (const a of mail.attachments.filter(isPdf)) {
        const { evidence, macs, lines } = await readForm(deps, a, c, rules);
        forms.push(evidence);
        formMacs.push(...macs);
        problems.push(...lines);
      }
      const photos = await readPhotos(deps, mail, replyText, c, rules, problems);
      const macs = await readMacs(deps, formMacs, replyText, c, rules, problems);
      return { forms, photos, macs, problems };
    },
  };
}

function isPdf(a: AttachmentFacts): boolean {
  return a.contentType === "application/pdf" || /\.pdf$/i.test(a.filename);
}

function isPhoto(a: AttachmentFacts): boolean {
  return (a.contentType.startsWith("image/") || IMAGE_EXTENSIONS.test(a.filename)) && !(a.inline && a.size < MIN_PHOTO_BYTES) && a.size !== 0;
}

async function readForm(
  deps: EvidenceDeps,
  a: AttachmentFacts,
  c: Case,
  rules: Rules,
): Promise<{ evidence: FormEvidence; macs: { raw: string; station: number }[]; lines: string[] }> {
  const line = (code: keyof Rules["forms"]["document_messages"], detail: string) =>
    fillPlaceholders(rules.forms.document_messages[code][c.locale], { file: a.filename, detail });
  if (!a.blob) {
    const detail = a.refused ?? "not stored";
    return { evidence: failedForm(a, "too_large", detail), macs: [], lines: [line("too_large", detail)] };
  }
  const read = await deps.tools.readFormPdf(await deps.blobs.get(a.blob), rules.forms.forms);
  if (read.kind !== "ok") {
    return { evidence: failedForm(a, read.kind, read.detail), macs: [], lines: [line(read.kind, read.detail)] };
  }
  const def = rules.forms.forms.find((f) => f.id === read.form) as FormDef;
  const report = judgeForm(def, read.fields, { stations: c.stations, caseId: c.id, site: c.site });
  const lines = report.fields
    .filter((f) => f.verdict !== "ok")
    .map((f) => {
      const field = def.fields.find((x) => x.name === f.field);
      const code: FieldMessageCode = f.reason ?? "missing";
      const label = field?.labels[c.locale][0] ?? f.field;
      return fillPlaceholders(rules.forms.field_messages[code][c.locale], {
        label: f.station ? `${label} (station ${f.station})` : label,
        value: f.value ?? "",
        station: f.station ?? "",
        min: field?.constraints.min ?? "",
        max: field?.constraints.max ?? "",
      });
    });
  const macs = report.fields
    .filter((f) => def.fields.find((x) => x.name === f.field)?.type === "mac" && f.value)
    .map((f) => ({ raw: f.value as string, station: f.station ?? 0 }));
  return {
    evidence: {
      form: def.id,
      file: a.filename,
      blob: a.blob,
      status: report.complete ? "ok" : "failed",
      source: read.source,
      ...(report.complete ? {} : { reason: lines.join(" ") }),
      fields: report.fields.map((f) => ({
        name: f.key,
        value: f.value,
        verdict: f.verdict,
        ...(f.reason ? { reason: f.reason } : {}),
      })),
    },
    macs,
    lines,
  };
}

function failedForm(a: AttachmentFacts, code: string, detail: string): FormEvidence {
  return { form: null, file: a.filename, ...(a.blob ? { blob: a.blob } : {}), status: "failed", code, reason: `${code}: ${detail}`, fields: [] };
}

async function readPhotos(deps: EvidenceDeps, mail: MailFacts, replyText: string, c: Case, rules: Rules, problems: string[]): Promise<PhotoEvidence[]> {
  const images = mail.attachments.filter(isPhoto);
  if (images.length === 0) return [];
  const stage = photoStage(c, rules);
  // A third-party make's own categories sort only its cases' photos.
  const photoRules = photoRulesFor(rules, c);
  // A photo that fit no category counted toward nothing: sent again with its name (as the reply
  // asks), it is sorted, not refused as a copy.
  const knownHashes = c.evidence
    .flatMap((e) => e.photos)
    .flatMap((p) => (p.status === "ok" && p.category !== null && typeof p.measures.dhash === "string" ? [p.measures.dhash] : []));
  // Measured PHOTOS_IN_FLIGHT at a time (decoding is off the event loop in libvips), then judged in
  // order, so a photo sent twice in one mail is still found as a duplicate of the first.
  const measuredAll = await mapLimited(images, PHOTOS_IN_FLIGHT, (a) =>
    a.blob ? deps.tools.measurePhoto(deps.blobs.path(a.blob), rules.photos.limits) : Promise.resolve({ kind: "too_large" as const, detail: a.refused ?? "not stored" }),
  );
  const out: PhotoEvidence[] = [];
  for (const [i, a] of images.entries()) {
    const guess = categorisePhoto(a.filename, null, replyText, photoRules, stage, { photosInMail: images.length });
    const measured = measuredAll[i] ?? { kind: "unreadable" as const, detail: "not measured" };
    const entry = photoEntry(a.filename, guess, measured, rules.photos.quality, {
      caseOpenedAt: c.openedAt,
      now: deps.clock.now().toISOString(),
      knownHashes,
    });
    const thumbnail = measured.kind === "ok" && measured.thumbnail ? (await deps.blobs.put(measured.thumbnail)).id : undefined;
    if (measured.kind === "ok" && entry.status === "ok") knownHashes.push(measured.measures.dhash);
    out.push({
      file: a.filename,
      ...(a.blob ? { blob: a.blob } : {}),
      ...(thumbnail ? { thumbnail } : {}),
      category: entry.category,
      stage,
      ...(entry.station ? { station: entry.station } : {}),
      status: entry.status,
      reasons: entry.reasons,
      measures: { ...entry.measures },
    });
    const retake = entry.status === "failed" ? retakeLine(a.filename, entry.reasons, rules.photos, c.locale) : null;
    if (retake) problems.push(retake);
    else if (entry.category === null) problems.push(unassignedLine(a.filename, rules.photos, c.locale));
  }
  return out;
}

/** The stage whose photo categories apply: the case's own, or the first that has photos at all. */
function photoStage(c: Case, rules: Rules): StageId {
  if (rules.photos.stages[c.stage]) return c.stage;
  const order = rules.stages.map((s) => s.id);
  const later = order.slice(order.indexOf(c.stage)).find((s) => rules.photos.stages[s]);
  return later ?? (Object.keys(rules.photos.stages)[0] as StageId);
}

async function readMacs(
  deps: EvidenceDeps,
  formMacs: { raw: string; station: number }[],
  replyText: string,
  c: Case,
  rules: Rules,
  problems: string[],
): Promise<MacEvidence[]> {
  const fromText = findMacs(replyText).filter((raw) => !formMacs.some((f) => same(f.raw, raw)));
  const claimed = [...formMacs, ...fromText.map((raw) => ({ raw, station: 0 }))];
  if (claimed.length === 0) return [];
  const canonical = claimed.flatMap((m) => {
    const n = normaliseMac(m.raw);
    return n.kind === "ok" ? [n.mac] : [];
  });
  const owners = deps.store ? await deps.store.macOwners(canonical) : new Map<string, string>();
  for (const [mac, owner] of owners) if (owner === c.id) owners.delete(mac);
  const verdicts = checkMacs({ macs: claimed.map((m) => m.raw), shipped: c.macsShipped, otherCases: owners });
  return verdicts.map((v, i) => {
    if (v.status === "failed") problems.push(...explainMac(v, rules.forms.mac_messages, c.locale));
    const station = claimed[i]?.station;
    return { raw: v.raw, mac: v.mac, ...(station ? { station } : {}), status: v.status, reasons: v.codes };
  });
}

function same(a: string, b: string): boolean {
  const x = normaliseMac(a);
  const y = normaliseMac(b);
  return x.kind === "ok" && y.kind === "ok" && x.mac === y.mac;
}

/** Like Promise.all over `items`, with at most `limit` calls running; results keep the input order. */
async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  });
  await Promise.all(lanes);
  return results;
}
