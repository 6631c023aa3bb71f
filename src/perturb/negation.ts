/**
 * Negation of the main verb of one clause, for the `directional.negate` transform: inserts it
 * ("My card arrived" → "My card did not arrive", "I can use it" → "I cannot use it") or removes it
 * ("didn't arrive" → "arrived", "is not working" → "is working", "never got" → "got").
 *
 * The clause is the first one of the text that is not subordinate (an if-, because- or relative clause
 * is skipped: "If I lose my card, I will call you" negates "will"); its verb group is read from the
 * project's POS tagger (pos.ts) plus closed-class tables of auxiliaries, since the tagger's tags for
 * contractions, and for some verbs right after their subject ("the card works" NNS), are unreliable. New forms come from inflect.ts. The
 * text's habit is kept: n't forms when it contracts (with its apostrophe, or none when it writes
 * "dont"), full forms ("do not", "cannot") otherwise. Removal also turns the negative-polarity words of
 * the clause around ("any" → "some", "yet" → "already", "at all" dropped), without which the positive
 * sentence is not grammatical. A clause negated some other way ("Nobody told me", "I have no card")
 * is left alone, as is a text without a finite verb: no edit.
 */

import type { EditProposal } from '../types.ts';
import { pastTense, thirdPerson } from './inflect.ts';
import { getTagger, type TaggedToken, tagText } from './pos.ts';
import { upperFirst } from './text/index.ts';
import { EXCEPTIONS } from './wordnet/irregular.ts';

