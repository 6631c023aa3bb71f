/**
 * paraphrase.feeling — restate a first-person statement of feeling in another aspect, keeping the
 * feeling word and everything else: "i feel X" ↔ "i'm feeling X" → "i've been feeling X" → "i have
 * been feeling X"; "i am X" / "im X" → "i feel X" → …; past: "i felt X" ↔ "i was feeling X",
 * "i was X" → "i felt X" → "i was feeling X".
 *
 * Only where X is a predicative adjective (or an intensifier before one, or "like …"), so "i feel
 * that …", "i am going", "i was told" and "i am not …" are left alone; no intensifier is added or
 * dropped (that would change the strength of the feeling). Severity picks the rung of the ladder:
 * 1 the nearest restatement, 2 the next, 3 the furthest — each rung rewrites more words — and how
 * many sites are rewritten (1 / up to 2 / all).
 */

import {
  admissible,
  apostropheOf,
  budget,
  type Candidate,
  choose,
  lexiconTags,
} from '../../src/perturb/paraphrase.ts';
import { isAllCaps, tokenize } from '../../src/perturb/text/index.ts';
import type { EditProposal, PerturbationContext, PerturbationDefinition, Severity } from '../../src/types.ts';

/** Degree words that may stand between the verb and the feeling ("i feel so tired"). */
const INTENSIFIERS = new Set([
  'so',
  'really',
  'very',
  'quite',
  'rather',
  'pretty',
  'extremely',
  'incredibly',
  'totally',
  'completely',
  'too',
  'somewhat',
  'super',
  'truly',
  'utterly',
  'a',
  'kind',
  'kinda',
  'sort',
  'little',
  'bit',
  'of',
  'more',
  'less',
  'much',
  'most',
  'terribly',
  'genuinely',
  'slightly',
  'fairly',
  'absolutely',
  'just',
  'even',
  'still',
  'already',
  'all',
]);
/**
 * Adjectives whose copula cannot become "feel" without changing the sense: "i am sorry" apologises,
 * "i feel sorry" pities; "i am sure / able / done / supposed …" state facts, not feelings.
 */
const NOT_FEELINGS = new Set([
  'sorry',
  'sure',
  'certain',
  'able',
  'unable',
  'aware',
  'done',
  'supposed',
  'allowed',
  'used',
  'likely',
  'unlikely',
  'due',
  'right',
  'wrong',
  'afraid',
  'about',
  'ready',
  'born',
  'single',
  'married',
  'pregnant',
  'late',
  'early',
  'new',
  'old',
  'back',
  'home',
  'here',
  'there',
  'away',
  'out',
  'off',
  'in',
  'on',
  'up',
  'down',
  'over',
  'alone',
  'free',
  'busy',
  'available',
  'sick',
  'ill',
  'well',
  'fine',
  'overseas',
  'abroad',
  'local',
  'present',
  'absent',
  'eligible',
  'responsible',
  'unsure',
  'unaware',
]);
/**
 * Participles of psychological verbs: after "am"/"was" they name a state of mind ("i was worried"),
 * while other participles make a passive ("i was charged", "i am blocked") that "feel" would garble.
 */
const FEELING_PARTICIPLES = new Set(
  (
    'worried confused concerned disappointed tired bored excited annoyed frustrated scared stressed depressed ' +
    'embarrassed amazed surprised shocked upset irritated pissed thrilled delighted pleased satisfied ' +
    'dissatisfied unsatisfied overwhelmed exhausted drained discouraged disgusted horrified terrified frightened ' +
    'alarmed puzzled baffled bewildered perplexed troubled distressed devastated heartbroken insulted offended ' +
    'humiliated ashamed relieved amused fascinated interested inspired motivated encouraged touched moved ' +
    'honored honoured blessed loved hated rejected neglected ignored isolated trapped stuck lost defeated ' +
    'hurt agitated aggravated infuriated enraged outraged startled stunned disheartened dismayed ' +
    'uninterested unmotivated appreciated accepted valued respected unappreciated unloved unwanted ' +
    'burned burnt jaded fed weirded creeped freaked stressed-out worn overworked underappreciated'
  ).split(' '),
);
const ADJECTIVE_SUFFIX = /(?:y|ed|ful|less|ive|ous|able|ible|ish|ic|al|ent|ant)$/;

