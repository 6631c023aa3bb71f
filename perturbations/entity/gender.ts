/**
 * entity.gender — swap the gender of the people a text talks about, consistently: he ↔ she, him ↔ her,
 * his ↔ her/hers, himself ↔ herself, Mr ↔ Ms (Mrs, Miss → Mr), sir ↔ madam; then gendered first names
 * (a name of the other gender from the lexicon, the same one for every mention; a full name written
 * family name first, "Nguyen Van An", becomes a whole full name; a person a question asks about, "Who
 * was Frida Kahlo married to?", keeps the name); then gendered nouns
 * (husband ↔ wife, son ↔ daughter, mum ↔ dad …, the `gender.nouns` pairs).
 *
 * "her" is an object or a possessive determiner: before a noun, an adjective or a number it is the
 * determiner ("her card" → "his card"), elsewhere the object ("told her about it" → "told him about
 * it"); "his" before a noun is "her", standing alone "hers" ("it was his" → "it was hers"). The words
 * around decide, from the tagger's lexicon (natural's Brill lexicon; its tagger reads every "her" as a
 * determiner, so it is not used for this).
 *
 * Levels are scopes, not shares: a half-swapped text would contradict itself, so every level swaps all
 * that its scope covers. 1: pronouns and titles; 2: also gendered first names, with the gendered noun
 * right before one ("my brother Tomasz" → "my sister Amira"); 3: also every other gendered noun.
 * A level changes a text only when the text has something of that level's own scope (a name for 2, a
 * gendered noun for 3); otherwise it stays unchanged rather than repeat the level below, so the same
 * variant is never counted twice. A lower level leaves the names and nouns above its scope as they are
 * ("my son … he" → "my son … she" at level 1): a text's highest level is its consistent variant.
 *
 * With entity.location, this is one of the two fairness slices of the entity family: a prediction that
 * changes when only the gender changes is what a gender-fairness question asks about.
 */

import {
  asksAbout,
  familyFirstGender,
  familyNameFirst,
  genderInContext,
  genderOf,
  pickOther,
  replacementPool,
} from '../../src/perturb/entity/name-replace.ts';
import { findNameSpans, loadNameGazetteers } from '../../src/perturb/entity/names.ts';
import { describeEntries, NAME_LEXICON } from '../../src/perturb/entity/names-lexicon.ts';
import { lexiconEntry } from '../../src/perturb/lexicon.ts';
import { lexiconTags } from '../../src/perturb/paraphrase.ts';
import { matchCase } from '../../src/perturb/text/index.ts';
import type { EditProposal, PerturbationContext, PerturbationDefinition, Severity } from '../../src/types.ts';

interface Word {
  text: string;
  lower: string;
  start: number;
  end: number;
}

