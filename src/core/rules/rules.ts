/**
 * Rules: every requirement of the process, loaded from `rules/` and validated at start-up
 * (src/adapters/files/load-rules.ts). The core receives them as a plain value.
 */
import type { AnswerVocabulary } from "../answers/vocabulary.js";
import type { FormsRules, PhotosRules } from "../evidence/schema.js";
import type { NoiseVocabulary } from "../mail/noise-vocabulary.js";
import type { Case, StageId } from "../types.js";
import type { LimitsFile, RemindersFile, StageRuleT, StagesFile } from "./schema.js";

export interface Rules {
  /** `rules/VERSION`; recorded with every evaluation. */
  version: string;
  stages: StagesFile["stages"];
  reminders: RemindersFile;
  limits: LimitsFile;
  answers: AnswerVocabulary;
  noise: NoiseVocabulary;
  forms: FormsRules;
  photos: PhotosRules;
}

export function stageRule(rules: Pick<Rules, "stages">, id: StageId): StageRuleT {
  const stage = rules.stages.find((s) => s.id === id);
  // The schema guarantees every stage is present; a miss here is a programming error.
  if (!stage) throw new Error(`stage ${id} missing from rules`);
  return stage;
}

/** The stages this case goes through, in order (site preparation only with an install service). */
export function applicableStages(rules: Pick<Rules, "stages">, c: Pick<Case, "installService">): StageRuleT[] {
  return rules.stages.filter((s) => s.when !== "install_service" || c.installService);
}
