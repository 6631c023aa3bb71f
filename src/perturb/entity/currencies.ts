/**
 * Currencies as the amount detector (quantities.ts) finds them and entity.amount rewrites them. The
 * detector extends the protection's lists (src/perturb/protect/patterns.ts: symbols, codes, words) with
 * the ones below; entity.amount may switch the currency of an amount to another of the SAME style —
 * symbol for symbol, code for code, word for word, slang for slang — drawn from the bundled lists here
 * (lexicon keys `amount.symbol`, `amount.prefixed-symbol`, `amount.code`, `amount.word`, `amount.slang`,
 * each replaceable with `--lexicon`). Only currencies of a similar unit value are in a list (dollars,
 * euros, pounds, Swiss francs…), so an amount keeps its order of magnitude in its new currency; an
 * amount in a currency outside the lists (¥, ₹, pesos) keeps its currency.
 */
import { CURRENCY_CODES, CURRENCY_SYMBOLS, CURRENCY_WORDS } from '../protect/patterns.ts';

/** Symbols written alone, before or after the amount: the protection's, and a few more. */
export const SYMBOL_CHARS = `${CURRENCY_SYMBOLS}₺₪₦₱฿₫₴₵`;

/** Dollar-like symbols with a country prefix ("HK$8,000", "NZ$389", "R$200"). */
export const PREFIXED_SYMBOLS = [
  'US$',
  'HK$',
  'NZ$',
  'AU$',
  'CA$',
  'SG$',
  'MX$',
  'NT$',
  'A$',
  'C$',
  'S$',
  'R$',
];

/** ISO codes the detector knows beyond the protection's; matched in capitals only. */
const MORE_CODES = ['AED', 'KRW', 'THB', 'NGN', 'KES', 'ILS', 'SAR', 'IDR', 'MYR', 'GHS', 'TRY', 'PHP'];
/** Codes that are (or look like) English words in lower case: matched in capitals only. */
const CAPITALS_ONLY = new Set(['CAD', 'RUB', 'NOK']);

export const CODES: readonly string[] = [...CURRENCY_CODES.split('|'), ...MORE_CODES];
/** Regex source of the codes: capitals always, lower case for the ones that are no English word. */
export const CODE_PATTERN = [
  ...CODES,
  ...CURRENCY_CODES.split('|')
    .filter((c) => !CAPITALS_ONLY.has(c))
    .map((c) => c.toLowerCase()),
].join('|');

/** Currency words after an amount, beyond the protection's (regex source, lower case). */
const MORE_WORDS =
  'dollar|euro|pound|buck|penny|grand|yuan|renminbi|pesos?|roubles?|rubles?|krona|kronor|krone|kroner|' +
  'zlotys?|złoty|rand|dirhams?|baht|liras?|naira|cedis?|shillings?|ringgit|rupiah|dinars?|riyals?|reais|hryvnias?';
export const WORD_PATTERN = `${CURRENCY_WORDS}|${MORE_WORDS}`;

/** The lexicon keys entity.amount reads, with what each lists. */
export const AMOUNT_ENTRIES = {
  'amount.symbol':
    'currency symbols an amount written with a bare symbol ("$45", "45€") may switch to (same place kept)',
  'amount.prefixed-symbol': 'prefixed dollar symbols ("NZ$389") an amount written with one may switch to',
  'amount.code': 'ISO currency codes an amount written with a code ("20 EUR", "USD 30") may switch to',
  'amount.word':
    'currency words, plural ("dollars"), an amount written with one may switch to ("50 dollars")',
  'amount.slang': 'slang currency words ("bucks", "quid") an amount written with one may switch to',
} as const;

export type AmountEntry = keyof typeof AMOUNT_ENTRIES;

/** The bundled lists: currencies worth roughly as much as a US dollar, so the figure stays plausible. */
export const AMOUNT_LEXICON: Readonly<Record<AmountEntry, readonly string[]>> = {
  'amount.symbol': ['$', '€', '£'],
  'amount.prefixed-symbol': ['US$', 'A$', 'C$', 'NZ$', 'S$'],
  'amount.code': ['USD', 'EUR', 'GBP', 'CHF', 'CAD', 'AUD', 'NZD', 'SGD'],
  'amount.word': ['dollars', 'euros', 'pounds', 'francs'],
  'amount.slang': ['bucks', 'quid'],
};

/** Singular of a currency word: "dollars" → "dollar"; "quid", "yen", "pence" stay as they are. */
export function singularCurrency(word: string): string {
  if (/^(?:quid|yen|pence|baht|rand|naira|yuan|ringgit|rupiah|grand)$/i.test(word)) return word;
  return word.replace(/s$/i, '');
}

/** Plural of a currency word: "dollar" → "dollars"; invariable words stay. */
export function pluralCurrency(word: string): string {
  if (/s$/i.test(word) || /^(?:quid|yen|pence|baht|rand|naira|yuan|ringgit|rupiah|grand)$/i.test(word))
    return word;
  return `${word}s`;
}
