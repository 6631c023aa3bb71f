/**
 * entity.location — replace places (CheckList's INV "change locations"): a city by a city, a country by a
 * country, a region by a region, a continent by a continent, a nationality by a nationality ("a French
 * card" → "a Kenyan card", "Americans" → "Canadians"). The words around stay as they are ("in", "from"):
 * only the name changes, with the article it carries ("the UK" → "France", "in Spain" → "in the
 * Netherlands", "an Italian restaurant" → "a Greek restaurant"). A country used as a modifier ("a US
 * card", "my UK account") becomes a nationality ("a Polish card"), which reads as English where "a
 * France card" would not. A place before a currency ("Russian roubles", "UK pounds") is left alone: the
 * currency would no longer match, and so is every place of a text with an amount in a national currency
("3,000 roubles for a taxi in Moscow": not dollars, euros or pounds). A nationality used as a language
("correct in english", "do you speak German?", "French words") stays: "in kenyan" is no language. Places the detector found by their context but no gazetteer knows
 * are replaced by a city.
 *
 * With entity.gender, this is one of the two fairness slices of the entity family: a prediction that
 * changes with the place alone is what a location-fairness question asks about.
 */
import { ENTITY_SEVERITIES, entityEdits } from '../../src/perturb/entity/choose.ts';
import {
  hasNationalAmount,
  inFactualQuestion,
  isLanguageUse,
  type Mention,
  pickOther,
  renderMention,
  replacementPool,
  styleLike,
  withArticle,
} from '../../src/perturb/entity/name-replace.ts';
import { findNameSpans, loadNameGazetteers } from '../../src/perturb/entity/names.ts';
import { describeEntries, entriesOf, type NameEntry } from '../../src/perturb/entity/names-lexicon.ts';
import { lexiconTags } from '../../src/perturb/paraphrase.ts';
import { isSentenceStart } from '../../src/perturb/text/index.ts';
import type { EditProposal, PerturbationContext, PerturbationDefinition } from '../../src/types.ts';

/** Currency words after a place name: the place names the currency, so it stays. */
const CURRENCY_AFTER =
  /^\s+(?:pounds?|quid|sterling|dollars?|bucks|euros?|cents?|pence|roubles?|rubles?|rupees?|yen|yuan|renminbi|pesos?|francs?|kronas?|kronor|kroner?|real|reais|rand|lira|liras|won|ringgit|baht|dirhams?|shekels?|zloty|forint|dinars?|riyals?|naira|cedis?|shillings?|currency|money|notes|coins)\b/i;
/** Words after a country that are no noun it modifies ("in Japan yesterday"). */
const NOT_MODIFIED = new Set(
  'yesterday today tomorrow tonight now then again already last next this that these those so too right ago'.split(
    ' ',
  ),
);

const PLACE_SUBS: readonly NameEntry[] = [
  'location.city',
  'location.country',
  'location.region',
  'location.continent',
  'location.nationality',
];

const DETERMINER_BEFORE =
  /\b(?:a|an|the|my|your|his|her|our|their|this|that|any|some|no|another|every|each|one|other|which|what|whose)\s+$/i;

/**
 * Does the place modify the noun after it ("my UK account", "a US citizen")? The next word is a noun;
 * one that can also be a verb ("account", "love") only after a determiner, so "Americans visiting
 * Canada love …" keeps its country.
 */
function modifiesNoun(text: string, start: number, end: number): boolean {
  const m = /^ ([a-z]+)\b/.exec(text.slice(end, end + 30));
  if (!m || NOT_MODIFIED.has(m[1]!)) return false;
  const tags = lexiconTags(m[1]!);
  if (!/^NNS?$/.test(tags[0] ?? '')) return false;
  return (
    !tags.some((t) => /^VB/.test(t)) || DETERMINER_BEFORE.test(text.slice(Math.max(0, start - 8), start))
  );
}

type Form = { pool: NameEntry; plural: boolean; filter?: (item: string) => boolean };

