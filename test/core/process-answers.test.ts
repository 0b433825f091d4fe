/**
 * Issue 22 and issue 21 part 3: the answers the whole process adds — the installer's certification,
 * installer account and MAC labels, and who may use the stations written the way a new user writes
 * it — in Swedish and English, with negations and deferrals; and the scope of each side's answers.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { answersInScope } from "../../src/core/case/answer-scope.js";
import { readAnswers } from "../../src/core/answers/read-answers.js";
import { readStationCount } from "../../src/core/answers/station-count.js";
import { AnswerVocabularySchema } from "../../src/core/answers/vocabulary.js";
import type { Rules } from "../../src/core/rules/rules.js";
import type { AnswerStatus, JsonValue } from "../../src/core/types.js";
import { repoRules } from "../support/rules.js";

const vocabulary = AnswerVocabularySchema.parse(
  parse(readFileSync(fileURLToPath(new URL("../../rules/answers.yaml", import.meta.url)), "utf8")),
);

const read = (text: string) => readAnswers(text, vocabulary);

function expectAnswer(text: string, item: string, status: AnswerStatus, value?: JsonValue): void {
  const answer = read(text)[item];
  expect(answer, `${item} in “${text}”`).toBeDefined();
  expect(answer?.status, `${item} in “${text}”`).toBe(status);
  if (value !== undefined) expect(answer?.value).toEqual(value);
}

describe("the installer's certification (installer.certified)", () => {
  it.each([
    "Jag är certifierad och har gått utbildningen.",
    "Utbildningen är genomförd.",
    "Jag har klarat certifieringen.",
    "I completed the training last week.",
    "I'm certified.",
    "We are certified and passed the course.",
  ])("reads “%s” as done", (text) => expectAnswer(text, "installer.certified", "ok"));

  it.each([
    "Jag har inte hunnit certifiera mig än.",
    "Jag är inte certifierad ännu.",
    "Vi har inte gått utbildningen.",
    "I'm not certified yet.",
    "I haven't done the training.",
    "Still need to do the certification.",
  ])("reads the negation “%s” as not done", (text) => expectAnswer(text, "installer.certified", "negative"));

  it.each([
    "Jag återkommer om certifieringen.",
    "Ska kolla upp utbildningen.",
    "I'll get back to you about the certification.",
    "Not sure whether the training counts.",
  ])("reads the deferral or hedge “%s” as unclear, to ask again", (text) => expectAnswer(text, "installer.certified", "unclear"));
});

describe("the installer account (installer.account)", () => {
  it.each(["Installatörskontot är skapat.", "Jag har lagt upp mitt installatörskonto.", "My installer account is set up.", "Installer account created."])(
    "reads “%s” as done",
    (text) => expectAnswer(text, "installer.account", "ok"),
  );
  it.each(["Installatörskontot är inte skapat än.", "Jag har inte hunnit skapa installatörskontot.", "The installer account is not set up yet."])(
    "reads the negation “%s” as not done",
    (text) => expectAnswer(text, "installer.account", "negative"),
  );
  it("reads a deferral as unclear", () => expectAnswer("Installatörskontot återkommer jag om.", "installer.account", "unclear"));
});

describe("the MAC labels handed to the owner (commissioning.mac_labels)", () => {
  it.each(["MAC-etiketterna är överlämnade till ägaren.", "Ägaren har fått etiketterna.", "The MAC labels were handed to the owner.", "Labels given to the owner."])(
    "reads “%s” as done",
    (text) => expectAnswer(text, "commissioning.mac_labels", "ok"),
  );
  it.each(["Etiketterna är inte lämnade än.", "The labels have not been handed over yet."])("reads the negation “%s” as not done", (text) =>
    expectAnswer(text, "commissioning.mac_labels", "negative"),
  );
});

describe("who may use the stations, as a new user writes it (issue 21)", () => {
  it.each([
    ["Stationerna ska vara publika.", "public"],
    ["The stations should be public.", "public"],
    ["Stationerna ska vara privata.", "private"],
    ["The stations should be private.", "private"],
    ["They should be open to the public.", "public"],
    ["The stations should only be for employees.", { group: "employees" }],
  ] as const)("reads “%s”", (text, value) => expectAnswer(text, "config.access", "ok", value));

  it("still reads a hedge with “should be” as unclear", () =>
    expectAnswer("It should be fine, the stations are public.", "config.access", "unclear"));
});

describe("whose words answer which items", () => {
  let rules: Rules;
  beforeAll(async () => {
    rules = await repoRules();
  });
  const text = "Jag är certifierad och installatörskontot är skapat. Stationerna ska vara publika.";

  it("takes the installer's items from the installer and the network manager's from the network manager", () => {
    expect(Object.keys(answersInScope(read(text), rules, "installer")).sort()).toEqual(["installer.account", "installer.certified"]);
    expect(Object.keys(answersInScope(read(text), rules, "network_manager"))).toEqual(["config.access"]);
    expect(Object.keys(answersInScope(read(text), rules, "team_added"))).toEqual(["config.access"]);
  });
});

describe("the station count a reply states (issue 21)", () => {
  it.each([
    ["Vi planerar 3 stationer.", 3],
    ["We are installing 3 stations.", 3],
    ["Tre laddstationer ska upp på parkeringen.", 3],
    ["Two chargers are mounted.", 2],
    ["Det blir 4 st laddare.", 4],
  ] as const)("reads “%s” as %i", (text, count) => expect(readStationCount(text, vocabulary)?.count).toBe(count));

  it.each(["Båda stationerna är installerade.", "Station 2 har 00:1A:2B:3C:4D:02.", "Storgatan 12, stationerna är klara.", "Öppet 24 timmar.", "Ring Kalle, 040-12 34 56\nStationerna ska vara publika.", "Telefon 040 12 34 56 stationerna är klara."])(
    "reads no count from “%s”",
    (text) => expect(readStationCount(text, vocabulary)).toBeUndefined(),
  );

  it("quotes the sentence it read the count from", () =>
    expect(readStationCount("Hej! Allt klart. Vi planerar 3 stationer i garaget. Mvh", vocabulary)?.text).toBe("Vi planerar 3 stationer i garaget."));
});
