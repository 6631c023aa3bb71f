/**
 * paraphrase.abbreviation — chat-speak abbreviations and their expansions, as customers
 * type them: please ↔ pls/plz, thanks ↔ thx, thank you ↔ ty, you → u, your → ur,
 * because ↔ bc/cuz, information ↔ info, account ↔ acct, as soon as possible ↔ asap,
 * by the way ↔ btw, okay ↔ ok …
 *
 * Left out on purpose: anything that would change a negation ("I don't know" → "idk",
 * "never mind" → "nvm", "no problem" → "np": the abbreviation drops the negation word),
 * "at the moment" → "atm" (an ATM is a cash machine here), "are" → "r", "received" → "rcvd",
 * and expanding "ur" (your or you're?) or "min" (minute or minimum?).
 */

import { admissible, type Candidate, chooseForSeverity, lexiconTags } from '../../src/perturb/paraphrase.ts';
import {
  isAllCaps,
  isSentenceStart,
  matchCase,
  type SentenceStartOptions,
  type StandaloneOptions,
  standalone,
  tokenize,
  upperFirst,
} from '../../src/perturb/text/index.ts';
import type { EditProposal, PerturbationContext, PerturbationDefinition } from '../../src/types.ts';

interface Rule {
  /** the full form, lower case, one or more words separated by single spaces */
  full: string;
  /** abbreviations it may be shortened to (the first is the usual one) */
  short: string[];
  /** abbreviations that expand back to `full` (none when an abbreviation is ambiguous) */
  expandFrom?: string[];
  /** the abbreviation is an acronym ("ASAP", "OK"): often written in caps mid-sentence */
  acronym?: boolean;
  /** extra condition on the full form (the word before and after it) */
  shortenIf?: (prev: string | undefined, next: string | undefined) => boolean;
}

/** Words before "application" that make it the mobile app, not a card or loan application. */
const APP_CONTEXT = new Set(['mobile', 'banking', 'phone', 'bank', "bank's", 'iphone', 'android']);

/** Words after which "your" is probably a misspelt "you're" ("your welcome", "your right"). */
const YOURE_NEXT = new Set([
  'welcome',
  'right',
  'wrong',
  'sure',
  'kidding',
  'joking',
  'able',
  'going',
  'not',
]);

/** "your" followed by a noun or adjective: possessive for sure ("your card", "your new pin"). */
function possessive(_prev: string | undefined, next: string | undefined): boolean {
  if (next === undefined || YOURE_NEXT.has(next)) return false;
  const tag = lexiconTags(next)[0] ?? '';
  return /^(?:NN|JJ)/.test(tag);
}

const RULES: Rule[] = [
  { full: 'please', short: ['pls', 'plz'] },
  { full: 'thanks', short: ['thx', 'thnx'] },
  { full: 'thank you', short: ['ty'] },
  // "u" only as a whole word: "you're", "you'll" are single tokens and never match
  { full: 'you', short: ['u'] },
  { full: 'your', short: ['ur'], expandFrom: [], shortenIf: possessive },
  { full: 'because', short: ['bc', 'cuz'], expandFrom: ['bc', 'cuz', 'coz', 'bcuz', 'bcoz'] },
  { full: 'information', short: ['info'] },
  { full: 'account', short: ['acct'] },
  { full: 'accounts', short: ['accts'] },
  { full: 'transaction', short: ['txn'] },
  { full: 'transactions', short: ['txns'] },
  { full: 'message', short: ['msg'] },
  { full: 'messages', short: ['msgs'] },
  { full: 'tomorrow', short: ['tmrw', 'tmr'] },
  { full: 'about', short: ['abt'] },
  { full: 'people', short: ['ppl'] },
  { full: 'minutes', short: ['mins'] },
  { full: 'seconds', short: ['secs'] },
  { full: 'approximately', short: ['approx'] },
  { full: 'reference', short: ['ref'] },
  { full: 'document', short: ['doc'] },
  { full: 'documents', short: ['docs'] },
  {
    full: 'application',
    short: ['app'],
    shortenIf: (prev) => prev !== undefined && APP_CONTEXT.has(prev),
  },
  {
    full: 'applications',
    short: ['apps'],
    shortenIf: (prev) => prev !== undefined && APP_CONTEXT.has(prev),
  },
  { full: 'okay', short: ['ok'], acronym: true },
  { full: 'as soon as possible', short: ['asap'], acronym: true },
  { full: 'by the way', short: ['btw'], acronym: true },
  { full: 'to be honest', short: ['tbh'], acronym: true },
  { full: 'for your information', short: ['fyi'], acronym: true },
  { full: 'oh my god', short: ['omg'], acronym: true },
  { full: 'in my opinion', short: ['imo'], acronym: true },
];

interface Expansion {
  full: string;
  acronym: boolean;
}

/** abbreviation → full form (Maps, so "constructor" or "__proto__" never match). */
const EXPAND = new Map<string, Expansion>();
/** first word of a full form → the rules starting with it, longest first */
const BY_FIRST_WORD = new Map<string, Rule[]>();
for (const rule of RULES) {
  for (const abbr of rule.expandFrom ?? rule.short) {
    EXPAND.set(abbr, { full: rule.full, acronym: rule.acronym === true });
  }
  const first = rule.full.split(' ')[0]!;
  const list = BY_FIRST_WORD.get(first) ?? [];
  list.push(rule);
  list.sort((a, b) => b.full.length - a.full.length);
  BY_FIRST_WORD.set(first, list);
}

