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
 */

import { ordinalSuffix } from '../../src/perturb/entity/calendar.ts';
import { ENTITY_SEVERITIES, entityEdits } from '../../src/perturb/entity/choose.ts';
import {
  isFigure,
  newFigure,
  newSpelledValue,
  parseSpelled,
  spellNumber,
} from '../../src/perturb/entity/figures.ts';
import { findQuantities } from '../../src/perturb/entity/quantities.ts';
import type { EntitySpan } from '../../src/perturb/entity/spans.ts';
import { matchCase } from '../../src/perturb/text/index.ts';
import type { EditProposal, PerturbationContext, PerturbationDefinition, Rng } from '../../src/types.ts';

/** A digit number: figure, then an ordinal suffix, "%", "k" or a spelled scale ("1.5 million"). */
const DIGIT_NUMBER =
  /^((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(st|nd|rd|th|%|k|\s(?:million|billion|thousand))?$/i;

/** "two … both": a two that another word of the text agrees with stays two. */
const AGREES_WITH_TWO = /\b(?:both|either|neither|pair)\b/i;

/** Is `mention` a one followed by a word (its noun is singular)? */
function singularCount(text: string, mention: EntitySpan): boolean {
  return /^(?:1|one)$/i.test(mention.text) && /^\s+\p{L}/u.test(text.slice(mention.end));
}

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
    'digit count, separators, decimals, ordinal suffix and spelling kept, never the same value.',
  severities: ENTITY_SEVERITIES,
  editsProtected: ['numbers'],
  // Measured with the bundled encoder (bench/entity-quantities-meaning.ts; first draws, 3 variants, every
  // level): swaps score ≥ 0.80 on data/bank-queries.jsonl (p5 0.88, median 0.94), ≥ 0.78 on the own texts,
  // ≥ 0.77 on the dev gold sentences (lowest: a short question about the number itself, "prices end in 99").
  // Every one is a correct swap by construction, so the threshold sits below all of them.
  meaning: { threshold: 0.75 },
  apply(text: string, ctx: PerturbationContext): EditProposal[] {
    const spans = findQuantities(text).filter((s) => s.kind === 'number');
    if (spans.length === 0) return [];
    return entityEdits(spans, ctx, (entity, mentions) => {
      if (mentions.some((m) => singularCount(text, m))) return null;
      if (/^(?:2|two)$/i.test(entity.text) && AGREES_WITH_TWO.test(text)) return null;
      const fresh = renumber(entity.text, ctx.rng);
      if (fresh === null) return null;
      // mentions share the text up to case ("Three" / "three"): each keeps its own
      return (m) => (/^\p{L}/u.test(m.text) ? matchCase(m.text, fresh, { initialOnly: true }) : fresh);
    });
  },
};

export default number;
