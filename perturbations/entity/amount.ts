/**
 * entity.amount — replace amounts of money (src/perturb/entity/quantities.ts) with others written the
 * same way: "$45.99" → "$72.99", "1,200 EUR" → "2,300 EUR", "£2k" → "£7k", "50 bucks" → "80 bucks",
 * "fifty dollars" → "thirty dollars". The figure keeps its digit count (order of magnitude), separators,
 * decimals and multiplier ("k", "million"); the currency keeps its place and style. A repeated amount is
 * one entity, replaced the same way at every mention (entityEdits groups by text).
 *
 * The currency itself may change too, to another of the same style and similar unit value (symbol →
 * symbol, code → code, word → word, slang → slang: lists in src/perturb/entity/currencies.ts, lexicon
 * keys amount.*), on half the draws — but only when the text holds that one amount and names no
 * currency elsewhere: "£480 when she sent me £500" must not turn into two currencies (a different
 * complaint), nor "convert 100 USD to euros" into "convert 100 EUR to euros" — and the text names no
 * place: "40 euros in Rome" must not become "70 francs in Rome".
 *
 * A new figure keeps the order with the other amounts of its currency and the bare numbers of the text
 * (often sums whose currency goes unsaid): "€64 instead of €46" stays an overcharge, "withdrew 40 euros
 * but 60 came off" keeps more taken than withdrawn; a few redraws, else the amount stays. A banknote or
 * coin ("a 20 pound note", "$100 bill", "50 cent coin") keeps its value: most figures are no denomination.
 */

import { ENTITY_SEVERITIES, entityEdits } from '../../src/perturb/entity/choose.ts';
import {
  AMOUNT_ENTRIES,
  AMOUNT_LEXICON,
  type AmountEntry,
  CODE_PATTERN,
  CODES,
  PREFIXED_SYMBOLS,
  pluralCurrency,
  SYMBOL_CHARS,
  singularCurrency,
  WORD_PATTERN,
} from '../../src/perturb/entity/currencies.ts';
import {
  drawKeepingOrder,
  figureValue,
  newFigure,
  newSpelledValue,
  parseSpelled,
  type RelatedValue,
  spellNumber,
} from '../../src/perturb/entity/figures.ts';
import { findNames } from '../../src/perturb/entity/names.ts';
import { findQuantities } from '../../src/perturb/entity/quantities.ts';
import type { EntitySpan } from '../../src/perturb/entity/spans.ts';
import { lexiconEntry } from '../../src/perturb/lexicon.ts';
import { matchCase } from '../../src/perturb/text/index.ts';
import type { EditProposal, PerturbationContext, PerturbationDefinition, Rng } from '../../src/types.ts';