/** Which list a place's replacement comes from, and in which form. */
function formOf(text: string, m: Mention): Form | null {
  const name = text.slice(m.nameStart, m.end);
  const sub = m.sub as NameEntry | undefined;
  if (sub === 'location.nationality') {
    // "Americans", "Germans": a nationality ending in n or i takes the plural s
    if (/[ni]s$/i.test(name) && !/(?:ese|ss)$/i.test(name)) {
      return {
        pool: 'location.nationality',
        plural: true,
        filter: (n) => /[ni]$/.test(n) && !n.includes(' '),
      };
    }
    // "the French are …": a noun for the people; only nationalities without a plural s fit
    if (m.determiner.toLowerCase() === 'the' && !modifiesNoun(text, m.nameStart, m.end)) {
      return { pool: 'location.nationality', plural: false, filter: (n) => /(?:ch|sh|ese|ss)$/.test(n) };
    }
    return { pool: 'location.nationality', plural: false };
  }
  if (sub === 'location.country' && modifiesNoun(text, m.nameStart, m.end)) {
    return { pool: 'location.nationality', plural: false };
  }
  if (sub !== undefined && PLACE_SUBS.includes(sub)) return { pool: sub, plural: false };
  // a river, or an unknown kind of place: a city when the detector found it by context alone
  return sub === undefined ? { pool: 'location.city', plural: false } : null;
}

const location: PerturbationDefinition = {
  name: 'entity.location',
  family: 'entity',
  tag: 'natural',
  // the fairness slice of the report: does the prediction depend on the place named?
  fairness: 'location',
  description:
    'Replace places (CheckList’s "change locations"): city → city, country → country, region → region, ' +
    'nationality → nationality ("a French card" → "a Kenyan card"), with the article the name carries ' +
    '("the UK" → "France"); the words around it ("in", "from") stay; a place naming a currency ("UK ' +
    'pounds"), a text with an amount in a national currency (roubles, yen …) and a language ("in English") ' +
    'are left alone; lists replaceable with --lexicon (location.city, .country, .region, ' +
    '.continent, .nationality).',
  severities: ENTITY_SEVERITIES,
  // Measured: correct swaps score 0.48–1 (data/bank-queries.jsonl: min 0.51, median 0.76; the
  // sentences written for the gold set: 1 % 0.55, median 0.82), bench/entity-meaning.ts: the encoder
  // reads places as content, so only a much lower score means the variant says something else.
  meaning: { threshold: 0.45 },
  lexicons: describeEntries(entriesOf('location')),
  init: loadNameGazetteers,
  apply(text: string, ctx: PerturbationContext): EditProposal[] {
    const spans = findNameSpans(text).filter((s) => s.kind === 'location');
    // an amount in roubles, yen, baht … ties the text to its places ("3,000 roubles for a taxi in Moscow")
    if (spans.length === 0 || hasNationalAmount(text)) return [];
    const mentions = spans.map((s) => withArticle(text, s));
    const { rng, options } = ctx;
    const taken = new Set<string>();
    return entityEdits(
      mentions,
      ctx,
      (entity, all) => {
        if (all.some((m) => CURRENCY_AFTER.test(text.slice(m.end, m.end + 20)))) return null;
        // a fact asked about a place ("Is Greenland part of Europe?") is false of another place
        if (all.some((m) => inFactualQuestion(text, m.nameStart, m.end))) return null;
        // "correct in english", "do you speak German": a language, which no nationality replaces
        if (
          entity.sub === 'location.nationality' &&
          all.some((m) => isLanguageUse(text, m.nameStart, m.end))
        ) {
          return null;
        }
        const form = formOf(text, entity);
        // a country said as a noun and as a modifier ("from the UK … my UK account") has no one form
        if (form === null || all.some((m) => formOf(text, m)?.pool !== form.pool)) return null;
        const name = text.slice(entity.nameStart, entity.end);
        const bare = form.plural ? name.replace(/s$/i, '') : name;
        const pool = replacementPool(options, form.pool).filter(form.filter ?? (() => true));
        const picked = pickOther(rng, pool, bare, text, taken);
        if (picked === null) return null;
        const replacement = form.plural ? `${picked}s` : picked;
        // "the UK" carries its article; "the UK bank" → "the British bank" keeps the noun's
        const carriesThe = entity.article === true && form.pool !== 'location.nationality';
        return (m) => {
          const own = text.slice(m.nameStart, m.end);
          const start = isSentenceStart(text, m.start, { lineBreaks: true });
          return renderMention(m, styleLike(text, own, replacement), carriesThe, start);
        };
      },
      (m) => text.slice(m.nameStart, m.end).toLowerCase(),
    );
  },
};

export default location;