const WORD_RE = /[A-Za-z0-9]+(?:['’][A-Za-z]+)*/g;

/** Pronouns whose swap needs no context. */
const PRONOUNS: ReadonlyMap<string, string> = new Map([
  ['he', 'she'],
  ['she', 'he'],
  ['him', 'her'],
  ['hers', 'his'],
  ['himself', 'herself'],
  ['herself', 'himself'],
]);
/** Titles: Mrs and Miss have no male form but Mr. */
const TITLES: ReadonlyMap<string, string> = new Map([
  ['mr', 'ms'],
  ['ms', 'mr'],
  ['mrs', 'mr'],
  ['miss', 'mr'],
  ['mister', 'miss'],
  ['sir', 'madam'],
  ['madam', 'sir'],
  ["ma'am", 'sir'],
]);
/** "Miss" is also a verb ("I miss her"): a title only before a capitalised name or at a greeting. */
const TITLE_NEEDS_NAME = new Set(['miss', 'mister']);

/** After these, "her" + noun is rather the object of a verb with two objects ("sent her money"). */
const TWO_OBJECT_VERBS = new Set(
  'give gave given send sent lend lent owe owed show showed offer offered buy bought bring brought pay paid tell told'.split(
    ' ',
  ),
);
const OBJECT_NOUNS = new Set(
  'money cash flowers gift gifts message messages text link email letter details'.split(' '),
);
/** Words after "her" that make it the object: adverbs and particles of phrasal verbs. */
const AFTER_OBJECT = new Set(
  'so too back again up out down off away over around about anyway now today yesterday tomorrow tonight though'.split(
    ' ',
  ),
);
const DETERMINERS = new Set(
  'a an the this that these those my your his her our their every each some any no another one'.split(' '),
);

/** Does the word after "her"/"his" start the noun phrase it determines ("her new card", "his 3 cards")? */
function beforeNoun(next: Word | undefined, gap: string): boolean {
  if (!next || !/^ +$/.test(gap)) return false;
  if (/^\d/.test(next.text) || next.lower === 'own') return true;
  if (AFTER_OBJECT.has(next.lower) || DETERMINERS.has(next.lower)) return false;
  const tags = lexiconTags(next.lower);
  const first = tags[0] ?? (/^[A-Z]/.test(next.text) ? 'NNP' : 'NN');
  return /^(?:NN|JJ|CD|VBG)/.test(first);
}

function nounPairs(list: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const item of list) {
    const [male, female] = item.split('/').map((w) => w?.trim().toLowerCase());
    if (!male || !female) continue;
    if (!out.has(male)) out.set(male, female);
    if (!out.has(female)) out.set(female, male);
  }
  return out;
}

/** Nouns that are also interjections or fixed phrases: a swap only after a determiner or an adjective. */
const NEED_DETERMINER = new Set(['man', 'boy', 'girl', 'lady', 'king', 'queen', 'prince', 'princess', 'guy']);

type Scope = 1 | 2 | 3;

interface Site extends EditProposal {
  scope: Scope;
}

const gender: PerturbationDefinition = {
  name: 'entity.gender',
  family: 'entity',
  tag: 'natural',
  // the fairness slice of the report: does the prediction depend on the writer's or subject's gender?
  fairness: 'gender',
  description:
    'Swap the gender of the people in the text, consistently: he ↔ she, him ↔ her, his ↔ her/hers (by ' +
    'the words around), himself ↔ herself, Mr ↔ Ms, sir ↔ madam; at level 2 also gendered first names, ' +
    'at 3 also gendered nouns (husband ↔ wife, mum ↔ dad …); lists replaceable with --lexicon ' +
    '(person.female, person.male, gender.nouns).',
  severities: {
    1: 'pronouns and titles (he ↔ she, his ↔ her, Mr ↔ Ms), all of them',
    2: 'pronouns, titles and gendered first names (with a gendered noun right before one: "my brother Tomasz"); only texts with such a name',
    3: 'pronouns, titles, names and gendered nouns (husband ↔ wife); only texts with such a noun',
  },
  // Measured: correct swaps score 0.49–1 (data/bank-queries.jsonl: min 0.78, median 0.88; the
  // sentences written for the gold set: 1 % 0.54, median 0.84), bench/entity-meaning.ts: a swapped
  // first name costs most.
  meaning: { threshold: 0.45 },
  lexicons: describeEntries(['person.female', 'person.male', 'gender.nouns']),
  init: loadNameGazetteers,
  apply(text: string, ctx: PerturbationContext): EditProposal[] {
    if (!/[A-Za-z]/.test(text)) return [];
    const pairs = nounPairs(lexiconEntry(ctx.options, 'gender.nouns', NAME_LEXICON['gender.nouns']));
    const names = nameSites(text, ctx, pairs);
    const sites = [...pronounSites(text), ...names, ...nounSites(text, pairs, names)].filter((s) =>
      ctx.isFree(s.start, s.end),
    );
    return atLevel(sites, ctx.severity);
  },
};

/** The sites of a level: everything up to its scope, when the text has something of that scope. */
function atLevel(sites: readonly Site[], severity: Severity): EditProposal[] {
  if (!sites.some((s) => s.scope === severity)) return [];
  const inScope = sites.filter((s) => s.scope <= severity).sort((a, b) => a.start - b.start);
  // a name and a noun never share words, but keep the edits disjoint whatever a user lexicon holds
  return inScope
    .filter((s, i) => i === 0 || s.start >= inScope[i - 1]!.end)
    .map(({ start, end, replacement }) => ({ start, end, replacement }));
}

function words(text: string): Word[] {
  return [...text.matchAll(WORD_RE)].map((m) => ({
    text: m[0],
    lower: m[0].toLowerCase().replace(/’/g, "'"),
    start: m.index!,
    end: m.index! + m[0].length,
  }));
}

/** Pronouns (with their contractions: "he's" → "she's") and titles. */
function pronounSites(text: string): Site[] {
  const ws = words(text);
  const sites: Site[] = [];
  ws.forEach((w, i) => {
    const [base, ...rest] = w.lower.split("'");
    const clitic = rest.length ? w.text.slice(base!.length) : '';
    const next = ws[i + 1];
    const gap = next ? text.slice(w.end, next.start) : '';
    let swap: string | undefined;
    if (base === 'her' && !clitic) {
      const prev = ws[i - 1];
      const twoObjects = prev && TWO_OBJECT_VERBS.has(prev.lower) && next && OBJECT_NOUNS.has(next.lower);
      swap = beforeNoun(next, gap) && !twoObjects ? 'his' : 'him';
    } else if (base === 'his' && !clitic) {
      swap = beforeNoun(next, gap) ? 'her' : 'hers';
    } else if (PRONOUNS.has(base!) && (clitic === '' || base === 'he' || base === 'she')) {
      swap = PRONOUNS.get(base!);
    } else if (!clitic || w.lower === "ma'am") {
      const title = TITLES.get(w.lower);
      if (title !== undefined) {
        const named = next !== undefined && /^\.? $/.test(gap) && /^[A-Z]/.test(next.text);
        if (!TITLE_NEEDS_NAME.has(w.lower) || named) swap = title;
        // "Mr" and "Ms" stand before a name; lowercase "mr" only in chat before one
        if ((w.lower === 'mr' || w.lower === 'ms' || w.lower === 'mrs') && !named && !/^\.? $/.test(gap))
          swap = undefined;
      }
    }
    if (swap === undefined) return;
    const end = w.start + (clitic ? base!.length : w.text.length);
    const replacement = matchCase(text.slice(w.start, end), swap);
    sites.push({ start: w.start, end, replacement, scope: 1 });
  });
  return sites;
}

/**
 * Gendered first names → a name of the other gender, the same for every mention; a gendered noun right
 * before the name goes with it ("my brother Tomasz" → "my sister Amira": one mention, not two).
 */
function nameSites(text: string, ctx: PerturbationContext, pairs: ReadonlyMap<string, string>): Site[] {
  const people = findNameSpans(text).filter((s) => s.kind === 'person' && !s.titled && s.sub !== 'surname');
  const chosen = new Map<string, string | null>();
  const taken = new Set<string>();
  const sites: Site[] = [];
  // "Who was Frida Kahlo married to?": a person the question asks about keeps the name, every mention
  const asked = new Set(
    people.filter((p) => asksAbout(text, p.start, p.end)).flatMap((p) => p.text.toLowerCase().split(/\s+/)),
  );
  // the family name of a family-name-first person, said alone later ("Nguyen"), is no first name
  const families = new Set(
    people
      .map((p) => p.text.split(/\s+/))
      .filter(familyNameFirst)
      .map((parts) => parts[0]!.toLowerCase()),
  );
  for (const p of people) {
    const parts = p.text.split(/\s+/);
    if (parts.some((w) => asked.has(w.toLowerCase()))) continue;
    if (parts.length === 1 && families.has(parts[0]!.toLowerCase())) continue;
    // "Nguyen Van An": family name first; the whole name becomes a full name of the other gender
    if (familyNameFirst(parts)) {
      const key = p.text.toLowerCase();
      if (!chosen.has(key)) {
        const g = familyFirstGender(parts, ctx.options) ?? genderInContext(text, p.start);
        const other = g === 'female' ? 'person.male' : g === 'male' ? 'person.female' : null;
        const first =
          other === null
            ? null
            : pickOther(ctx.rng, replacementPool(ctx.options, other), parts[parts.length - 1]!, text, taken);
        const last =
          first === null
            ? null
            : pickOther(ctx.rng, replacementPool(ctx.options, 'person.surname'), parts[0]!, text, taken);
        chosen.set(key, first === null || last === null ? null : `${first} ${last}`);
      }
      const full = chosen.get(key);
      if (full) sites.push({ start: p.start, end: p.end, replacement: styleName(p.text, full), scope: 2 });
      continue;
    }
    const first = parts[0]!;
    const key = first.toLowerCase();
    if (!chosen.has(key)) {
      const g = genderOf(first, ctx.options) ?? genderInContext(text, p.start);
      const other = g === 'female' ? 'person.male' : g === 'male' ? 'person.female' : null;
      chosen.set(
        key,
        other === null ? null : pickOther(ctx.rng, replacementPool(ctx.options, other), first, text, taken),
      );
    }
    const name = chosen.get(key);
    if (!name) continue;
    sites.push({
      start: p.start,
      end: p.start + first.length,
      replacement: styleName(first, name),
      scope: 2,
    });
    const noun = /([A-Za-z]+) $/.exec(text.slice(Math.max(0, p.start - 20), p.start));
    const swap = noun ? pairs.get(noun[1]!.toLowerCase()) : undefined;
    if (noun && swap !== undefined) {
      const start = p.start - noun[0].length;
      sites.push({ start, end: start + noun[1]!.length, replacement: matchCase(noun[1]!, swap), scope: 2 });
    }
  }
  return sites;
}

/** `name` in the case of the mention it replaces: lowercase in chat, ALL CAPS in capitals. */
function styleName(mention: string, name: string): string {
  if (mention === mention.toLowerCase()) return name.toLowerCase();
  if (mention === mention.toUpperCase() && mention.length > 1) return name.toUpperCase();
  return name;
}

/** Gendered nouns ("husband" → "wife", "sons" → "daughters", "mum's" → "dad's"), but those before a name. */
function nounSites(text: string, pairs: ReadonlyMap<string, string>, names: readonly Site[]): Site[] {
  const withName = new Set(names.map((s) => s.start));
  const ws = words(text);
  const sites: Site[] = [];
  ws.forEach((w, i) => {
    const [base, ...rest] = w.lower.split("'");
    if (rest.length > 0 && !(rest.length === 1 && rest[0] === 's')) return;
    const swap = pairs.get(base!);
    if (swap === undefined || withName.has(w.start)) return;
    if (NEED_DETERMINER.has(base!)) {
      const prev = ws[i - 1];
      const ok =
        prev !== undefined &&
        /^ +$/.test(text.slice(prev.end, w.start)) &&
        (DETERMINERS.has(prev.lower) || /^JJ/.test(lexiconTags(prev.lower)[0] ?? ''));
      const next = ws[i + 1];
      if (!ok || (next && /^(?:size|sized)$/.test(next.lower))) return;
    }
    const end = w.start + base!.length;
    sites.push({ start: w.start, end, replacement: matchCase(text.slice(w.start, end), swap), scope: 3 });
  });
  return sites;
}

export default gender;