/**
 * An adjective: the lexicon's first tag, a psychological participle, or (unknown words, chat
 * slang) an adjectival suffix. After "feel" any participle the lexicon also lists as an adjective
 * will do; after a copula only psychological ones (the rest make a passive).
 */
function isAdjective(word: string, copula: boolean): boolean {
  if (FEELING_PARTICIPLES.has(word)) return true;
  const tags = lexiconTags(word);
  if (tags.length === 0) return word.length > 3 && ADJECTIVE_SUFFIX.test(word) && !/ed$/.test(word);
  const first = tags[0]!;
  if (first === 'JJ' || first === 'JJR' || first === 'JJS') return true;
  return !copula && (first === 'VBN' || first === 'VBD') && tags.includes('JJ');
}

/** Degree phrases of more than one word: "a" only in "a bit / a little", "kind" / "sort" only before "of". */
function degreeWord(words: readonly string[], k: number): boolean {
  const w = words[k]!;
  if (w === 'a') return words[k + 1] === 'bit' || words[k + 1] === 'little' || words[k + 1] === 'lot';
  if (w === 'kind' || w === 'sort') return words[k + 1] === 'of';
  return INTENSIFIERS.has(w);
}

/** Does the complement starting at word `i` name a feeling: [intensifiers] adjective, or "like …"? */
function feelingComplement(words: readonly string[], i: number, copula: boolean): boolean {
  let k = i;
  while (k < words.length && k < i + 3 && degreeWord(words, k)) k++;
  const w = words[k];
  if (w === undefined) return false;
  if (w === 'like' && k === i) return !copula;
  if (!isAdjective(w, copula) || NOT_FEELINGS.has(w)) return false;
  // "i am happy to help" offers, it does not report a feeling; "i was double charged" is a passive
  const after = words[k + 1];
  if (copula && after === 'to') return false;
  if (after !== undefined && !FEELING_PARTICIPLES.has(after) && /^VB[ND]$/.test(lexiconTags(after)[0] ?? ''))
    return false;
  return true;
}

type Form = 'feel' | 'am-feeling' | 'have-been' | 'am' | 'felt' | 'was-feeling' | 'had-been' | 'was';

/** The rungs reachable from each form, nearest first; each rewrites more words than the one before. */
const LADDERS: Record<Form, Form[]> = {
  feel: ['am-feeling', 'have-been', 'have-been'],
  'am-feeling': ['feel', 'have-been', 'have-been'],
  'have-been': ['am-feeling', 'feel'],
  am: ['feel', 'have-been', 'have-been'],
  // past: "had been feeling" breaks a narrative sequence ("and then i had been feeling awful"), so
  // a past statement has fewer rungs: it is left unchanged at the levels it lacks
  felt: ['was-feeling'],
  'was-feeling': ['felt'],
  'had-been': ['was-feeling', 'felt'],
  was: ['felt', 'was-feeling'],
};

interface Style {
  /** "i" or "I" as the writer types it */
  i: string;
  /** apostrophe, or '' when the writer drops them ("im feeling") */
  apostrophe: string;
}

/**
 * The words of a form. Rung 3 of "feel" / "am-feeling" / "am" is the uncontracted "I have been
 * feeling": `full` spells it out, so severity 3 always differs from severity 2.
 */
function render(form: Form, style: Style, full: boolean): string {
  const { i, apostrophe: a } = style;
  const contract = (clitic: string, long: string) => (full ? `${i} ${long}` : `${i}${a}${clitic}`);
  switch (form) {
    case 'feel':
      return `${i} feel`;
    case 'am-feeling':
      return `${contract('m', 'am')} feeling`;
    case 'have-been':
      return `${contract('ve', 'have')} been feeling`;
    case 'am':
      return `${contract('m', 'am')}`;
    case 'felt':
      return `${i} felt`;
    case 'was-feeling':
      return `${i} was feeling`;
    case 'had-been':
      // "I'd been" reads as "I would been" to many, and "id" is a word: always spelt out
      return `${i} had been feeling`;
    case 'was':
      return `${i} was`;
  }
}

/** Subject + verb forms, matched at a word boundary; the verb group is what gets rewritten. */
const FORM_RE =
  /(?<![\p{L}\p{N}'’])(i)(?:(?: +am|['’]m| ?m) +feeling|(?: +have|['’]ve| ?ve) +been +feeling|(?: +had|['’]d| d) +been +feeling| +was +feeling| +feel| +felt| +am|['’]m| ?m| +was)(?= +[\p{L}'’])/giu;