const FIGURE = /(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?/;
const MULTIPLIER = /^(?:\s?(?:k|K|m|M|bn|mn)(?![\p{L}])|\s(?:million|billion|thousand)(?![\p{L}]))/u;

/** An amount cut into its parts: "US$ 1.5k" → before "US$ ", figure "1.5", after "k" + "" … */
export interface AmountParts {
  /** text before the figure (a symbol or code and its space), maybe empty */
  before: string;
  /** the figure in digits, or a spelled-out number */
  figure: string;
  spelled: boolean;
  /** "k", " million" … right after the figure, maybe empty */
  multiplier: string;
  /** text after the figure and multiplier (a space and a currency word or code, a symbol, "p") */
  after: string;
}

export function splitAmount(amount: string): AmountParts | null {
  const digits = FIGURE.exec(amount);
  if (digits) {
    const rest = amount.slice(digits.index + digits[0].length);
    const multiplier = MULTIPLIER.exec(rest)?.[0] ?? '';
    return {
      before: amount.slice(0, digits.index),
      figure: digits[0],
      spelled: false,
      multiplier,
      after: rest.slice(multiplier.length),
    };
  }
  const spelled = /^(.+)(\s\S+)$/u.exec(amount);
  if (!spelled || !parseSpelled(spelled[1]!)) return null;
  return { before: '', figure: spelled[1]!, spelled: true, multiplier: '', after: spelled[2]! };
}

const CURRENCY_WORD = new RegExp(`^(?:${WORD_PATTERN})$`, 'iu');

/** Which lexicon entry a currency token belongs to, by how it is written; null for one that stays. */
export function currencyStyle(token: string): AmountEntry | null {
  if (token.length === 1 && SYMBOL_CHARS.includes(token)) return 'amount.symbol';
  if (PREFIXED_SYMBOLS.includes(token)) return 'amount.prefixed-symbol';
  if (CODES.includes(token.toUpperCase()) && /^(?:[A-Z]{3}|[a-z]{3})$/.test(token)) return 'amount.code';
  if (/^(?:bucks?|quid)$/i.test(token)) return 'amount.slang';
  if (CURRENCY_WORD.test(token)) return 'amount.word';
  return null;
}

/** The comparison key of a currency token: plural, lower case ("Dollar" → "dollars", "usd" → "usd"). */
function currencyKey(token: string, style: AmountEntry): string {
  return style === 'amount.word' || style === 'amount.slang'
    ? pluralCurrency(token.toLowerCase())
    : token.toLowerCase();
}

const CURRENCY_MENTION = new RegExp(
  `[${SYMBOL_CHARS}]|(?<![\\p{L}])(?:${CODE_PATTERN})(?![\\p{L}])|(?<![\\p{L}])(?:${WORD_PATTERN})(?![\\p{L}])`,
  'iu',
);

/** Does the text name a currency outside its amounts ("in euros", "USD account", "£")? */
function currencyOutside(text: string, amounts: readonly EntitySpan[]): boolean {
  let rest = text;
  for (const a of amounts) rest = rest.slice(0, a.start) + ' '.repeat(a.end - a.start) + rest.slice(a.end);
  return CURRENCY_MENTION.test(rest);
}

/**
 * `word` shaped for the new figure: singular after exactly one; singular where the old word was singular
 * after another number (adjectival: "a 20 pound note"); plural otherwise ("one pound" → "four pounds").
 */
function currencyWordFor(word: string, template: string, oldValue: number, newValue: number): string {
  const wasSingular = singularCurrency(template) === template && pluralCurrency(template) !== template;
  const singular = newValue === 1 || (wasSingular && oldValue !== 1);
  return matchCase(template, singular ? singularCurrency(word) : pluralCurrency(word));
}

const MULTIPLIER_VALUE: Readonly<Record<string, number>> = {
  k: 1e3,
  thousand: 1e3,
  m: 1e6,
  mn: 1e6,
  million: 1e6,
  bn: 1e9,
  billion: 1e9,
};

/** The value of an amount in its own currency ("£2.5k" → 2500, "fifty dollars" → 50); null if unreadable. */
export function amountValue(amount: string): number | null {
  const parts = splitAmount(amount);
  if (!parts) return null;
  const value = parts.spelled ? (parseSpelled(parts.figure)?.value ?? NaN) : figureValue(parts.figure);
  const scale = parts.multiplier === '' ? 1 : MULTIPLIER_VALUE[parts.multiplier.trim().toLowerCase()];
  return Number.isFinite(value) && scale !== undefined ? value * scale : null;
}

/** Which currency an amount is in, as written ("$", "eur", "pounds"): amounts compare only within one. */
export function amountCurrency(amount: string): string {
  const parts = splitAmount(amount);
  const token = parts ? parts.before.trim() || parts.after.trim() : amount;
  const style = currencyStyle(token);
  return style === null ? token.toLowerCase() : currencyKey(token, style);
}

/** "a 20 pound note", "£5 note", "$100 bills", "50 cent coin": after an amount, a word making it a denomination. */
const DENOMINATION_AFTER = /^[\s-]*(?:bank\s?)?(?:notes?|bills?|coins?|banknotes?)(?![\p{L}])/iu;

/** Is this mention of an amount a banknote or coin? */
export function isDenomination(text: string, mention: EntitySpan): boolean {
  return DENOMINATION_AFTER.test(text.slice(mention.end, mention.end + 20));
}

/** Does the text name a place (a city, country or nationality: "in Rome", "the Italian restaurant")? */
function namesPlace(text: string): boolean {
  return findNames(text).some((n) => n.kind === 'location');
}

/** A new currency token of the same style as `token`, from the lexicon; null to keep it. */
function switchCurrency(token: string, rng: Rng, options: Readonly<Record<string, unknown>>): string | null {
  const style = currencyStyle(token);
  if (style === null) return null;
  const key = currencyKey(token, style);
  const bundled = AMOUNT_LEXICON[style];
  const list = lexiconEntry(options, style, bundled);
  // only a currency the lists know switches: "250 pesos" stays in pesos
  const known = [...bundled, ...list].some((c) => currencyKey(c, style) === key);
  const others = list.filter((c) => currencyKey(c, style) !== key);
  if (!known || others.length === 0) return null;
  const pick = rng.pick(others);
  if (style === 'amount.code') return token === token.toLowerCase() ? pick.toLowerCase() : pick.toUpperCase();
  return pick;
}

/** A replacement for `amount` in the same format; `allowSwitch`: its currency may change. */
export function reprice(
  amount: string,
  rng: Rng,
  options: Readonly<Record<string, unknown>>,
  allowSwitch: boolean,
): string | null {
  const parts = splitAmount(amount);
  if (!parts) return null;
  let figure: string;
  let oldValue: number;
  let newValue: number;
  if (parts.spelled) {
    const spelled = parseSpelled(parts.figure)!;
    oldValue = spelled.value;
    newValue = newSpelledValue(oldValue, rng);
    figure = matchCase(parts.figure, spellNumber(newValue, spelled.style), { initialOnly: true });
  } else {
    oldValue = figureValue(parts.figure);
    figure = newFigure(parts.figure, rng);
    newValue = figureValue(figure);
  }
  let { before, after } = parts;
  const beforeToken = before.trim();
  const afterToken = after.trim();
  const token = beforeToken || afterToken;
  let currency = token;
  if (allowSwitch && token !== '' && rng.next() < 0.5)
    currency = switchCurrency(token, rng, options) ?? token;
  const style = currencyStyle(token);
  // the number of a currency word follows the new figure ("one pound" → "four pounds")
  if (style === 'amount.word' || style === 'amount.slang') {
    currency = currencyWordFor(currency, token, oldValue, newValue);
  }
  if (currency !== token) {
    if (beforeToken) before = before.replace(beforeToken, currency);
    else after = after.replace(afterToken, currency);
  }
  return before + figure + parts.multiplier + after;
}

const amount: PerturbationDefinition = {
  name: 'entity.amount',
  family: 'entity',
  tag: 'natural',
  description:
    'Replace amounts of money with others written the same way ("$45.99" → "$72.99", "1,200 EUR" → ' +
    '"2,300 EUR", "£2k" → "£7k", "50 bucks" → "80 bucks"): same digit count, decimals and multiplier, the ' +
    'order with the other sums kept, banknotes and coins left alone; when the text holds one amount and names ' +
    'no other currency and no place, the currency may switch to another of the same style (symbol, code, ' +
    'word, slang; --lexicon amount.*).',
  severities: ENTITY_SEVERITIES,
  // "$45" holds a protected number inside a protected amount: both are this perturbation's to edit
  editsProtected: ['numbers', 'amounts'],
  lexicons: AMOUNT_ENTRIES,
  // Measured with the bundled encoder (bench/entity-quantities-meaning.ts; first draws, 3 variants, every
  // level): swaps score ≥ 0.69 on data/bank-queries.jsonl (p5 0.79, median 0.93), ≥ 0.71 on the own texts,
  // ≥ 0.59 on the dev gold sentences; the lowest are currency switches ("1,200 EUR" → "2,300 GBP"), which
  // the encoder weighs more than the figure. All are correct swaps, so the threshold sits below them.
  meaning: { threshold: 0.55 },
  apply(text: string, ctx: PerturbationContext): EditProposal[] {
    const amounts = findQuantities(text).filter((s) => s.kind === 'amount');
    if (amounts.length === 0) return [];
    const distinct = new Set(amounts.map((a) => a.text.toLowerCase())).size;
    // names last: the gazetteers are the costly test
    const allowSwitch = distinct === 1 && !currencyOutside(text, amounts) && !namesPlace(text);
    // bare numbers are often sums whose currency goes unsaid ("withdrew 40 euros but 60 came off")
    const bareNumbers = findQuantities(text)
      .filter((s) => s.kind === 'number' && /^\d[\d,]*(?:\.\d+)?$/.test(s.text))
      .map((s) => figureValue(s.text));
    // each amount's value now: the new one once replaced
    const current = new Map<string, number>();
    return entityEdits(amounts, ctx, (entity, mentions) => {
      if (mentions.some((m) => isDenomination(text, m))) return null;
      const key = entity.text.toLowerCase();
      const currency = amountCurrency(entity.text);
      const others: RelatedValue[] = bareNumbers.map((n) => ({ old: n, current: n }));
      for (const a of amounts) {
        const value = amountValue(a.text);
        if (a.text.toLowerCase() === key || value === null || amountCurrency(a.text) !== currency) continue;
        others.push({ old: value, current: current.get(a.text.toLowerCase()) ?? value });
      }
      const fresh = drawKeepingOrder(
        () => {
          const next = reprice(entity.text, ctx.rng, ctx.options, allowSwitch);
          return next === entity.text ? null : next;
        },
        amountValue,
        amountValue(entity.text),
        others,
      );
      if (fresh === null) return null;
      const value = amountValue(fresh);
      if (value !== null) current.set(key, value);
      return () => fresh;
    });
  },
};

export default amount;
