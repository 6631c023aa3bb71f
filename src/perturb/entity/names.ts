/**
 * Detection of people, places and organisations (`findNames`): gazetteers and rules over a light
 * tokenisation, written and tuned on test/fixtures/entities/gold-dev.txt (bench/entity-detection.ts
 * scores it; the figures are in the README, "Entity perturbations").
 *
 * Gazetteers: the bundled lexicon (names-lexicon.ts: first names by gender, surnames, places,
 * nationalities, organisations by category) and compromise's word lexicon (its first names, surnames,
 * cities, countries, regions, demonyms and organisations; a lookup, no parse — parsing costs 2–4 ms a
 * sentence here and its people()/places()/organizations() scored lower on the development set).
 *
 * Rules, in order:
 * 1. a title (Mr, Mrs, Ms, Miss, Dr, Prof) and the capitalised name after it → person, title outside;
 * 2. gazetteer places and organisations, longest match first, written as names (capitalised, or
 *    lowercase when the name is no English word: "lisbon", "klarna"); names that are also words
 *    ("Turkey", "Nice", "Reading", "Apple", "Wise") only mid-sentence, or at a sentence start before a
 *    verb ("Turkey is on my list", not "Turkey sandwiches"); "the Amazon" is the river unless an
 *    organisation's noun follows ("the Amazon app");
 * 3. runs of capitalised words that are no English word (or are a known first name) → person, place
 *    or organisation by the gazetteer and the words around them: "in/near/outside X" → place, "my
 *    sister X", "X said", "met X" → person, "the X app", "the merchant X" → organisation, "Visa or X"
 *    → the kind of its partner; a sentence's first word only with such a cue or when the gazetteer
 *    knows it; none for part of a longer name ("Nobel Prize", "Great Wall of China"), a thing owned
 *    ("my Pixel") or a word with an article ("the Colosseum");
 * 4. lowercase chat names ("sent 50 bucks to jake") only when a first-name gazetteer knows the word,
 *    it is no English word, and it stands where a name goes (after "to", "paid", "with" …, before
 *    "said", "'s" …).
 * Spans follow the gold guidelines: titles and the possessive 's stay outside a person, "the" outside a
 * country, nationalities are places.
 */
import { createRequire } from 'node:module';
import { lexiconTags } from '../paraphrase.ts';
import { isAllCaps, isGraphemeBoundary, isSentenceStart } from '../text/index.ts';
import { NAME_LEXICON, type NameEntry } from './names-lexicon.ts';
import type { EntityKind, EntitySpan } from './spans.ts';

export type NameKind = Extract<EntityKind, 'person' | 'location' | 'organization'>;
export type Gender = 'female' | 'male' | 'unisex';

/**
 * What a detected name is, beyond its kind: for a person, its shape (`first` name, `full` name,
 * `surname` — after a title or known as one); for a place or an organisation, the lexicon entry it was
 * found in (`location.city`, `organization.bank` …) when a gazetteer knows it.
 */
export interface NameSpan extends EntitySpan {
  kind: NameKind;
  /** lexicon entry of a known place or organisation; person: 'first' | 'full' | 'surname' */
  sub?: string;
  /** the name takes "the" ("the UK"): the article before it is part of the name's form */
  article?: boolean;
  /** the person span follows a title (Mr, Ms, Dr …) */
  titled?: boolean;
}

// ───────────────────────────── gazetteers ─────────────────────────────

interface GazEntry {
  kind: NameKind;
  sub: string;
  /** from the bundled lexicon (true) or compromise's (false) */
  own: boolean;
  article: boolean;
  /** the bundled item as written (its capitals say whether it is an acronym) */
  surface: string;
}

const norm = (s: string): string => s.toLowerCase().replace(/’/g, "'");
/** Lookup key without accents, for compromise's lexicon (written without them). */
const plain = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '');

interface Gazetteer {
  /** normalised item (tokens joined by one space) → entries */
  items: Map<string, GazEntry[]>;
  /** longest item, in tokens */
  longest: number;
  /** every item's leading words ("new", "new york"): a match stops growing when it leaves them */
  prefixes: Set<string>;
  firstNames: Map<string, Gender>;
  surnames: Set<string>;
}

let gazetteer: Gazetteer | null = null;

/**
 * First names that are also English words: never drawn as replacements, but known to the detector
 * (a capitalised "Mark" mid-sentence is the name, "Bill Thompson" a full name) and to entity.gender.
 */
