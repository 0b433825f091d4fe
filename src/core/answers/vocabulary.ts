/**
 * The lexicon of answers (rules/answers.yaml): per checklist item, the sv/en words that signal it,
 * and the words of the value grammars (days, currencies, units). The code keeps only the grammar
 * (how numbers, times, prices, e-mails and phones are written); every word lives in the yaml.
 *
 * Phrase syntax, shared by every list below: words separated by spaces, matched on word tokens
 * after case and diacritic folding ("stämmer" also matches "stammer"). A word ending in `*` matches
 * any word it begins ("fakturer*"). Words written apart also match written together or hyphenated
 * ("flex fakturering" matches "flexfakturering", "Flex-fakturering"), and long words (6+ letters)
 * tolerate one typo (11+ letters: two). Where phrases of different lists overlap, the longest wins
 * ("stämmer inte" beats "stämmer", "not sure" beats "not").
 */
import { z } from "zod";
import { DigitalDeliveryVocabularySchema } from "./digital-delivery.js";

/** Bounds on the lexicon itself: it is trusted data, but a typo must not make matching quadratic. */
const MAX_PHRASE_CHARS = 80;
const MAX_PHRASES_PER_LIST = 400;

const Phrase = z.string().trim().min(1).max(MAX_PHRASE_CHARS);
const Phrases = z.array(Phrase).max(MAX_PHRASES_PER_LIST);
const ItemIdSchema = z.string().regex(/^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+$/, "item ids look like `stage.item`");

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];
const WeekdaySchema = z.enum(WEEKDAYS);

/** Cue words shared by every item; an item may add its own. */
const CueLists = {
  /** Confirmation: "stämmer", "klart", "done", "configured". */
  ok: Phrases.default([]),
  /** Not (yet) done: "inte", "not yet", "haven't". */
  negative: Phrases.default([]),
  /** Hedges: "vet inte", "not sure", "kanske". They beat negative and ok. */
  unclear: Phrases.default([]),
  /** Deferrals: "återkommer", "will get back". Unclear, but an explicit negation beats them. */
  deferral: Phrases.default([]),
};

const ItemBase = {
  /** Words that say the text speaks of this item. */
  topics: Phrases.min(1),
  /** Phrases that contain a topic word but mean something else; they mask it ("open to" hides
   *  "open" from opening hours, "kontaktperson för support" hides "kontaktperson" from contacts). */
  excludes: Phrases.default([]),
  ...CueLists,
};

const ConfirmItem = z.object({ kind: z.literal("confirm"), ...ItemBase });
const ContactsItem = z.object({ kind: z.literal("contacts"), ...ItemBase });
const SupportContactItem = z.object({ kind: z.literal("support_contact"), ...ItemBase });

const ReceivedItem = z.object({
  kind: z.literal("received"),
  ...ItemBase,
  /** Nouns counted in "3 lådor", "2 of 3 boxes". */
  box_words: Phrases.min(1),
  /** "av", "of" in "2 av 3 lådor". */
  of_words: Phrases.default([]),
});

const AccessItem = z.object({
  kind: z.literal("access"),
  ...ItemBase,
  public: Phrases.min(1),
  private: Phrases.min(1),
  /** "endast", "only": what follows names the group. */
  group_markers: Phrases.default([]),
  /** "anställda", "residents": a group by itself. */
  group_nouns: Phrases.default([]),
  /** Prepositions skipped between a marker and the group ("endast för boende"). */
  group_skip: Phrases.default([]),
  /** Words that end a group name ("endast anställda får ladda" → "anställda"). */
  group_end: Phrases.default([]),
});

const OpeningHoursItem = z.object({
  kind: z.literal("opening_hours"),
  ...ItemBase,
  /** "dygnet runt", "24/7": open all the time. */
  always: Phrases.min(1),
  /** "stängt", "closed": the days named with it are dropped. */
  closed: Phrases.default([]),
  /** "utom", "except": the days that follow are taken out of the days before. */
  except: Phrases.default([]),
  days: z.object({
    mon: Phrases.min(1),
    tue: Phrases.min(1),
    wed: Phrases.min(1),
    thu: Phrases.min(1),
    fri: Phrases.min(1),
    sat: Phrases.min(1),
    sun: Phrases.min(1),
  }),
  day_groups: z.array(z.object({ words: Phrases.min(1), days: z.array(WeekdaySchema).min(1) })).default([]),
  /** Between two days: "mån till fre", "monday through friday" ("-" is grammar). */
  day_range_words: Phrases.default([]),
  /** Between two times: "7 till 18", "between 7 and 18" ("-" is grammar). */
  time_range_words: Phrases.default([]),
  /** Before a time: "kl", "klockan", "at". */
  time_prefixes: Phrases.default([]),
});

const Currency = z.object({
  code: z.string().regex(/^[A-Z]{3}$/),
  /** Words and symbols: "kr", "kronor", "sek", ":-", "€", "euro". */
  words: Phrases.min(1),
  /** Subunits: "öre" is 0.01 SEK. */
  factor: z.number().positive().default(1),
});

