/**
 * entity.number — replace numbers that are neither money nor dates (src/perturb/entity/quantities.ts)
 * with other numbers of the same format and order of magnitude: "3 times" → "7 times", "ending in
 * 4417" → "ending in 8203", "0932" → "0571" (a leading zero and the digit count kept: card endings,
 * codes), "2,500 points" → "7,300 points", "my 2nd card" → "my 5th card", "50%" → "30%", "three days"
 * → "eight days" (spelled out stays spelled out, in the same case). Never the same value; a round
 * number stays round. A number the label may rest on is still a number: which one it is should not
 * change what a text is about (CheckList's INV number swaps).
 *
 * "1" or "one" followed by a word is left alone: its noun is singular ("1 card"), and any other
 * number would need it plural; so is a two that "both", "either", "neither" or "pair" agrees with
 * ("at two ATMs and both declined"). The numbers are released from the built-in protection for this
 * perturbation only (`editsProtected`); amounts, dates, URLs and negations stay protected.
 *
 * A new number keeps the order with the other numbers of the text (and its amounts, when it counts
 * plainly: "withdrew 200 but only got 100" never becomes "… got 200" nor "… got 300"); percentages
 * compare with percentages, ordinals with ordinals. A few redraws, else the number stays. Ages stay
 * ("my son turns 15", "I'm 21", "a 16 year old", "aged 12", "at 18."): an age limit is often what the
 * question is about; so does a denomination ("a 20 note").
 */

import { ordinalSuffix } from '../../src/perturb/entity/calendar.ts';
import { ENTITY_SEVERITIES, entityEdits } from '../../src/perturb/entity/choose.ts';
import {
  drawKeepingOrder,
  figureValue,
  isFigure,
  newFigure,
  newSpelledValue,
  parseSpelled,
  type RelatedValue,
  spellNumber,
} from '../../src/perturb/entity/figures.ts';
import { findQuantities } from '../../src/perturb/entity/quantities.ts';
import type { EntitySpan } from '../../src/perturb/entity/spans.ts';
import { matchCase } from '../../src/perturb/text/index.ts';
import type { EditProposal, PerturbationContext, PerturbationDefinition, Rng } from '../../src/types.ts';
import { amountValue } from './amount.ts';

