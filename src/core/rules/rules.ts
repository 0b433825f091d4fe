/**
 * Rules: every requirement of the process, loaded from `rules/` and validated at start-up
 * (src/adapters/files/load-rules.ts). The core receives them as a plain value.
 */
import type { AnswerVocabulary } from "../answers/vocabulary.js";
import type { FormsRules, PhotosRules } from "../evidence/schema.js";
import type { NoiseVocabulary } from "../mail/noise-vocabulary.js";
import type { Case, StageId } from "../types.js";
import type { MakesFile } from "./makes.js";
import { appliesToMake } from "./makes.js";
import type { ItemRuleT, LimitsFile, RemindersFile, StageRuleT, StagesFile } from "./schema.js";

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
  /** Station makes, third-party ones, and the desk's MAC vendor prefixes (rules/makes.yaml). */
  makes: MakesFile;
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

/** Whether an item applies to the case: items limited to some makes (`makes:`) only on those makes' cases. */
export function itemApplies(rules: Pick<Rules, "makes">, item: Pick<ItemRuleT, "makes">, c: Pick<Case, "make">): boolean {
  return appliesToMake(item.makes, rules.makes, c.make);
}
