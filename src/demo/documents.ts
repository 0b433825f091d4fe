/**
 * What the people in the demo (and the tests) send: a form filled in the way a PDF reader fills it,
 * and site photos from a phone — here made with sharp: a textured scene unique per seed, so each photo
 * is sharp, well exposed and not a duplicate of another; `blurred` makes one that fails the check.
 */
import { PDFDocument } from "pdf-lib";
import sharp from "sharp";

export async function fillForm(blank: Uint8Array, values: Record<string, string>): Promise<Buffer> {
  const pdf = await PDFDocument.load(blank);
  const form = pdf.getForm();
  for (const [name, value] of Object.entries(values)) form.getTextField(name).setText(value);
  return Buffer.from(await pdf.save());
}

/** `cells`×`cells` RGB pixels of xorshift noise in 40–215, different per seed: a photo's texture, scaled up. */
export function textureCells(seed: number, cells: number): Buffer {
  const small = Buffer.alloc(cells * cells * 3);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < small.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    small[i] = 40 + ((x >>> 0) % 176);
  }
  return small;
}

/** A deterministic pseudo-random texture: strong edges, mid-grey average, different per seed. */
export async function demoPhoto(seed: number, opts: { width?: number; height?: number; blurred?: boolean } = {}): Promise<Buffer> {
  const width = opts.width ?? 1600;
  const height = opts.height ?? 1200;
  const cells = 48;
  let image = sharp(textureCells(seed, cells), { raw: { width: cells, height: cells, channels: 3 } }).resize(width, height, { kernel: "nearest" });
  if (opts.blurred) image = sharp(await image.png().toBuffer()).blur(25);
  return image.jpeg({ quality: 88 }).toBuffer();
}

/** The construction completion form as a contractor fills it in for the demo site. */
export function constructionFormValues(contractorEmail: string, today = new Date()): Record<string, string> {
  return {
    site_address: "Storgatan 1, 211 42 Malmö",
    contractor_company: "Bygg & El Syd AB",
    contact_name: "Carl Entreprenör",
    contact_phone: "070-123 45 67",
    contact_email: contractorEmail,
    completion_date: today.toISOString().slice(0, 10),
    mounting_type: "stolpe på betongplatta",
    stations_planned: "2",
    breaker_rating_a: "32",
    cable_area_mm2: "10",
    rcd_type: "Typ B",
    connectivity: "4G",
    signal_strength_dbm: "-78",
    site_ready: "Ja",
    signed_by: "Carl Entreprenör",
  };
}

/** The site commissioning form as an installer fills it in: one row per station with its MAC. */
export function commissioningFormValues(installerEmail: string, macs: string[], today = new Date()): Record<string, string> {
  const values: Record<string, string> = {
    installer_company: "El & Laddning AB",
    installer_name: "Ivar Installatör",
    installer_phone: "070-765 43 21",
    installer_email: installerEmail,
    commissioning_date: today.toISOString().slice(0, 10),
    all_online: "Ja",
    signed_by: "Ivar Installatör",
  };
  macs.forEach((mac, i) => {
    values[`station_${i + 1}_mac`] = mac;
    values[`station_${i + 1}_name`] = `Storgatan P${i + 1}`;
    values[`station_${i + 1}_location_marked`] = "Ja";
  });
  return values;
}

/** The five site-preparation photos, named as a phone user would; `blurred` names one to spoil. */
export async function sitePhotos(opts: { blurred?: string; seed?: number } = {}): Promise<{ filename: string; content: Buffer }[]> {
  const names = ["betongplatta.jpg", "kabeldragning.jpg", "elcentral.jpg", "signalstyrka.jpg", "oversikt-parkering.jpg"];
  const seed = opts.seed ?? 1;
  return Promise.all(names.map(async (filename, i) => ({ filename, content: await demoPhoto(seed + i, { blurred: filename === opts.blurred }) })));
}

/** Per station the MAC label, the mounted station and the electrical connection, plus an overview. */
export async function commissioningPhotos(stations: number, seed = 100): Promise<{ filename: string; content: Buffer }[]> {
  const names: string[] = [];
  for (let n = 1; n <= stations; n++) for (const what of ["mac-etikett", "monterad-station", "elanslutning"]) names.push(`station${n}-${what}.jpg`);
  names.push("oversikt.jpg");
  return Promise.all(names.map(async (filename, i) => ({ filename, content: await demoPhoto(seed + i) })));
}
