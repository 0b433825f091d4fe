/**
 * What a reply's text states about the case's facts (issue 21, part 3): the station count and whether
 * the installation service was bought. core/case/case-facts.ts compares them with the case. Pure.
 */
import { readInstallService, type InstallServiceStatement } from "./install-service.js";
import { readStationCount, type StationCount } from "./station-count.js";
import type { AnswerVocabulary } from "./vocabulary.js";

export interface StatedFacts {
  stations?: StationCount;
  installService?: InstallServiceStatement;
}

export function readStatedFacts(text: string, vocabulary: AnswerVocabulary): StatedFacts {
  const stations = readStationCount(text, vocabulary);
  const installService = readInstallService(text, vocabulary);
  return { ...(stations ? { stations } : {}), ...(installService ? { installService } : {}) };
}