function formOf(verbs: string): Form {
  const v = verbs.toLowerCase().replace(/['’]/g, ' ').replace(/\s+/g, ' ').trim();
  if (v.endsWith('been feeling')) return v.startsWith('had') || v.startsWith('d') ? 'had-been' : 'have-been';
  if (v === 'was feeling') return 'was-feeling';
  if (v.endsWith('feeling')) return 'am-feeling';
  if (v === 'feel') return 'feel';
  if (v === 'felt') return 'felt';
  if (v === 'was') return 'was';
  return 'am';
}

/** Words preceding "i" that make it a question or an inverted clause ("do i feel", "am i …"). */
const INVERTERS = /(?:^|[^\p{L}])(?:do|did|does|can|could|would|should|will|why|how|what|am|was|not)\s+$/iu;

function styleOf(text: string, subject: string): Style {
  const hasApostrophe = /\p{L}['’]\p{L}/u.test(text);
  // chat without apostrophes ("im so tired", "i m so tired") keeps dropping them
  const dropsThem =
    !hasApostrophe && (/\bi ?m\b|\b\p{L}+ t\b|\bive\b|\bdont\b|\bcant\b/iu.test(text) || subject === 'i');
  return { i: subject, apostrophe: dropsThem ? '' : apostropheOf(text) };
}

const HABITUAL = /\b(?:when|whenever|every time|everytime|each time|if|always|usually|sometimes|often)\b/i;
const NOW = /\b(?:right now|at the moment|now|today|tonight|this morning)\b/i;

function feelingSites(text: string): (Candidate & { rungs: string[] })[] {
  const out: (Candidate & { rungs: string[] })[] = [];
  const lowerWords = tokenize(text).map((t) => t.lower);
  const wordStarts = tokenize(text).map((t) => t.start);
  const shouting = isAllCaps(text);
  for (const m of text.matchAll(FORM_RE)) {
    const start = m.index;
    if (INVERTERS.test(text.slice(0, start))) continue;
    const end = start + m[0].length;
    const form = formOf(m[0].slice(1));
    const next = wordStarts.findIndex((s) => s >= end);
    if (next < 0) continue;
    const copula = form === 'am' || form === 'was';
    if (!feelingComplement(lowerWords, next, copula)) continue;
    const style = styleOf(text, m[1]!);
    // a habitual "i feel awful when …" or a "right now" does not take the progressive or perfect
    const clause = text.slice(end).split(/[.!?;,]| but | and i /)[0]!;
    if (
      HABITUAL.test(clause) ||
      (NOW.test(clause) && form !== 'felt' && form !== 'was' && form !== 'was-feeling')
    )
      continue;
    const rungs = LADDERS[form].map((f, k) => {
      const words = render(f, style, k === 2 && f === 'have-been');
      return shouting ? words.toUpperCase() : words;
    });
    out.push({ start, end, replacement: rungs[0]!, group: `at${start}`, rungs });
  }
  return out;
}

const feeling: PerturbationDefinition = {
  name: 'paraphrase.feeling',
  family: 'paraphrase',
  tag: 'natural',
  meaning: { threshold: 0.5 },
  description:
    'Restate a first-person feeling in another aspect, keeping the feeling word ("i feel X" ↔ "i\'m feeling X" → ' +
    '"i\'ve been feeling X"; "i am X" → "i feel X"; "i felt X" ↔ "i was feeling X"); ' +
    'only before a predicative adjective, never adding or dropping an intensifier.',
  severities: {
    1: 'one statement restated with its nearest form (feel ↔ am feeling, am → feel, felt ↔ was feeling)',
    2: 'up to two statements restated one step further (feel / am feeling → have been feeling; was → was feeling)',
    3: 'every statement restated with the furthest form (I have been feeling, uncontracted; statements without a third form, such as past ones, stay unchanged)',
  },
  apply(text: string, ctx: PerturbationContext): EditProposal[] {
    const rung = (ctx.severity as Severity) - 1;
    // a statement without this level's rung (a past one has fewer) is not rewritten at this level:
    // reusing a lower rung would make the level a copy of the one below
    const sites = feelingSites(text)
      .filter((s) => s.rungs.length > rung)
      .map((s) => ({ ...s, replacement: s.rungs[rung]! }));
    return choose(ctx.rng, admissible(text, ctx, sites), budget(ctx.severity));
  },
};

export default feeling;