const MODALS = new Set(['can', 'could', 'will', 'would', 'shall', 'should', 'may', 'might', 'must']);
const BE = new Set(['am', 'is', 'are', 'was', 'were']);
const HAVE = new Set(['have', 'has', 'had']);
const DO = new Set(['do', 'does', 'did']);
/** aux → its n't form (am has none; may and might rarely contract and read better with "not") */
const NT_FORM = new Map<string, string>([
  ['can', 'can’t'],
  ['could', 'couldn’t'],
  ['will', 'won’t'],
  ['would', 'wouldn’t'],
  ['shall', 'shan’t'],
  ['should', 'shouldn’t'],
  ['must', 'mustn’t'],
  ['is', 'isn’t'],
  ['are', 'aren’t'],
  ['was', 'wasn’t'],
  ['were', 'weren’t'],
  ['have', 'haven’t'],
  ['has', 'hasn’t'],
  ['had', 'hadn’t'],
  ['do', 'don’t'],
  ['does', 'doesn’t'],
  ['did', 'didn’t'],
]);
/** a negated auxiliary, apostrophe removed → its positive form */
const POSITIVE_OF = new Map<string, string>([
  ...[...NT_FORM].map(([aux, nt]) => [nt.replace('’', ''), aux] as [string, string]),
  ['cannot', 'can'],
  ['aint', 'is'],
  ['neednt', 'need'],
]);
/** subject + clitic tokens ("it's", "I'm", "they're", "I've", "I'll", "I'd") */
const CLITIC_RE = /^(\p{L}+)['’](s|m|re|ve|ll|d)$/iu;
/** "im", "youre", "theyre", "thats": contractions written without the apostrophe (be only) */
const BARE_BE = new Map([
  ['im', 'm'],
  ['youre', 're'],
  ['theyre', 're'],
  ['thats', 's'],
  ['whats', 's'],
]);
const SUBJECT_PRONOUNS = new Set(['i', 'you', 'he', 'she', 'it', 'we', 'they', 'there', 'this', 'that']);
/** "someone made a purchase": the tagger reads these as nouns */
const INDEFINITE_SUBJECTS = new Set([
  'someone',
  'somebody',
  'everyone',
  'everybody',
  'something',
  'everything',
]);
const THIRD_PERSON_SUBJECTS = new Set(['he', 'she', 'it', 'there', 'this', 'that', 'what', 'who']);
const WH = new Set(['why', 'where', 'when', 'how', 'what', 'who', 'which']);
const SUBORDINATORS = new Set([
  'because',
  'if',
  'unless',
  'although',
  'though',
  'since',
  'while',
  'until',
  'after',
  'before',
  'whether',
  'once',
  'whenever',
  'as',
]);
/** between an auxiliary and its verb: "I have already paid", "it is still not working" */
const ADVERB_TAGS = new Set(['RB', 'RBR', 'RBS']);
const CLAUSE_END = new Set(['.', '!', '?', ';', ':']);
const COORDINATORS = new Set(['and', 'but', 'or', 'so']);
/** the tag after an imperative verb: an object, a particle or preposition, or the end */
const IMPERATIVE_NEXT = /^(?:PRP|PRP\$|DT|RP|IN|TO|CD|RB|\.|,)$/;
/** words that open an imperative's clause before the verb */
const REQUEST_OPENERS = new Set(['please', 'pls', 'plz', 'kindly']);
/** negations this module does not remove: a clause holding one is left alone */
const OTHER_NEGATIONS = new Set(['no', 'nobody', 'nothing', 'none', 'neither', 'nor', 'nowhere', 'noone']);
/** negative-polarity words and their positive counterparts, for the clause a removal leaves */
const NPI_SWAP = new Map<string, string>([
  ['any', 'some'],
  ['anything', 'something'],
  ['anyone', 'someone'],
  ['anybody', 'somebody'],
  ['anywhere', 'somewhere'],
  ['yet', 'already'],
  ['either', 'too'],
]);
/** negative-polarity phrases that a positive clause drops: "at all", "anymore", "any more" */
const NPI_DROP = [['at', 'all'], ['anymore'], ['any', 'more']];

interface Word {
  tok: TaggedToken;
  /** lower case, curly apostrophe made straight */
  lower: string;
}

/** How the text writes negations and contractions: drives every new form. */
interface Style {
  /** the text contracts ("I'm", "don't", "dont"): new negations are n't forms */
  contract: boolean;
  /** the apostrophe it writes, or none ("dont", "im") */
  apostrophe: "'" | '’' | 'none';
}

/** Subjects whose "'s" is "is"/"has" (after a noun it is a possessive: "my card's PIN"). */
const S_CLITIC_SUBJECTS = new Set([
  'it',
  'that',
  'what',
  'he',
  'she',
  'there',
  'here',
  'who',
  'where',
  'how',
]);
const APOSTROPHE_CONTRACTION_RE =
  /\b(?:\p{L}+n['’]t|(?:i)['’]m|\p{L}+['’](?:re|ve|ll|d)|(?:it|that|what|he|she|there|here|who|where|how|let)['’]s)\b/iu;
const BARE_CONTRACTION_RE =
  /\b(?:dont|doesnt|didnt|isnt|arent|wasnt|werent|cant|couldnt|wouldnt|shouldnt|wont|havent|hasnt|hadnt|im|ive|youre|theyre|thats|whats)\b/i;

/** The text's contraction habit: apostrophe contractions first, then ones written without it. */
export function contractionStyle(text: string): Style {
  const m = APOSTROPHE_CONTRACTION_RE.exec(text);
  if (m) return { contract: true, apostrophe: m[0].includes('’') ? '’' : "'" };
  if (BARE_CONTRACTION_RE.test(text)) return { contract: true, apostrophe: 'none' };
  return { contract: false, apostrophe: text.includes('’') && !text.includes("'") ? '’' : "'" };
}

function ntForm(aux: string, style: Style): string | undefined {
  const nt = NT_FORM.get(aux);
  if (nt === undefined) return undefined;
  return style.apostrophe === 'none' ? nt.replace('’', '') : nt.replace('’', style.apostrophe);
}

/** "do not" / "don't" / "dont"; "can" → "cannot" in full. */
function negatedAux(aux: string, style: Style, inverted = false): string {
  if (style.contract || inverted) {
    const nt = ntForm(aux, style);
    if (nt !== undefined) return nt;
  }
  return aux === 'can' ? 'cannot' : `${aux} not`;
}

/** Case of the replaced word carried to its replacement (sentence starts, ALL CAPS texts). */
function caseLike(template: string, replacement: string): string {
  if (template.length > 1 && template === template.toUpperCase() && /\p{Lu}/u.test(template))
    return replacement.toUpperCase();
  if (/^\p{Lu}/u.test(template) && template !== 'I') return upperFirst(replacement);
  return replacement;
}

function knownVerb(word: string): boolean {
  return getTagger()
    .categories(word)
    .some((t) => t === 'VB' || t === 'VBP');
}

/** The base form of a past-tense verb ("arrived" → "arrive", "got" → "get"), or undefined. */
export function pastBase(word: string): string | undefined {
  const irregular = EXCEPTIONS.v.get(word)?.find((b) => pastTense(b) === word);
  if (irregular) return irregular;
  if (!word.endsWith('ed')) return undefined;
  const stem = word.slice(0, -2);
  const candidates = [`${stem}e`, stem, stem.slice(0, -1), `${stem.slice(0, -1)}y`].filter(
    (c) => c.length > 1 && pastTense(c) === word,
  );
  const known = candidates.find(knownVerb);
  if (known) return known;
  // unknown to the lexicon ("recognised"): the silent e after these endings, else the bare stem
  if (/(?:is|iz|at|iv|uc|ic|ag|ud|ur|ut)$/.test(stem) && candidates.includes(`${stem}e`)) return `${stem}e`;
  return candidates.find((c) => c === stem) ?? candidates[0];
}

/** The base form of a third-person verb ("needs" → "need", "tries" → "try"), or undefined. */
export function thirdPersonBase(word: string): string | undefined {
  const irregular = EXCEPTIONS.v.get(word)?.find((b) => thirdPerson(b) === word);
  if (irregular) return irregular;
  if (!word.endsWith('s')) return undefined;
  const candidates = [word.slice(0, -1), word.slice(0, -2), `${word.slice(0, -3)}y`].filter(
    (c) => c.length > 1 && thirdPerson(c) === word,
  );
  return candidates.find(knownVerb) ?? candidates[0];
}

/** What the scan found: the clause's verb group, and the words of the clause after it. */
interface Site {
  /** index of the word the group starts at */
  at: number;
  /** index just past the clause */
  clauseEnd: number;
}

export class Negator {
  private readonly words: Word[];
  private readonly style: Style;

  constructor(private readonly text: string) {
    this.words = tagText(text).map((tok) => ({ tok, lower: tok.text.toLowerCase().replace(/’/g, "'") }));
    this.style = contractionStyle(text);
  }

  /**
   * The edits that negate (or un-negate) the first main clause; [] when there is none to change, or
   * when they would touch a span `editable` refuses (a number, an amount, a URL).
   */
  edits(editable: (start: number, end: number) => boolean = () => true): EditProposal[] {
    for (let at = this.nextVerbGroup(0); at >= 0; at = this.nextVerbGroup(at + 1)) {
      const clauseEnd = this.clauseEnd(at);
      if (this.holdsOtherNegation(at, clauseEnd)) return [];
      const edits = this.negate({ at, clauseEnd });
      if (edits === undefined) continue;
      return edits.every((e) => editable(e.start, e.end)) ? edits : [];
    }
    return [];
  }

  private w(i: number): Word | undefined {
    return this.words[i];
  }

  private isBoundary(i: number): boolean {
    const w = this.w(i);
    return w === undefined || CLAUSE_END.has(w.tok.text) || w.tok.text === ',' || COORDINATORS.has(w.lower);
  }

  private clauseStart(i: number): number {
    let j = i;
    while (j > 0 && !this.isBoundary(j - 1)) j--;
    return j;
  }

  private clauseEnd(i: number): number {
    let j = i + 1;
    while (j < this.words.length && !this.isBoundary(j)) j++;
    return j;
  }

  /** The clause holds a negation other than the ones this module removes ("no", "nobody"). */
  private holdsOtherNegation(at: number, end: number): boolean {
    for (let j = this.clauseStart(at); j < end; j++)
      if (OTHER_NEGATIONS.has(this.words[j]!.lower)) return true;
    return false;
  }

  /** Index of the first verb group at or after `from` outside subordinate clauses, or -1. */
  private nextVerbGroup(from: number): number {
    let subordinate = false;
    for (let i = 0; i < this.words.length; i++) {
      const w = this.words[i]!;
      const t = w.tok.text;
      if (CLAUSE_END.has(t)) {
        subordinate = false;
        continue;
      }
      if (t === ',' || COORDINATORS.has(w.lower)) {
        subordinate = false;
        continue;
      }
      const start = this.clauseStart(i) === i;
      if (SUBORDINATORS.has(w.lower) && w.tok.tag !== 'RB') {
        subordinate = true;
        continue;
      }
      if (WH.has(w.lower)) {
        // "Why was I charged?" asks; "I understand why I was charged" and "When I pay, …" subordinate
        if (!(start && this.isVerbish(i + 1))) subordinate = true;
        continue;
      }
      if ((w.lower === 'that' || w.lower === 'which' || w.lower === 'who') && w.tok.tag !== 'DT' && i > 0) {
        subordinate = true;
        continue;
      }
      // "the card I ordered …", "the £25 I spent …": a pronoun right after a noun phrase with its
      // determiner opens a reduced relative clause, whose verb group is not the main one
      if (SUBJECT_PRONOUNS.has(w.lower) && w.tok.tag === 'PRP' && this.followsDeterminedNoun(i)) {
        const v = this.skipAdverbs(i + 1);
        if (v < this.words.length && /^(?:VB|MD)/.test(this.words[v]!.tok.tag)) i = this.groupEnd(v) - 1;
        continue;
      }
      if (!this.isVerbish(i)) continue;
      if (subordinate) {
        i = this.groupEnd(i) - 1;
        continue;
      }
      if (i >= from) return i;
      i = this.groupEnd(i) - 1;
    }
    return -1;
  }

  /** Does word i follow a noun phrase that opens with a determiner ("the card", "the £25", "my new card")? */
  private followsDeterminedNoun(i: number): boolean {
    let k = i - 1;
    if (k < 1 || !/^(?:NN|CD)/.test(this.words[k]!.tok.tag)) return false;
    while (k > 0 && /^(?:NN|CD|JJ|\$)/.test(this.words[k]!.tok.tag)) k--;
    return /^(?:DT|PRP\$)$/.test(this.words[k]!.tok.tag);
  }

  /** Past the auxiliaries, negations, adverbs and verbs of the group starting at i. */
  private groupEnd(i: number): number {
    let j = i + 1;
    while (j < this.words.length) {
      const w = this.words[j]!;
      if (ADVERB_TAGS.has(w.tok.tag) || /^(?:VB|MD)/.test(w.tok.tag) || w.lower === 't') j++;
      else break;
    }
    return j;
  }

  /** Could word i start a verb group: an auxiliary, a negation, a clitic, a finite or imperative verb. */
  private isVerbish(i: number): boolean {
    const w = this.w(i);
    if (w === undefined) return false;
    const l = w.lower;
    if (MODALS.has(l) || BE.has(l) || HAVE.has(l) || DO.has(l)) return !this.isNominal(i);
    if (this.negatedAux(i) !== undefined || l === 'never' || l === 'not') return true;
    if (this.clitic(i) !== undefined) return true;
    return this.finiteTag(i) !== undefined;
  }

  /** The clitic of a subject + clitic token ("it's" → s, "I'm" → m, "im" → m), or undefined. */
  private clitic(i: number): string | undefined {
    const w = this.words[i]!;
    const bare = BARE_BE.get(w.lower);
    if (bare !== undefined) return bare;
    const m = CLITIC_RE.exec(w.tok.text);
    if (!m) return undefined;
    const clitic = m[2]!.toLowerCase();
    if (clitic === 's' && !S_CLITIC_SUBJECTS.has(m[1]!.toLowerCase())) return undefined;
    return clitic;
  }

  /** "the have", "my do": a closed-class form used as a noun (rare); never a verb group. */
  private isNominal(i: number): boolean {
    const prev = this.w(i - 1);
    return prev !== undefined && /^(?:DT|PRP\$)$/.test(prev.tok.tag);
  }

  /** n't forms ("didn't", "didnt", "cannot", "don t"): the positive auxiliary and the token count. */
  private negatedAux(i: number): { aux: string; tokens: number } | undefined {
    const w = this.w(i)!;
    const plain = w.lower.replace("'", '');
    const next = this.w(i + 1);
    const spaced = POSITIVE_OF.get(`${plain}t`);
    if (next?.lower === 't' && next.tok.contraction && spaced !== undefined) {
      return { aux: spaced, tokens: 2 };
    }
    if (plain.endsWith('nt') || plain === 'cannot') {
      const aux = POSITIVE_OF.get(plain);
      if (aux !== undefined) return { aux, tokens: 1 };
    }
    return undefined;
  }

  /** The finite-verb tag of word i (VBP, VBZ, VBD or an imperative VB), or undefined. */
  private finiteTag(i: number): 'VBP' | 'VBZ' | 'VBD' | 'VB' | undefined {
    const w = this.words[i]!;
    const tag = w.tok.tag;
    const prev = this.w(i - 1);
    if (prev?.tok.tag === 'TO' || prev?.lower === 'to') return undefined;
    const start = this.clauseStart(i);
    if (tag === 'VBZ' && i === start) return undefined; // "Turns out …": no subject to agree with
    // "keep getting rejected", "have tried": a form after another verb is no finite verb
    const before = this.skipAdverbsBack(i - 1);
    if (before >= start && /^(?:VB|MD)/.test(this.words[before]!.tok.tag)) return undefined;
    if (tag === 'VBP' || tag === 'VBZ' || tag === 'VBD') return tag;
    let j = start;
    while (j < i && (REQUEST_OPENERS.has(this.words[j]!.lower) || this.words[j]!.tok.tag === 'UH')) j++;
    // an imperative takes an object or a particle next ("Help me", "Cancel the transfer"); "Tap
    // payments keep failing" starts with a noun the tagger read as a verb
    if (j === i && tag === 'VB' && IMPERATIVE_NEXT.test(this.w(i + 1)?.tok.tag ?? '.')) {
      // "Got a 'declined' notice": a past form with its subject left out, not an imperative
      const past = pastBase(w.lower);
      return past !== undefined && past !== w.lower ? 'VBD' : 'VB';
    }
    // the tagger misreads some verbs right after their subject ("the new card works" NNS, "my husband
    // paid" VBN, "I recognise" unknown): the subject decides, among the tags the lexicon allows
    if (!/^(?:NNS?|VBN|VB|JJ)$/.test(tag)) return undefined;
    const subject = this.subjectBefore(i);
    if (subject === undefined) return undefined;
    const lower = w.tok.text.toLowerCase();
    const cats = getTagger().categories(lower);
    if (cats.length === 0) {
      // a word the lexicon lacks, after a pronoun: "I recognise", "she recognises"
      if (!subject.pronoun || !/^\p{Ll}+$/u.test(w.tok.text)) return undefined;
      if (subject.third) return lower.endsWith('s') ? 'VBZ' : undefined;
      return lower.endsWith('ed') ? 'VBD' : 'VBP';
    }
    if (subject.third && cats.includes('VBZ')) return 'VBZ';
    if (!subject.third && cats.includes('VBP')) return 'VBP';
    if (cats.includes('VBD')) return 'VBD';
    return undefined;
  }

  /**
   * The subject that ends right before word i and opens its clause: a pronoun ("it", "I") or a noun
   * phrase with its determiner ("the new card", "my husband"); undefined when there is none.
   */
  private subjectBefore(i: number): { third: boolean; pronoun: boolean } | undefined {
    const start = this.clauseStart(i);
    let j = i - 1;
    while (j >= start && ADVERB_TAGS.has(this.words[j]!.tok.tag) && !this.isNegation(j)) j--;
    if (j < start) return undefined;
    const head = this.words[j]!;
    if (SUBJECT_PRONOUNS.has(head.lower) && head.tok.tag === 'PRP') {
      return j === start ? { third: THIRD_PERSON_SUBJECTS.has(head.lower), pronoun: true } : undefined;
    }
    if (INDEFINITE_SUBJECTS.has(head.lower)) return j === start ? { third: true, pronoun: true } : undefined;
    if (!/^NNP?S?$/.test(head.tok.tag)) return undefined;
    let k = j - 1;
    while (k >= start && /^(?:NN|JJ|CD|POS)/.test(this.words[k]!.tok.tag)) k--;
    if (k !== start || !/^(?:DT|PRP\$)$/.test(this.words[k]!.tok.tag)) return undefined;
    return { third: !/S$/.test(head.tok.tag), pronoun: false };
  }

  /** Index of the last word at or before j that is not an adverb (RB), or -1. */
  private skipAdverbsBack(j: number): number {
    let k = j;
    while (k >= 0 && ADVERB_TAGS.has(this.words[k]!.tok.tag) && !this.isNegation(k)) k--;
    return k;
  }

  /** Index of the first word after j that is not an adverb (RB): where the verb of a group sits. */
  private skipAdverbs(j: number): number {
    let k = j;
    while (k < this.words.length && ADVERB_TAGS.has(this.words[k]!.tok.tag) && !this.isNegation(k)) k++;
    return k;
  }

  private isNegation(k: number): boolean {
    const l = this.w(k)?.lower;
    return l === 'not' || l === 'never';
  }

  /** The edits for the group at `site`; undefined when the group cannot be handled (try the next). */
  private negate(site: Site): EditProposal[] | undefined {
    const { at } = site;
    const w = this.words[at]!;
    const l = w.lower;
    const neg = this.negatedAux(at);
    if (neg !== undefined) return this.removeNegatedAux(site, neg);
    if (l === 'never' || l === 'not') return this.removeWord(site, at);
    const clitic = this.clitic(at);
    if (clitic !== undefined) return this.negateClitic(site, clitic);
    if (MODALS.has(l) || BE.has(l) || HAVE.has(l) || DO.has(l)) return this.negateAux(site);
    return this.negateVerb(site, this.finiteTag(at)!);
  }

  /**
   * The "not"/"never" of the group at i, if any, for removal: right after the auxiliary ("is not
   * working"), or after the subject of an inverted question ("why is my balance not showing").
   */
  private negationAfter(i: number): number | undefined {
    let k = this.skipAdverbs(i + 1);
    if (this.isNegation(k)) return k;
    if (!this.invertedAt(i, i + 1)) return undefined;
    while (k < this.words.length && /^(?:DT|PRP|NN|JJ|CD|POS)/.test(this.words[k]!.tok.tag)) k++;
    k = this.skipAdverbs(k);
    return this.isNegation(k) ? k : undefined;
  }

  /** Removes word k with the space before it ("is not working" → "is working"). */
  private removeWord(site: Site, k: number): EditProposal[] {
    const tok = this.words[k]!.tok;
    const edits: EditProposal[] = [];
    if (k > 0 && this.words[k - 1]!.tok.end < tok.start) {
      edits.push({ start: this.words[k - 1]!.tok.end, end: tok.end, replacement: '' });
    } else {
      // at the start of the text or a sentence: "Never mind" → "Mind" keeps the capital
      const next = this.w(k + 1);
      edits.push({ start: tok.start, end: next ? next.tok.start : tok.end, replacement: '' });
      if (next && /^\p{Lu}/u.test(tok.text)) {
        edits.push({ start: next.tok.start, end: next.tok.end, replacement: upperFirst(next.tok.text) });
      }
    }
    return [...edits, ...this.positivePolarity(k + 1, site.clauseEnd)];
  }

  private removeNegatedAux(site: Site, neg: { aux: string; tokens: number }): EditProposal[] | undefined {
    const { at } = site;
    const first = this.words[at]!.tok;
    const last = this.words[at + neg.tokens - 1]!.tok;
    const afterAux = at + neg.tokens;
    if (DO.has(neg.aux) && !this.invertedAt(at, afterAux)) {
      const removal = this.removeDoSupport(site, neg.aux, afterAux);
      if (removal) return removal;
    }
    return [
      { start: first.start, end: last.end, replacement: caseLike(first.text, neg.aux) },
      ...this.positivePolarity(afterAux, site.clauseEnd),
    ];
  }

  /**
   * Drops do-support and its negation, words [site.at, next), and gives the verb after them the
   * auxiliary's tense: "didn't arrive" → "arrived", "does not need" → "needs", "Don't cancel" → "Cancel".
   * Undefined when no bare verb follows.
   */
  private removeDoSupport(site: Site, aux: string, next: number): EditProposal[] | undefined {
    const v = this.skipAdverbs(next);
    const verb = this.w(v);
    if (verb === undefined || !this.isBaseVerb(v)) return undefined;
    const first = this.words[site.at]!.tok;
    const base = verb.lower;
    const form = aux === 'did' ? pastTense(base) : aux === 'does' ? thirdPerson(base) : base;
    const sentenceStart = /^\p{Lu}/u.test(first.text) && first.text !== first.text.toUpperCase();
    return [
      { start: first.start, end: this.words[next]!.tok.start, replacement: '' },
      {
        start: verb.tok.start,
        end: verb.tok.end,
        replacement: caseLike(sentenceStart && v === next ? first.text : verb.tok.text, form),
      },
      ...this.positivePolarity(v + 1, site.clauseEnd),
    ];
  }

  /** Word i is a past participle after "have": "received", "been", "come" (which the tagger reads as VB). */
  private isParticiple(i: number): boolean {
    const w = this.w(i);
    if (w === undefined) return false;
    if (/^VB[ND]$/.test(w.tok.tag) || w.lower === 'been') return true;
    return /^VB/.test(w.tok.tag) && getTagger().categories(w.lower).includes('VBN');
  }

  /** Word i is a bare verb (after do-support): tagged VB/VBP, or a base form the lexicon knows. */
  private isBaseVerb(i: number): boolean {
    const w = this.w(i);
    if (w === undefined) return false;
    if (w.tok.tag === 'VB' || w.tok.tag === 'VBP' || knownVerb(w.lower)) return true;
    // a verb the lexicon lacks ("recognise"): any lower-case word the tagger knows nothing of
    return getTagger().categories(w.lower).length === 0 && /^\p{Ll}+$/u.test(w.tok.text);
  }

  /**
   * Is the auxiliary at `aux` inverted with the subject starting at `next` ("Can you …", "Why didn't my
   * card …")? Only an auxiliary that opens its clause, or follows a question word, is.
   */
  private invertedAt(aux: number, next: number): boolean {
    const opens = aux === this.clauseStart(aux) || WH.has(this.w(aux - 1)?.lower ?? '');
    return opens && this.startsSubject(next);
  }

  /** Does a subject start at i (an inverted question: "did my card arrive", "can you", "are top ups free")? */
  private startsSubject(i: number): boolean {
    const w = this.w(i);
    if (w === undefined) return false;
    if (SUBJECT_PRONOUNS.has(w.lower) && w.tok.tag === 'PRP') return true;
    if (w.lower === 'there' || /^NN/.test(w.tok.tag)) return true;
    return /^(?:DT|PRP\$)$/.test(w.tok.tag) && /^(?:NN|JJ|CD)/.test(this.w(i + 1)?.tok.tag ?? '');
  }

  private negateClitic(site: Site, clitic: string): EditProposal[] | undefined {
    const { at } = site;
    const w = this.words[at]!;
    const after = this.negationAfter(at);
    if (after !== undefined) return this.removeWord(site, after);
    const subject = w.tok.text.replace(/['’]\p{L}+$/u, '');
    const style = this.style;
    const nextIdx = this.skipAdverbs(at + 1);
    const participle = this.isParticiple(nextIdx);
    const replace = (aux: string): EditProposal[] => [
      {
        start: w.tok.start,
        end: w.tok.end,
        replacement: `${subject} ${negatedAux(aux, { ...style, contract: true })}`,
      },
    ];
    switch (clitic) {
      case 've':
        return participle ? replace('have') : undefined;
      case 'll':
        return replace('will');
      case 'd':
        return replace(/^VB[ND]$/.test(this.w(nextIdx)?.tok.tag ?? '') ? 'had' : 'would');
      default:
        // 's, 'm, 're (and "im", "youre"): "it's not", "I'm not", "they're not"
        return [{ start: w.tok.end, end: w.tok.end, replacement: ' not' }];
    }
  }

  private negateAux(site: Site): EditProposal[] | undefined {
    const { at } = site;
    const w = this.words[at]!;
    const l = w.lower;
    const inverted = this.invertedAt(at, at + 1);
    const after = this.negationAfter(at);
    if (after !== undefined) {
      // "did not arrive" → "arrived"; "is not working" → "is working"
      const removal =
        DO.has(l) && !inverted && after === at + 1 ? this.removeDoSupport(site, l, after + 1) : undefined;
      return removal ?? this.removeWord(site, after);
    }
    const nextIdx = this.skipAdverbs(at + 1);
    const next = this.w(nextIdx);
    if (HAVE.has(l) && !inverted) {
      // "I have received" is an auxiliary; "I have a question" is the verb itself: do-support
      if (!this.isParticiple(nextIdx))
        return this.negateVerb(site, l === 'had' ? 'VBD' : l === 'has' ? 'VBZ' : 'VBP');
    }
    if (DO.has(l) && !inverted && !(next && this.isBaseVerb(nextIdx))) {
      return this.negateVerb(site, l === 'did' ? 'VBD' : l === 'does' ? 'VBZ' : 'VBP');
    }
    if (inverted && (l === 'am' || !NT_FORM.has(l))) return undefined;
    return [
      {
        start: w.tok.start,
        end: w.tok.end,
        replacement: caseLike(w.tok.text, negatedAux(l, this.style, inverted)),
      },
    ];
  }

  /** Do-support before a lexical verb: "arrived" → "did not arrive", "Help" → "Do not help". */
  private negateVerb(site: Site, tag: 'VBP' | 'VBZ' | 'VBD' | 'VB'): EditProposal[] | undefined {
    const w = this.words[site.at]!;
    const lower = w.tok.text.toLowerCase();
    const base = tag === 'VBD' ? pastBase(lower) : tag === 'VBZ' ? thirdPersonBase(lower) : lower;
    if (base === undefined) return undefined;
    const aux = tag === 'VBD' ? 'did' : tag === 'VBZ' ? 'does' : 'do';
    return [
      {
        start: w.tok.start,
        end: w.tok.end,
        replacement: caseLike(w.tok.text, `${negatedAux(aux, this.style)} ${base}`),
      },
    ];
  }

  /** "any" → "some", "yet" → "already", "at all" / "anymore" dropped, in words [from, end). */
  private positivePolarity(from: number, end: number): EditProposal[] {
    const edits: EditProposal[] = [];
    for (let k = from; k < end; k++) {
      const w = this.words[k]!;
      const drop = NPI_DROP.find((p) => p.every((x, n) => this.w(k + n)?.lower === x));
      if (drop) {
        const lastTok = this.words[k + drop.length - 1]!.tok;
        const start = k > 0 ? this.words[k - 1]!.tok.end : w.tok.start;
        edits.push({ start, end: lastTok.end, replacement: '' });
        k += drop.length - 1;
        continue;
      }
      const swap = NPI_SWAP.get(w.lower);
      if (swap !== undefined)
        edits.push({ start: w.tok.start, end: w.tok.end, replacement: caseLike(w.tok.text, swap) });
    }
    return edits;
  }
}

/**
 * The edits negating (or un-negating) the main verb of the text's first main clause; [] for none, or
 * when they would touch a span `editable` refuses.
 */
export function negationEdits(
  text: string,
  editable?: (start: number, end: number) => boolean,
): EditProposal[] {
  return new Negator(text).edits(editable);
}