/** Every (full form, abbreviation) pair, for tests and documentation. */
export const ABBREVIATIONS: readonly (readonly [string, string])[] = RULES.flatMap((r) =>
  r.short.map((s) => [r.full, s] as const),
);

/** A word on its own: not part of a name like "U.S.", "in-app", "a/c", "you'd" or "@ok". */
const STANDALONE: StandaloneOptions = { glued: true };

/** A sentence starts at the text start, or after . ! ? : or a line break, with opening quotes or brackets in between. */
const SENTENCE_START: SentenceStartOptions = { colon: true, lineBreaks: true, skipOpeners: '"“‘([' };

// Replacements follow the original's case with the kit's matchCase, first letter only
// ("Please" → "Pls", "THANKS" → "THX", "please" → "pls"): every form in RULES is lower case and
// starts with a letter a-z, so the first letter of a matched original is one of A-Z or a-z.

/** Is the whole text written in capitals (at least two letters, no lower case)? */
function shouting(text: string): boolean {
  return !/\p{Ll}/u.test(text) && /\p{Lu}.*\p{Lu}/su.test(text);
}

/**
 * The expansion of an abbreviation in context. An acronym in caps mid-sentence ("call me ASAP")
 * is ordinary writing, so its expansion is lower case unless the whole text shouts.
 */
function expansionCase(text: string, start: number, original: string, exp: Expansion): string {
  if (shouting(text)) return exp.full.toUpperCase();
  const capital = /^\p{Lu}/u.test(original);
  if (exp.acronym || original.length === 1) {
    return capital && isSentenceStart(text, start, SENTENCE_START) ? upperFirst(exp.full) : exp.full;
  }
  return matchCase(original, exp.full, { initialOnly: true });
}

/** Every place an abbreviation can be shortened or expanded, one candidate per site. */
function abbreviationSites(text: string, ctx: PerturbationContext): Candidate[] {
  const tokens = tokenize(text);
  const out: Candidate[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    // mixed case ("iPhone", "ThX") is a name or deliberate styling
    if (!(t.text === t.lower || isAllCaps(t.text) || t.text === upperFirst(t.lower))) continue;

    // shortening: the longest full form starting here, its words separated by single spaces
    for (const rule of BY_FIRST_WORD.get(t.lower) ?? []) {
      const words = rule.full.split(' ');
      const last = tokens[i + words.length - 1];
      if (last === undefined) continue;
      let matches = true;
      for (let j = 1; j < words.length && matches; j++) {
        const w = tokens[i + j]!;
        matches = w.lower === words[j] && text.slice(tokens[i + j - 1]!.end, w.start) === ' ';
      }
      if (!matches || !standalone(text, t.start, last.end, STANDALONE)) continue;
      const prev = i > 0 && /^\s+$/.test(text.slice(tokens[i - 1]!.end, t.start)) ? tokens[i - 1] : undefined;
      const after = tokens[i + words.length];
      const next = after && /^ $/.test(text.slice(last.end, after.start)) ? after : undefined;
      if (rule.shortenIf && !rule.shortenIf(prev?.lower, next?.lower)) continue;
      const original = text.slice(t.start, last.end);
      const abbr = rule.short.length === 1 ? rule.short[0]! : ctx.rng.pick(rule.short);
      out.push({
        start: t.start,
        end: last.end,
        replacement: matchCase(original, abbr, { initialOnly: true }),
        group: `${t.start}`,
      });
    }

    // expanding
    const exp = EXPAND.get(t.lower);
    // a lone capital "U" is more likely a letter or a name than "you"
    if (
      exp &&
      standalone(text, t.start, t.end, STANDALONE) &&
      !(t.text === 'U' && !isSentenceStart(text, t.start, SENTENCE_START))
    ) {
      out.push({
        start: t.start,
        end: t.end,
        replacement: expansionCase(text, t.start, t.text, exp),
        group: `${t.start}`,
      });
    }
  }
  return out;
}

const abbreviation: PerturbationDefinition = {
  name: 'paraphrase.abbreviation',
  family: 'paraphrase',
  tag: 'natural',
  meaning: { threshold: 0.5 },
  description:
    'Chat-speak abbreviations and their expansions (please ↔ pls/plz, thanks ↔ thx, you → u, your card → ur card, ' +
    'because ↔ bc, information ↔ info, account ↔ acct, as soon as possible ↔ asap, by the way ↔ btw, okay ↔ ok); ' +
    'never touches negations, numbers or other protected text; first-letter capital kept.',
  // Two levels: about 2 % of real texts have three sites, so a third level would hardly ever run.
  severities: {
    1: 'one word or phrase abbreviated or expanded',
    2: 'two words or phrases (texts with fewer sites stay unchanged)',
  },
  apply(text: string, ctx: PerturbationContext): EditProposal[] {
    const sites = admissible(text, ctx, abbreviationSites(text, ctx));
    return chooseForSeverity(ctx.rng, sites, ctx.severity);
  },
};

export default abbreviation;