/** A digit number: figure, then an ordinal suffix, "%", "k" or a spelled scale ("1.5 million"). */
const DIGIT_NUMBER =
  /^((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(st|nd|rd|th|%|k|\s(?:million|billion|thousand))?$/i;

/** "two … both": a two that another word of the text agrees with stays two. */
const AGREES_WITH_TWO = /\b(?:both|either|neither|pair)\b/i;

/** Is `mention` a one followed by a word (its noun is singular)? */
function singularCount(text: string, mention: EntitySpan): boolean {
  return /^(?:1|one)$/i.test(mention.text) && /^\s+\p{L}/u.test(text.slice(mention.end));
}

const SCALE: Readonly<Record<string, number>> = { k: 1e3, thousand: 1e3, million: 1e6, billion: 1e9 };

/** Which numbers a number compares with: percentages, ordinals, or plain counts (these also with amounts). */
type NumberClass = 'percent' | 'ordinal' | 'count';

function numberClass(number: string): NumberClass {
  if (number.endsWith('%')) return 'percent';
  return /\d(?:st|nd|rd|th)$/i.test(number) ? 'ordinal' : 'count';
}

/** The value of a number as written ("2,500" → 2500, "1.5 million" → 1500000, "50%" → 50, "three" → 3). */
export function numberValue(number: string): number | null {
  const digits = DIGIT_NUMBER.exec(number);
  if (digits) {
    const [, figure, suffix = ''] = digits;
    return figureValue(figure!) * (SCALE[suffix.trim().toLowerCase()] ?? 1);
  }
  return parseSpelled(number)?.value ?? null;
}

/** Words before an age that always make it one: "turns 15", "aged 12", "at the age of 18". */
const AGE_INTRO = /(?<![\p{L}])(?:turn(?:s|ed|ing)?|aged?|ages|age\s+of)\s+$/iu;
/** A person before a number that makes it an age when it ends the clause: "I'm 21.", "my son is 8 and". */
const PERSON_IS =
  /(?<![\p{L}])(?:i['’]?m|i\s+am|i\s+was|(?:he|she|who)['’]s|(?:he|she|who)\s+(?:is|was)|they['’]re|they\s+(?:are|were)|(?:son|daughter|child|kid|boy|girl|brother|sister|nephew|niece|grandson|granddaughter|teenager)s?\s+(?:is|was|will\s+be))\s+$/iu;
/** Words before a number of ten or more that make it an age when it ends the clause: "at 18,", "under 16.". */
const LIMIT_BEFORE = /(?<![\p{L}])(?:at|under|over)\s+$/iu;
/** After such a number: the end of the clause, or a word that cannot be its noun. */
const CLAUSE_GOES_ON =
  /^\s*(?:[.,;:!?)]|$|(?:and|or|but|so|now|next|soon|this|today|tomorrow|already|too|years?|yrs?|you|i|he|she|they|we|can|could|in|on|when|if)(?![\p{L}]))/iu;
/** After a number: "16 year old", "16-year-old", "12 years of age", "21yo". */
const AGE_AFTER = /^[\s-]*(?:(?:years?|yrs?)[\s-]*old|years?\s+of\s+age|y\/?o)(?![\p{L}])/iu;

/** Is this mention of a number someone's age? */
export function isAge(text: string, mention: EntitySpan): boolean {
  const before = text.slice(Math.max(0, mention.start - 30), mention.start);
  const after = text.slice(mention.end, mention.end + 30);
  if (AGE_AFTER.test(after) || AGE_INTRO.test(before)) return true;
  const value = numberValue(mention.text);
  return (
    value !== null &&
    Number.isInteger(value) &&
    value >= 1 &&
    value <= 120 &&
    numberClass(mention.text) === 'count' &&
    CLAUSE_GOES_ON.test(after) &&
    (PERSON_IS.test(before) || (value >= 10 && LIMIT_BEFORE.test(before)))
  );
}

/** "a 20 note", "the 50 coin": a singular banknote or coin after a number other than one is its denomination. */
const DENOMINATION_AFTER = /^[\s-]*(?:bank\s?)?(?:note|bill|coin|banknote)(?![\p{L}])/iu;

/** Another number written like `number`, or null when it has none. */
export function renumber(number: string, rng: Rng): string | null {
  const digits = DIGIT_NUMBER.exec(number);
  if (digits) {
    const [, figure, suffix = ''] = digits;
    if (!isFigure(figure!)) return null;
    const ordinal = /^(?:st|nd|rd|th)$/i.test(suffix);
    // an ordinal is a whole number: "2nd" → "7th", its suffix following the new number, in the old case
    const fresh = newFigure(figure!, rng);
    if (!ordinal) return fresh + suffix;
    const newSuffix = ordinalSuffix(Number(fresh.replace(/,/g, '')));
    return fresh + (suffix === suffix.toUpperCase() ? newSuffix.toUpperCase() : newSuffix);
  }
  const spelled = parseSpelled(number);
  if (!spelled) return null;
  const words = spellNumber(newSpelledValue(spelled.value, rng), spelled.style);
  return matchCase(number, words, { initialOnly: true });
}

const number: PerturbationDefinition = {
  name: 'entity.number',
  family: 'entity',
  tag: 'natural',
  description:
    'Replace numbers that are not amounts or dates with others of the same format and order of magnitude ' +
    '("3 times" → "7 times", card ending "0932" → "0571", "2nd" → "5th", "three days" → "eight days"): ' +
    'digit count, separators, decimals, ordinal suffix and spelling kept, never the same value, the order ' +
    'with the other numbers kept; ages and banknotes left alone.',
  severities: ENTITY_SEVERITIES,
  editsProtected: ['numbers'],
  // Measured with the bundled encoder (bench/entity-quantities-meaning.ts; first draws, 3 variants, every
  // level): swaps score ≥ 0.80 on data/bank-queries.jsonl (p5 0.88, median 0.94), ≥ 0.78 on the own texts,
  // ≥ 0.77 on the dev gold sentences (lowest: a short question about the number itself, "prices end in 99").
  // Every one is a correct swap by construction, so the threshold sits below all of them.
  meaning: { threshold: 0.75 },
  apply(text: string, ctx: PerturbationContext): EditProposal[] {
    const quantities = findQuantities(text);
    const spans = quantities.filter((s) => s.kind === 'number');
    if (spans.length === 0) return [];
    const amounts = quantities
      .filter((s) => s.kind === 'amount')
      .map((s) => amountValue(s.text))
      .filter((v) => v !== null);
    // each number's value now: the new one once replaced
    const current = new Map<string, number>();
    return entityEdits(spans, ctx, (entity, mentions) => {
      if (mentions.some((m) => singularCount(text, m) || isAge(text, m))) return null;
      if (mentions.some((m) => DENOMINATION_AFTER.test(text.slice(m.end, m.end + 20)))) return null;
      if (/^(?:2|two)$/i.test(entity.text) && AGREES_WITH_TWO.test(text)) return null;
      const key = entity.text.toLowerCase();
      const kind = numberClass(entity.text);
      const others: RelatedValue[] = kind === 'count' ? amounts.map((v) => ({ old: v, current: v })) : [];
      for (const s of spans) {
        const value = numberValue(s.text);
        if (s.text.toLowerCase() === key || value === null || numberClass(s.text) !== kind) continue;
        others.push({ old: value, current: current.get(s.text.toLowerCase()) ?? value });
      }
      const fresh = drawKeepingOrder(
        () => renumber(entity.text, ctx.rng),
        numberValue,
        numberValue(entity.text),
        others,
      );
      if (fresh === null) return null;
      const value = numberValue(fresh);
      if (value !== null) current.set(key, value);
      // mentions share the text up to case ("Three" / "three"): each keeps its own
      return (m) => (/^\p{L}/u.test(m.text) ? matchCase(m.text, fresh, { initialOnly: true }) : fresh);
    });
  },
};

export default number;