export const WORD_FIRST_NAMES: Readonly<Record<string, Gender>> = {
  will: 'male',
  bill: 'male',
  mark: 'male',
  jack: 'male',
  ray: 'male',
  art: 'male',
  drew: 'male',
  max: 'male',
  guy: 'male',
  frank: 'male',
  gene: 'male',
  victor: 'male',
  don: 'male',
  rob: 'male',
  nick: 'male',
  ted: 'male',
  chase: 'male',
  dean: 'male',
  glen: 'male',
  grant: 'male',
  lance: 'male',
  miles: 'male',
  stan: 'male',
  jay: 'male',
  grace: 'female',
  rose: 'female',
  sue: 'female',
  joy: 'female',
  hope: 'female',
  faith: 'female',
  dawn: 'female',
  summer: 'female',
  amber: 'female',
  ivy: 'female',
  lily: 'female',
  daisy: 'female',
  holly: 'female',
  iris: 'female',
  pearl: 'female',
  ruby: 'female',
  crystal: 'female',
  pat: 'unisex',
  angel: 'unisex',
};

const COMPROMISE_TAGS: Readonly<Record<string, { kind: NameKind; sub: string }>> = {
  City: { kind: 'location', sub: 'location.city' },
  Country: { kind: 'location', sub: 'location.country' },
  Region: { kind: 'location', sub: 'location.region' },
  Demonym: { kind: 'location', sub: 'location.nationality' },
  Organization: { kind: 'organization', sub: 'organization.company' },
};

/**
 * Compromise's word lexicon (word → tag or tags); empty if its internals move. Required when the
 * gazetteer is first built, not imported: listing perturbations (`tailcheck perturbations`) loads this
 * module and must not load compromise.
 */
function compromiseLexicon(): Record<string, string | string[]> {
  try {
    const nlp = createRequire(import.meta.url)('compromise') as {
      world(): { model: { one: { lexicon: Record<string, string | string[]> } } };
    };
    const world = nlp.world();
    return world.model.one.lexicon ?? {};
  } catch {
    return {};
  }
}

function buildGazetteer(): Gazetteer {
  const items = new Map<string, GazEntry[]>();
  const prefixes = new Set<string>();
  let longest = 1;
  const add = (surface: string, entry: Omit<GazEntry, 'surface'>): void => {
    const key = norm(
      tokenizeWords(surface)
        .map((t) => t.text)
        .join(' '),
    );
    if (key === '') return;
    const words = key.split(' ');
    longest = Math.max(longest, words.length);
    for (let k = 1; k <= words.length; k++) prefixes.add(words.slice(0, k).join(' '));
    const list = items.get(key) ?? [];
    if (!list.some((e) => e.kind === entry.kind && e.sub === entry.sub)) list.push({ ...entry, surface });
    items.set(key, list);
  };
  const firstNames = new Map<string, Gender>();
  const surnames = new Set<string>();
  for (const [entry, list] of Object.entries(NAME_LEXICON) as [NameEntry, readonly string[]][]) {
    const [kind] = entry.split('.');
    for (const item of list) {
      if (kind === 'person') {
        const gender = entry.slice('person.'.length);
        if (gender === 'surname') surnames.add(norm(item));
        else if (!firstNames.has(norm(item))) firstNames.set(norm(item), gender as Gender);
      } else if (kind === 'location' || kind === 'organization') {
        const article = /^the /.test(item);
        add(article ? item.slice(4) : item, { kind, sub: entry, own: true, article });
      }
    }
  }
  for (const [name, gender] of Object.entries(WORD_FIRST_NAMES)) firstNames.set(name, gender);
  for (const [word, value] of Object.entries(compromiseLexicon())) {
    const tags = Array.isArray(value) ? value : [value];
    for (const tag of tags) {
      if (tag === 'FemaleName' || tag === 'MaleName') {
        if (!firstNames.has(word)) firstNames.set(word, tag === 'FemaleName' ? 'female' : 'male');
      } else if (tag === 'FirstName') {
        if (!firstNames.has(word)) firstNames.set(word, 'unisex');
      } else if (tag === 'LastName') surnames.add(word);
      else {
        const mapped = COMPROMISE_TAGS[tag];
        // its abbreviations ("rd", "fl", "ltd") are no names here
        if (mapped && word.replace(/[^a-z]/g, '').length >= 3 && !ORG_SUFFIX.has(word)) {
          add(word, { ...mapped, own: false, article: false });
        }
      }
    }
  }
  return { items, longest, prefixes, firstNames, surnames };
}

function gaz(): Gazetteer {
  gazetteer ??= buildGazetteer();
  return gazetteer;
}

/** Loads the gazetteers (a perturbation's `init`; otherwise the first detection does it). */
export function loadNameGazetteers(): Promise<void> {
  gaz();
  return Promise.resolve();
}

/** The gender the lexicons give a first name (bundled lists first, then compromise's), if any. */
export function firstNameGender(name: string): Gender | undefined {
  return gaz().firstNames.get(norm(name)) ?? gaz().firstNames.get(plain(norm(name)));
}