const PricingItem = z.object({
  kind: z.literal("pricing"),
  ...ItemBase,
  free: Phrases.default([]),
  currencies: z.array(Currency).min(1),
  /** Used when a price has a unit but no currency ("3,50/kWh"). */
  default_currency: z.string().regex(/^[A-Z]{3}$/),
  energy_units: Phrases.min(1),
  hour_units: Phrases.min(1),
  minute_units: Phrases.default([]),
  session_units: Phrases.default([]),
  /** Between price and unit: "per", "i" ("10 kr i timmen"); "/" is grammar. */
  per_words: Phrases.default([]),
  /** "efter 4 h": the time fee starts after that long. */
  after_words: Phrases.default([]),
  /** "första 2 timmarna" (with a free phrase): the time fee starts after that long. */
  first_words: Phrases.default([]),
});

const MediaItem = z.object({
  kind: z.literal("media"),
  ...ItemBase,
  /** No media wanted; negations count here ("vi vill inte visa något"). */
  none: Phrases.min(1),
  /** Images or videos attached to this mail. */
  attached: Phrases.min(1),
});

const ItemVocabularySchema = z.discriminatedUnion("kind", [
  ConfirmItem,
  ContactsItem,
  SupportContactItem,
  ReceivedItem,
  AccessItem,
  OpeningHoursItem,
  PricingItem,
  MediaItem,
]);
export type ItemVocabulary = z.infer<typeof ItemVocabularySchema>;
export type ItemKind = ItemVocabulary["kind"];

export const AnswerVocabularySchema = z
  .object({
    version: z.number().int().positive(),
    cues: z.object({
      ...CueLists,
      /** Phrases that carry no answer and must not trigger a cue ("no problem", "nej tack"). */
      ignore: Phrases.default([]),
      /** A question mark with no other cue or value makes the item unclear. */
      question_is_unclear: z.boolean().default(true),
    }),
    /** Words that split a sentence into clauses, each read for its own item ("men", "but"). */
    clause_breaks: Phrases.default([]),
    /** Words that open an exception ("utom", "except"): they split clauses too, and the items the
     *  clause after them names are not confirmed by the statement before them. */
    exception_words: Phrases.default([]),
    /** Abbreviations whose period does not end a sentence ("kl.", "t.ex."); compared folded. */
    abbreviations: z.array(z.string().min(1).max(20)).default([]),
    /** "tre", "three": numbers written as words in boxes, hours and durations. */
    number_words: z.record(z.string().min(1).max(20), z.number().int().min(0).max(1000)).default({}),
    /** Nouns that count stations ("stationer", "laddare", "chargers"): "3 stationer" states the
     *  site's station count, compared with the case's (issue 21: a contradiction is asked back). */
    station_words: z.array(z.string().min(1).max(40)).default([]),
    /** Whether the installation service (CPaaS) was bought: "installationen ingår", "vi installerar
     *  själva". Compared with the case's order (install-service.ts: a contradiction is asked back). */
    install_service: z
      .object({
        /** Words that name the service ("installation*", "CPaaS"). */
        topics: Phrases.default([]),
        /** Words a topic would take by a typo that name something else ("installatör", the person). */
        excludes: Phrases.default([]),
        /** Said of the service: bought ("ingår", "beställt", "ni installerar"). */
        bought: Phrases.default([]),
        /** Said of the service: not bought ("själva", "egen elektriker", "utan installation"). */
        not_bought: Phrases.default([]),
        /** Words that turn either round ("inte", "not"). */
        negations: Phrases.default([]),
      })
      .default({ topics: [], excludes: [], bought: [], not_bought: [], negations: [] }),
    /** Labels never taken for a person's name ("Tel", "E-post", "Mobil"). */
    contact_labels: Phrases.default([]),
    /** The order in which the desk's checklist mail numbers its questions, for "1. Ja 2. Klart". */
    numbered_questions: z.array(ItemIdSchema).default([]),
    blanket_confirmation: z
      .object({
        /** The items a blanket confirmation confirms. */
        items: z.array(ItemIdSchema).default([]),
        /** "allt", "everything": an ok statement with one of these and no item confirms every
         *  listed item the reply does not answer itself, even beside other answers. */
        scope_words: Phrases.default([]),
        /** A reply whose only statements are item-less ok statements ("Ja", "Stämmer") confirms
         *  every listed item. */
        bare_reply: z.boolean().default(false),
        /** Likewise, a reply that is only an item-less negation ("Inte än") denies every item. */
        bare_negative: z.boolean().default(false),
      })
      .default({ items: [], scope_words: [], bare_reply: false, bare_negative: false }),
    items: z.record(ItemIdSchema, ItemVocabularySchema),
    /** Parcel questions about products delivered digitally (software subscriptions, Assure,
     *  activation services): answered with the mail that explains digital delivery. */
    digital_delivery: DigitalDeliveryVocabularySchema.optional(),
  })
  .superRefine((v, ctx) => {
    const known = new Set(Object.keys(v.items));
    const check = (ids: string[], path: (string | number)[]) =>
      ids.forEach((id, i) => {
        if (!known.has(id)) ctx.addIssue({ code: "custom", path: [...path, i], message: `unknown item ${id}` });
      });
    check(v.numbered_questions, ["numbered_questions"]);
    check(v.blanket_confirmation.items, ["blanket_confirmation", "items"]);
    for (const [id, item] of Object.entries(v.items)) {
      if (item.kind === "pricing" && !item.currencies.some((c) => c.code === item.default_currency)) {
        ctx.addIssue({ code: "custom", path: ["items", id, "default_currency"], message: "not among currencies" });
      }
    }
  });

export type AnswerVocabulary = z.infer<typeof AnswerVocabularySchema>;
