/**
 * Loads and validates `rules/` (SPEC §3, §5). A bad file stops start-up with an error naming the file,
 * the path inside it and what is wrong; `activation-bot rules check DIR` runs the same code.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { AnswerVocabularySchema } from "../../core/answers/vocabulary.js";
import { FormsRulesSchema, PhotosRulesSchema } from "../../core/evidence/schema.js";
import { NoiseVocabularySchema } from "../../core/mail/noise-vocabulary.js";
import type { Rules } from "../../core/rules/rules.js";
import { MakesFileSchema } from "../../core/rules/makes.js";
import { LimitsFileSchema, RemindersFileSchema, StagesFileSchema } from "../../core/rules/schema.js";
import { RulesError } from "./rules-error.js";

export { RulesError };

export async function loadRules(dir: string): Promise<Rules> {
  const problems: string[] = [];

  async function file<T>(name: string, schema: z.ZodType<T>): Promise<T | undefined> {
    const path = join(dir, name);
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (err) {
      problems.push(`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
      return undefined;
    }
    const doc = parseDocument(text);
    if (doc.errors.length) {
      for (const e of doc.errors) problems.push(`${path}:${e.linePos?.[0]?.line ?? "?"}: ${e.message.split("\n")[0]}`);
      return undefined;
    }
    const parsed = schema.safeParse(doc.toJS());
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        problems.push(`${path}: ${issue.path.length ? issue.path.join(".") : "(top)"}: ${issue.message}`);
      }
      return undefined;
    }
    return parsed.data;
  }

  let version = "";
  try {
    version = (await readFile(join(dir, "VERSION"), "utf8")).trim();
    if (!version) problems.push(`${join(dir, "VERSION")}: empty; write the rules version in it`);
  } catch {
    problems.push(`${join(dir, "VERSION")}: missing; write the rules version in it`);
  }
  const stages = await file("stages.yaml", StagesFileSchema);
  const reminders = await file("reminders.yaml", RemindersFileSchema);
  const limits = await file("limits.yaml", LimitsFileSchema);
  const answers = await file("answers.yaml", AnswerVocabularySchema);
  const noise = await file("noise.yaml", NoiseVocabularySchema);
  const forms = await file("forms.yaml", FormsRulesSchema);
  const photos = await file("photos.yaml", PhotosRulesSchema);
  const makes = await file("makes.yaml", MakesFileSchema);

  if (stages && forms) {
    stages.stages.forEach((stage, s) =>
      stage.items.forEach((item, i) => {
        if (item.form && !forms.forms.some((f) => f.id === item.form)) {
          problems.push(`${join(dir, "stages.yaml")}: stages.${s}.items.${i}.form: no form "${item.form}" in forms.yaml`);
        }
      }),
    );
  }
  if (stages && photos) {
    stages.stages.forEach((stage, s) =>
      stage.items.forEach((item, i) => {
        if (item.evidence === "photos" && !photos.stages[stage.id]) {
          problems.push(`${join(dir, "stages.yaml")}: stages.${s}.items.${i}: photos.yaml has no categories for stage ${stage.id}`);
        }
      }),
    );
  }
  if (stages && photos && makes) {
    // A `makes:` naming no make would silently never apply.
    const known = new Set(makes.makes.map((m) => m.id));
    stages.stages.forEach((stage, s) =>
      stage.items.forEach((item, i) => {
        for (const m of item.makes ?? []) {
          if (!known.has(m)) problems.push(`${join(dir, "stages.yaml")}: stages.${s}.items.${i}.makes: no make "${m}" in makes.yaml`);
        }
      }),
    );
    for (const [stage, rules] of Object.entries(photos.stages)) {
      rules?.categories.forEach((cat, i) => {
        for (const m of cat.makes ?? []) {
          if (!known.has(m)) problems.push(`${join(dir, "photos.yaml")}: stages.${stage}.categories.${i}.makes: no make "${m}" in makes.yaml`);
        }
      });
    }
  }
  if (problems.length || !stages || !reminders || !limits || !answers || !noise || !forms || !photos || !makes) {
    throw new RulesError(problems);
  }
  return { version, stages: stages.stages, reminders, limits, answers, noise, forms, photos, makes };
}