export function isKnownSurname(name: string): boolean {
  return gaz().surnames.has(norm(name)) || gaz().surnames.has(plain(norm(name)));
}

/** A word English uses in lowercase (the Brill lexicon lists it with a tag other than proper noun). */
export function isCommonWord(word: string): boolean {
  return lexiconTags(norm(word)).some((t) => t !== 'NNP' && t !== 'NNPS' && t !== 'FW');
}

// ───────────────────────────── tokens ─────────────────────────────

interface Word {
  text: string;
  start: number;
  end: number;
}

const WORD_RE = /[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:['’.-][\p{L}\p{N}][\p{L}\p{M}\p{N}]*)*\+?|&/gu;

function tokenizeWords(text: string): Word[] {
  return [...text.matchAll(WORD_RE)].map((m) => ({
    text: m[0],
    start: m.index!,
    end: m.index! + m[0].length,
  }));
}

interface Token extends Word {
  key: string;
  /** the possessive 's split off ("Anna's" → "Anna"); `full` keeps it for "Sainsbury's" */
  full: Word;
  possessive: boolean;
  /** first letter upper case, some lower case after it ("Lisbon", "McDonald", "O'Connor") */
  cap: boolean;
  /** two or more letters, all upper case ("UK", "HSBC") */
  acronym: boolean;
  lower: boolean;
  initial: boolean;
  common: boolean;
}

const CLITIC = /['’](?:ve|ll|re|d|m|t)$/i;
const SENTENCE_OPTIONS = { lineBreaks: true, colon: true, skipOpeners: '"\'“‘([' } as const;

function tokens(text: string, caps: boolean): Token[] {
  return tokenizeWords(text).map((w) => {
    const poss = /^(.*\p{L})['’]s$/u.exec(w.text);
    const core = poss && poss[1]!.length >= 2 ? poss[1]! : w.text;
    // "ATMs" is an acronym too
    const letters = core.replace(/[^\p{L}]/gu, '').replace(/(?<=\p{Lu}{2,})s$/u, '');
    const upperFirst = /^\p{Lu}/u.test(core);
    const acronym =
      letters.length >= 2 && letters === letters.toUpperCase() && letters !== letters.toLowerCase();
    return {
      text: core,
      start: w.start,
      end: w.start + core.length,
      key: norm(core),
      full: w,
      possessive: core !== w.text,
      cap: caps ? false : upperFirst && !acronym,
      acronym: caps ? false : acronym,
      lower: caps ? true : letters === letters.toLowerCase(),
      initial: isSentenceStart(text, w.start, SENTENCE_OPTIONS),
      // a contraction ("You've", "Don't", "I'd") is never a name
      common: CLITIC.test(core) || isCommonWord(core),
    };
  });
}

// ───────────────────────────── cue words ─────────────────────────────

const set = (words: string): ReadonlySet<string> => new Set(words.split(/\s+/).filter(Boolean));

const TITLES = set('mr mrs ms miss dr prof mx sir dame mister madam');
/** Lowercase words inside a multi-word name ("Ludwig van Beethoven", "Rio de Janeiro"). */
const PARTICLES = set('van von de da del della di du le la bin binti ibn al el dos das');
const POSSESSIVES = set('my your his her our their its');
/** Nouns for a person that a name follows ("my sister Amara"). */
const RELATIONS = set(
  'brother sister mum mom mother dad father son daughter husband wife partner boyfriend girlfriend friend ' +
    'colleague coworker boss neighbour neighbor cousin uncle aunt auntie grandma grandpa grandmother ' +
    'grandfather gran nan granny landlord landlady flatmate roommate housemate niece nephew fiance fiancé ' +
    'fiancée kid child baby teacher doctor therapist manager agent adviser advisor tenant client mate buddy ' +
    'pal bro sis twin stepdad stepmum stepmom stepson stepdaughter sibling nanny accountant lawyer dentist ' +
    'coach tutor boyfriend girlfriend wifey hubby named called customer assistant',
);
/** Words before a person's name ("paid Kofi", "met Ravi", "thanks Anna"). */
const PERSON_BEFORE = set(
  'with met meet meeting asked ask tell told call called calling text texted texting thank thanks hi hey ' +
    'dear love miss missed invite invited help helped helping pay paid paying owe owes owed lend lent ' +
    'borrowed give gave giving send sent sending by for and congratulate hug kissed marry married dating ' +
    'date emailed email messaged message ping pinged remind reminded',
);
/** Words after a person's name ("Ravi said", "Anna and I"). */
const PERSON_AFTER = set(
  'said says told asked sent sends paid pays owes owe wants wanted thinks thought called calls texted ' +
    'texts recommended recommends promised promises tried tries forgot forgets lent lends gave gives ' +
    'bought buys is was has had got gets says keeps kept ran runs moved moves flew flies went goes loves ' +
    'loved hates hated needs needed will would can could did does wrote writes mentioned suggested ' +
    'explained reckons replied emailed messaged just never always still also finally and',
);
/** Words before a place ("in Oaxaca", "visiting Crete"). */
const PLACE_BEFORE = set(
  'in near outside around across throughout visit visiting visited into via through towards toward inside',
);
/** Verbs of going somewhere: "to X" or "from X" after them is a place. */
const TRAVEL = set(
  'fly flying flew flight flights go going went move moving moved travel travelling traveling travelled ' +
    'traveled trip trips ticket tickets drive driving drove deliver delivers delivery ship shipping return ' +
    'returning back home holiday holidays vacation relocate relocating relocated emigrate emigrated train ' +
    'ferry bus route journey came come coming arrived arriving landed landing heading headed',
);
/** Nouns before "of" and a place ("the capital of X", "a citizen of X"). */
const PLACE_OF = set(
  'capital citizen citizens city country people population president north south east west outskirts centre center part map',
);
/** Words after a place ("Reading station", "Recife, Brazil"). */
const PLACE_AFTER = set('station airport city province region county state river coast centre center');
/** Nouns after an organisation ("the Wise transfer", "my Zara order"). */
const ORG_AFTER = set(
  'app apps account accounts card cards store stores shop shops subscription subscriptions order orders ' +
    'transfer transfers lounge premium plus website site delivery deliveries membership voucher vouchers ' +
    'points rewards customer support branch branches bank wallet balance refund charge charges payment ' +
    'payments purchase purchases gift ride rides flight booking bookings prime credit loan mortgage',
);
/** Capitalised words that end an organisation's name ("Metro Bank", "Kestrel Group"). */
const ORG_SUFFIX = set(
  'bank ltd inc plc llc group airways airlines air energy telecom insurance motors pay bank corp co company',
);
/** Words before an organisation ("at Lidl", "the merchant Booking.com"). */
const ORG_BEFORE = set('merchant company shop store bank retailer brand supplier provider');
/** Nouns after "the Amazon" when the company is meant. */
const AMAZON_RIVER = set('river rainforest basin jungle forest delta');

/** A finite verb after a sentence's first word ("Turkey is", "Apple says"), not a noun ("Turkey sandwiches"). */
const isVerbish = (t: Token | undefined): boolean => {
  if (!t) return false;
  const tag = lexiconTags(t.key)[0] ?? '';
  return /^(?:VBZ|VBD|MD)$/.test(tag) || /^(?:is|was|has|had|are|were|does|did|'s)$/.test(t.key);
};

// ───────────────────────────── detection ─────────────────────────────

const CACHE_LIMIT = 4096;
const cache = new Map<string, NameSpan[]>();

/**
 * People, places and organisations in `text`: sorted, non-overlapping, memoised per text (several
 * perturbations and variants ask for the same text).
 */
export function findNameSpans(text: string): NameSpan[] {
  const hit = cache.get(text);
  if (hit) return hit;
  // a name that ends inside a grapheme cluster ("Москваa" + a joiner) cannot be replaced whole: never a name
  const found = detect(text).filter(
    (n) => isGraphemeBoundary(text, n.start) && isGraphemeBoundary(text, n.end),
  );
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(text, found);
  return found;
}

/** Empties the per-text memo (benchmarks time detection cold with it). */
export function clearNameCache(): void {
  cache.clear();
}

/** `findNameSpans` as plain entity spans (kinds person, location, organization). */
export function findNames(text: string): EntitySpan[] {
  return findNameSpans(text).map(({ kind, start, end, text: t }) => ({ kind, start, end, text: t }));
}

function detect(text: string): NameSpan[] {
  if (!/\p{L}/u.test(text)) return [];
  const caps = isAllCaps(text);
  const toks = tokens(text, caps);
  const g = gaz();
  const claimed = new Array<boolean>(toks.length).fill(false);
  const out: NameSpan[] = [];
  const adjacent = (i: number): boolean => {
    const a = toks[i]!;
    const b = toks[i + 1];
    return (
      b !== undefined &&
      !a.possessive &&
      /^ (?:& )?$/.test(text.slice(a.full.end, b.start)) &&
      text.slice(a.full.end, b.start).length <= 3
    );
  };
  const emit = (kind: NameKind, i: number, j: number, extra: Partial<NameSpan> = {}, full = false): void => {
    const start = toks[i]!.start;
    const end = full ? toks[j]!.full.end : toks[j]!.end;
    out.push({ kind, start, end, text: text.slice(start, end), ...extra });
    for (let k = i; k <= j; k++) claimed[k] = true;
  };
  const prev = (i: number): Token | undefined => (i > 0 && !toks[i]!.initial ? toks[i - 1] : undefined);
  const next = (j: number): Token | undefined => (adjacentLoose(j) ? toks[j + 1] : undefined);
  const adjacentLoose = (j: number): boolean => {
    const b = toks[j + 1];
    return (
      b !== undefined &&
      !b.initial &&
      /^[\s,]*$/.test(text.slice(toks[j]!.full.end, b.start)) &&
      !/,/.test(text.slice(toks[j]!.full.end, b.start))
    );
  };

  // 1. titles
  for (let i = 0; i < toks.length - 1; i++) {
    const t = toks[i]!;
    if (!TITLES.has(t.key) || !(t.cap || (t.lower && writesLower(toks)))) continue;
    let j = i + 1;
    const gap = text.slice(t.full.end, toks[j]!.start);
    if (!/^\.? $/.test(gap)) continue;
    const nameLike = (k: number) => {
      const u = toks[k];
      return u !== undefined && (u.cap || (u.lower && !u.common && caps)) && !TITLES.has(u.key);
    };
    if (!nameLike(j)) continue;
    while (j + 1 < toks.length && adjacent(j) && nameLike(j + 1) && j - i < 3) j++;
    emit('person', i + 1, j, { sub: j > i + 1 ? 'full' : 'surname', titled: true });
    claimed[i] = true;
  }

  // 2. gazetteer places and organisations, longest first
  for (let i = 0; i < toks.length; i++) {
    if (claimed[i]) continue;
    const m = longestMatch(toks, i, g, adjacent);
    if (!m) continue;
    const picked = acceptMatch(toks, i, m.end, m.entries, prev, next, caps);
    if (!picked) continue;
    if (picked.kind === 'location' && partOfLongerName(toks, i, m.end, adjacent)) {
      i = m.end;
      continue;
    }
    emit(picked.kind, i, m.end, { sub: picked.sub, article: picked.article }, m.full);
    i = m.end;
  }

  // 3. capitalised runs
  for (let i = 0; i < toks.length; i++) {
    if (claimed[i] || !(nameish(toks[i]!, g) || initialFirstName(toks, i, g, adjacent))) continue;
    let j = i;
    while (j + 1 < toks.length && !claimed[j + 1] && adjacent(j)) {
      const u = toks[j + 1]!;
      if (nameish(u, g)) j++;
      else {
        // particles, one or two ("Nguyen Van An", "Ana de la Cruz"), then a capitalised word
        let k = j + 1;
        while (k < j + 3 && k < toks.length && PARTICLES.has(toks[k]!.key) && adjacent(k)) k++;
        if (k > j + 1 && k < toks.length && toks[k]!.cap && !claimed[k]) j = k;
        else break;
      }
    }
    // an organisation suffix word ("Bank", "Group") ends the run as an organisation
    const suffix = toks[j + 1];
    if (suffix && !claimed[j + 1] && adjacent(j) && suffix.cap && ORG_SUFFIX.has(suffix.key)) {
      emit('organization', i, j + 1);
      i = j + 1;
      continue;
    }
    // part of a longer name of a thing ("Nobel Prize", "Abbey Road", "Great Wall of China", "Mount X")
    if (partOfLongerName(toks, i, j, adjacent)) {
      i = j;
      continue;
    }
    // an organisation's suffix alone ("XYZ Ltd": the acronym is no name word) joins the word before it
    if (ORG_SUFFIX.has(toks[i]!.key)) {
      const before = toks[i - 1];
      if (before && !claimed[i - 1] && before.acronym && adjacent(i - 1)) emit('organization', i - 1, j);
      i = j;
      continue;
    }
    const lone = toks[i]!;
    if (
      i === j &&
      lone.common &&
      !OWN_FIRST_NAMES.has(lone.key) &&
      NOT_AFTER_NAME.has(toks[j + 1]?.key ?? '')
    ) {
      continue;
    }
    // "Visa or Matercard", "Lisbon and Faro": a name joined to one of a known kind is of that kind
    const joined = coordinated(toks, i, out, prev);
    const kind = joined ?? classifyRun(toks, i, j, g, prev, next);
    if (kind) emit(kind, i, j, kind === 'person' ? { sub: personShape(toks, i, j, g) } : {});
    i = j;
  }

  // 4. lowercase chat names
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (claimed[i] || !t.lower || t.common || t.text.length < 3 || !g.firstNames.has(t.key)) continue;
    if (g.items.has(t.key)) continue;
    const before = prev(i);
    const after = next(i);
    // "and"/"or" join a name only to another person ("paid jake and tom", not "tom and jerry show")
    const joinsPerson =
      before !== undefined &&
      (before.key === 'and' || before.key === 'or') &&
      i >= 2 &&
      out.some((s) => s.kind === 'person' && s.end === toks[i - 2]!.end);
    const slot =
      joinsPerson ||
      (before !== undefined &&
        before.key !== 'and' &&
        (PERSON_BEFORE.has(before.key) || RELATIONS.has(before.key) || before.key === 'to')) ||
      t.possessive ||
      (after !== undefined && PERSON_AFTER.has(after.key) && after.key !== 'and');
    if (!slot) continue;
    let j = i;
    const u = toks[i + 1];
    if (u && adjacent(i) && u.lower && !u.common && g.surnames.has(u.key)) j = i + 1;
    emit('person', i, j, { sub: j > i ? 'full' : 'first' });
  }

  out.sort((a, b) => a.start - b.start);
  return out.filter((s, k) => k === 0 || s.start >= out[k - 1]!.end);
}

/** Lowercase chat: sentences start in lowercase. */
function writesLower(toks: readonly Token[]): boolean {
  const starts = toks.filter((t) => t.initial);
  return starts.length > 0 && starts.every((t) => t.lower);
}

/**
 * Capitalised words that are never a name here: months and weekdays (dates), holidays, chat words and
 * currency names the English lexicon lacks.
 */
const NEVER_NAMES = set(
  'january february march april may june july august september october november december jan feb mar ' +
    'apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday mon ' +
    'tue tues wed thu thur thurs fri sat sun christmas easter ramadan eid diwali hanukkah thanksgiving ' +
    'halloween ok okay omg lol thx pls plz hi hey hello dear thanks thank cheers sorry please yes no btw ' +
    'asap idk hmm ugh wow yay euro euros dollar dollars pound pounds sterling ruble rubles rouble roubles ' +
    'rupee rupees yen peso pesos bitcoin covid god iphone ipad android app apps id fahrenheit celsius latin ' +
    'one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty hundred thousand million',
);

/** A capitalised word that can be (part of) a name: no English word, or one the gazetteer knows as a name. */
function nameish(t: Token, g: Gazetteer): boolean {
  if (!t.cap || NEVER_NAMES.has(t.key)) return false;
  if (/^I(?:['’].*)?$/.test(t.text)) return false;
  if (!t.common || OWN_FIRST_NAMES.has(t.key)) return true;
  // a common word that is also a first name: only mid-sentence ("pay Mark back"), never at a start
  return !t.initial && g.firstNames.has(t.key);
}

/** Words after which a capitalised common word is a verb or modal, not a name ("Will I", "Mark it"). */
const NOT_AFTER_NAME = set('i you we they he she it my your our their his her the this that a an me us them');

/** The bundled first names: written as names, whatever else the English lexicon knows them as. */
const OWN_FIRST_NAMES: ReadonlySet<string> = new Set(
  (['person.female', 'person.male', 'person.unisex'] as const).flatMap((k) => NAME_LEXICON[k].map(norm)),
);

/**
 * A sentence's first word that is a common word and a first name ("Will", "Bill", "Mark") is the name
 * only before a surname or a person's verb: "Bill Thompson is", "Will from customer service said", not
 * "Will my card work", "Bill payments", "Mark my words".
 */
function initialFirstName(
  toks: readonly Token[],
  i: number,
  g: Gazetteer,
  adjacent: (i: number) => boolean,
): boolean {
  const t = toks[i]!;
  if (!t.initial || !t.cap || !t.common || !g.firstNames.has(t.key) || NEVER_NAMES.has(t.key)) return false;
  const after = toks[i + 1];
  if (!after || !adjacent(i)) return false;
  if (after.cap && !after.common && !NEVER_NAMES.has(after.key)) return true;
  return (
    after.key === 'from' ||
    (PERSON_AFTER.has(after.key) && /^(?:said|says|told|asked|sent|paid|owes)$/.test(after.key))
  );
}

/** Capitalised words before a place that make it part of a landmark's name ("Mount Everest"). */
const LANDMARK_BEFORE = set('mount lake cape saint st fort');

/**
 * Is toks[i..j] part of the name of a thing rather than a person or place: a capitalised common noun
 * right after it ("Nobel Prize", "Berlin Wall", "Chinese New Year"), a capitalised noun and "of" before
 * it ("Great Wall of China", "University of Toronto"), or "Mount"/"Lake" before it?
 */
function partOfLongerName(
  toks: readonly Token[],
  i: number,
  j: number,
  adjacent: (i: number) => boolean,
): boolean {
  const after = toks[j + 1];
  if (after && adjacent(j) && after.cap && after.common && !after.initial && !NEVER_NAMES.has(after.key))
    return true;
  const before = toks[i - 1];
  // a street ("High St. Kensington", "Baker St"): no addresses
  if (before && /^(?:st|rd|ave)$/.test(before.key) && before.cap) return true;
  if (!before || toks[i]!.initial || !adjacent(i - 1)) return false;
  if (before.cap && LANDMARK_BEFORE.has(before.key)) return true;
  const beforeOf = toks[i - 2];
  return before.key === 'of' && beforeOf !== undefined && beforeOf.cap && beforeOf.common && adjacent(i - 2);
}

interface Match {
  end: number;
  entries: GazEntry[];
  /** the item keeps the last word's 's ("Sainsbury's") */
  full: boolean;
}

function longestMatch(
  toks: readonly Token[],
  i: number,
  g: Gazetteer,
  adjacent: (i: number) => boolean,
): Match | null {
  let best: Match | null = null;
  let key = '';
  for (let j = i; j < toks.length && j - i < g.longest; j++) {
    if (j > i && !adjacent(j - 1)) break;
    const t = toks[j]!;
    const sep = j > i ? ' ' : '';
    // the last word may keep its 's ("Sainsbury's", "McDonald's")
    const fullHit = t.possessive ? g.items.get(key + sep + norm(t.full.text)) : undefined;
    if (fullHit) best = { end: j, entries: fullHit, full: true };
    key += sep + t.key;
    if (!g.prefixes.has(key)) break;
    const hit = g.items.get(key);
    if (hit && !fullHit) best = { end: j, entries: hit, full: false };
    if (t.possessive) break;
  }
  return best;
}

interface Picked {
  kind: NameKind;
  sub: string;
  article: boolean;
}

/** Does a gazetteer match stand as a name here, and as which entry? */
function acceptMatch(
  toks: readonly Token[],
  i: number,
  j: number,
  entries: readonly GazEntry[],
  prev: (i: number) => Token | undefined,
  next: (j: number) => Token | undefined,
  caps: boolean,
): Picked | null {
  const first = toks[i]!;
  const span = toks.slice(i, j + 1);
  const before = prev(i);
  const after = next(j);
  const own = entries.filter((e) => e.own);
  const pool = own.length > 0 ? own : entries;
  const acronymItem = pool.some((e) => /^[A-Z0-9&.]+$/.test(e.surface.replace(/^the /, '')));
  // written as a name?
  const capitalised = span.every(
    (t) => t.cap || t.acronym || (PARTICLES.has(t.key) && t !== first) || t.text === '&',
  );
  if (first.acronym && !acronymItem) return null;
  if (first.acronym && /^(?:US|UK)$/.test(first.text) === false && span.length === 1 && !own.length)
    return null;
  const ambiguous = span.length === 1 && (first.common || first.key === 'us');
  if (capitalised) {
    if (ambiguous && first.initial && !isVerbish(after)) return null;
  } else {
    // lowercase (or ALL CAPS text): only names that are no English word, from the bundled lists or long enough
    if (ambiguous) {
      if (!(caps && first.key === 'us' && before?.key === 'the')) {
        const locCue =
          before !== undefined &&
          (PLACE_BEFORE.has(before.key) ||
            ((before.key === 'to' || before.key === 'from') && travelBefore(toks, i)));
        if (
          !(
            locCue &&
            pool.some((e) => e.kind === 'location') &&
            first.key !== 'us' &&
            !/^(?:nice|reading)$/.test(first.key)
          )
        )
          return null;
      }
    }
    if (span.length === 1 && first.text.length < 3 && first.key !== 'uk') return null;
    if (!own.length && first.text.length < 4) return null;
  }
  // which entry: a place when a place cue comes before, a person's cue defers to the run rules
  const loc = pool.find((e) => e.kind === 'location');
  const org = pool.find((e) => e.kind === 'organization');
  if (org && loc) {
    const placeCue = before !== undefined && PLACE_BEFORE.has(before.key);
    const e = placeCue ? loc : org;
    return { kind: e.kind, sub: e.sub, article: e.article };
  }
  if (org && first.key === 'amazon' && span.length === 1 && before?.key === 'the') {
    if ((after && AMAZON_RIVER.has(after.key)) || !(after && ORG_AFTER.has(after.key))) {
      return { kind: 'location', sub: 'location.river', article: true };
    }
  }
  const e = org ?? loc ?? pool[0]!;
  // a first name the gazetteer also knows as a place ("Jordan sent", "Santiago"): a compromise place
  // needs a place's cue, a bundled one yields to a person's cue
  if (span.length === 1 && e.kind === 'location' && first.cap && gaz().firstNames.has(first.key)) {
    const placeCue =
      (before && (PLACE_BEFORE.has(before.key) || before.key === 'to' || before.key === 'from')) ||
      (before?.key === 'of' && i >= 2 && PLACE_OF.has(toks[i - 2]!.key));
    const personCue =
      (before &&
        (RELATIONS.has(before.key) || /^(?:with|met|asked|told|thanks|hi|hey|dear)$/.test(before.key))) ||
      first.possessive ||
      (after && /^(?:said|says|told|asked|sent|paid|owes|texted|called|wants|thinks|and)$/.test(after.key));
    if (e.own ? personCue && !placeCue : !placeCue) return null;
  }
  return { kind: e.kind, sub: e.sub, article: e.article };
}

/** Person, place or organisation for an unmatched capitalised run, or null when it is none. */
function classifyRun(
  toks: readonly Token[],
  i: number,
  j: number,
  g: Gazetteer,
  prev: (i: number) => Token | undefined,
  next: (j: number) => Token | undefined,
): NameKind | null {
  const first = toks[i]!;
  const last = toks[j]!;
  const before = prev(i);
  const after = next(j);
  const knownFirst = g.firstNames.has(first.key) || g.firstNames.has(plain(first.key));
  const knownLast = j > i && (g.surnames.has(last.key) || g.surnames.has(plain(last.key)));
  const personCue =
    (before !== undefined && (RELATIONS.has(before.key) || PERSON_BEFORE.has(before.key))) ||
    last.possessive ||
    (after !== undefined &&
      (PERSON_AFTER.has(after.key) || /^(?:VBZ|VBD|VBN|MD)$/.test(lexiconTags(after.key)[0] ?? ''))) ||
    /^O['’]\p{Lu}/u.test(first.text);
  const placeCue =
    (before !== undefined && PLACE_BEFORE.has(before.key)) ||
    (before?.key === 'of' && i >= 2 && PLACE_OF.has(toks[i - 2]!.key)) ||
    (after !== undefined && PLACE_AFTER.has(after.key)) ||
    (before !== undefined && (before.key === 'to' || before.key === 'from') && travelBefore(toks, i));
  const orgCue =
    (after !== undefined && ORG_AFTER.has(after.key)) || (before !== undefined && ORG_BEFORE.has(before.key));
  // "my Pixel", "her Fitbit": a thing someone owns, unless the gazetteer knows a first name
  if (before !== undefined && POSSESSIVES.has(before.key) && !knownFirst && !orgCue) return null;
  // "the Colosseum", "the Wright brothers": people take no article
  if (before?.key === 'the') return orgCue ? 'organization' : placeCue ? 'location' : null;
  // "Fe", "Ra": too short for a name the gazetteer does not know
  if (i === j && first.text.length < 3 && !knownFirst) return null;
  // "at Wimbledon": a place or a venue, rarely a person ("at Tom's" is one)
  if (before?.key === 'at' && !last.possessive && !knownFirst && !placeCue && !orgCue) return null;
  if (first.initial) {
    // a sentence's first word: a known first name, or a name followed by a person's verb
    if (!(knownFirst || knownLast || personCue)) return null;
    return 'person';
  }
  if (placeCue && !knownFirst) return 'location';
  // "the famous Faberge eggs": an unknown word before a noun it modifies is no person
  if (
    !knownFirst &&
    !personCue &&
    !orgCue &&
    after?.lower &&
    /^NNS?$/.test(lexiconTags(after.key)[0] ?? '') &&
    !lexiconTags(after.key).some((t) => /^VB/.test(t))
  ) {
    return null;
  }
  if (orgCue && !knownFirst && !personCue) return 'organization';
  return 'person';
}

/** The kind of a place or organisation found just before "or"/"and" + toks[i], if there is one. */
function coordinated(
  toks: readonly Token[],
  i: number,
  found: readonly NameSpan[],
  prev: (i: number) => Token | undefined,
): NameKind | null {
  const conj = prev(i);
  if (!conj || (conj.key !== 'or' && conj.key !== 'and') || i < 2) return null;
  const left = found.find((s) => s.end === toks[i - 2]!.end);
  return left && left.kind !== 'person' ? left.kind : null;
}

/** Is there a verb of going in the few words before `i` ("flying to X", "moved from X")? */
function travelBefore(toks: readonly Token[], i: number): boolean {
  for (let k = i - 2; k >= Math.max(0, i - 5); k--) if (TRAVEL.has(toks[k]!.key)) return true;
  return false;
}

function personShape(toks: readonly Token[], i: number, j: number, g: Gazetteer): string {
  if (j > i) return 'full';
  const t = toks[i]!;
  return !g.firstNames.has(t.key) && g.surnames.has(t.key) ? 'surname' : 'first';
}
