/**
 * paraphrase.reframe — turn a direct question into an indirect one that asks the same thing:
 * "Why was my card declined?" → "Do you know why my card was declined?" → "Can you tell me why my
 * card was declined?" → "I would like to know why my card was declined."; "How do I reset my PIN?"
 * → "… how to reset my PIN"; "Is there a fee?" → "… if there is a fee"; "What happened to my
 * money?" → "… what happened to my money".
 *
 * The question type is kept: the wh-word (or "if" for a yes/no question) heads the embedded
 * clause, so a "how" question stays a how-question and a "why" question a why-question. The
 * embedded clause undoes the inversion: the auxiliary moves after the subject ("is my card" → "my
 * card is"), do-support is dropped and the verb takes its tense and person ("did my card get" → "my
 * card got", "does it take" → "it takes"). Only single-clause questions whose subject is a pronoun
 * or a short noun phrase are rewritten, and never "can you …" requests (paraphrase.politeness
 * swaps those). Severity is how far the frame moves from the plain question: 1 a short "Do you
 * know / Any idea …?", 2 "Can / Could you tell me …?", 3 a statement or longer request ("I would
 * like to know ….", "I was wondering if you could tell me …?") — each rung adds words.
 */

import { pastTense, thirdPerson } from '../../src/perturb/inflect.ts';
import {
  admissible,
  budget,
  type Candidate,
  choose,
  GREETING_RE,
  lexiconTags,
  writesLowercase,
} from '../../src/perturb/paraphrase.ts';
import { type TaggedToken, tagText } from '../../src/perturb/pos.ts';
import { isAllCaps, lowerFirst, sentenceSpans } from '../../src/perturb/text/index.ts';
import type { EditProposal, PerturbationContext, PerturbationDefinition, Severity } from '../../src/types.ts';

/** Frames per rung, each a prefix and the end punctuation it takes; rung k+1 always has more words. */
const FRAMES: readonly (readonly [string, string])[][] = [
  [
    ['Do you know', '?'],
    ['Any idea', '?'],
  ],
  [
    ['Can you tell me', '?'],
    ['Could you tell me', '?'],
  ],
  [
    ['I would like to know', '.'],
    ['Could you please tell me', '?'],
    ['I was wondering if you could tell me', '?'],
  ],
];

const WH = new Set(['how', 'why', 'where', 'when', 'what', 'which', 'who']);
/** "how long / much / soon / often" before the auxiliary; "how many cards" (a noun after) is left alone. */
const HOW_DEGREE = new Set(['long', 'much', 'soon', 'often', 'late', 'early']);
const BE = new Set(['is', 'are', 'was', 'were', 'am', "isn't", "aren't", "wasn't", "weren't"]);
const DO = new Set(['do', 'does', 'did', "don't", "doesn't", "didn't"]);
const OTHER_AUX = new Set([
  'can',
  'could',
  'will',
  'would',
  'should',
  'may',
  'might',
  'must',
  'has',
  'have',
  'had',
  "can't",
  "couldn't",
  "won't",
  "wouldn't",
  "shouldn't",
  "hasn't",
  "haven't",
]);
const PRONOUN_SUBJECTS = new Set([
  'i',
  'you',
  'we',
  'they',
  'he',
  'she',
  'it',
  'there',
  'this',
  'that',
  'someone',
]);
const DETERMINERS = new Set([
  'my',
  'the',
  'your',
  'a',
  'an',
  'this',
  'that',
  'these',
  'those',
  'our',
  'his',
  'her',
  'their',
  'its',
  'any',
  'some',
]);
/** Verbs after "how do I" that read badly as "how to …" ("how to need"). */
const NOT_INFINITIVE = new Set(['need', 'have', 'want', 'know', 'get', 'see', 'like']);
const NEGATED = /n['’]t$/;

interface Question {
  /** offset of the question proper (after any greeting) */
  start: number;
  /** offset where the rewritten opening ends (the rest of the sentence follows unchanged) */
  end: number;
  /** the embedded clause's opening: "why my card was", "how to", "if there is" */
  embedded: string;
  /** the opening moves a negation ("why can't I" → "why I can't") */
  negation: boolean;
  /** the subject is "you": "Do you know if you …" is odd, so rung 1 uses "Any idea" */
  youSubject: boolean;
}

/** The subject starting at token k: a pronoun, or a determiner + up to four nouns/adjectives. Returns its end index. */
function subjectEnd(toks: readonly TaggedToken[], k: number): number {
  const t = toks[k];
  if (!t?.word) return -1;
  if (PRONOUN_SUBJECTS.has(t.lower)) return k + 1;
  // a determiner phrase, or a bare plural or name ("bananas", "solar panels", "DNA")
  const bare =
    /^(?:NNS|NNP|NNPS)$/.test(t.tag) ||
    (/^(?:NN|JJ)$/.test(t.tag) && /^NNS|^NNP/.test(toks[k + 1]?.tag ?? ''));
  if (!DETERMINERS.has(t.lower) && !bare) return -1;
  let j = bare ? k : k + 1;
  let noun = false;
  while (
    j < toks.length &&
    j < k + 5 &&
    toks[j]!.word &&
    /^(?:NN|NNS|NNP|NNPS|JJ|JJS|CD|VBG)$/.test(toks[j]!.tag)
  ) {
    if (toks[j]!.tag.startsWith('NN')) noun = true;
    j++;
  }
  // the noun phrase must end on its noun: "my card blocked" stops before the participle
  while (j > k + 1 && !toks[j - 1]!.tag.startsWith('NN')) j--;
  return noun ? j : -1;
}

/** A bare verb after do-support; the tagger sometimes calls "go" or "work" a noun there, the lexicon knows better. */
const isBaseVerb = (t: TaggedToken | undefined) =>
  t?.word === true && (t.tag === 'VB' || t.tag === 'VBP' || lexiconTags(t.lower).includes('VB'));

/** Parse one sentence's opening as a direct question; null when it is not one this rule can embed. */
function parseQuestion(text: string, toks: readonly TaggedToken[], sentenceStart: number): Question | null {
  const head = toks[0];
  if (!head?.word || head.start !== sentenceStart) return null;
  const unchanged = (endTok: number): Question => ({
    start: head.start,
    end: toks[endTok]!.end,
    embedded: lowerFirst(text.slice(head.start, toks[endTok]!.end)),
    negation: false,
    youSubject: false,
  });
  let k = 0;
  let wh = '';
  // "what's the …" / "where's my …": the wh-word carries its copula
  const clitic = /^(what|who|where|how|when|why)['’]s$/.exec(head.lower);
  if (clitic) wh = clitic[1]!;
  else if (WH.has(head.lower)) {
    wh = head.lower;
    k = 1;
    // "how long / tall / far …" and "what colour / which city / how many hours of sleep …"
    if (wh === 'how' && (HOW_DEGREE.has(toks[1]?.lower ?? '') || /^(?:JJ|RB)$/.test(toks[1]?.tag ?? '')))
      k = 2;
    if (wh === 'how' && /^(?:many|much)$/.test(toks[1]?.lower ?? '') && /^NN/.test(toks[2]?.tag ?? '')) k = 2;
    if (wh === 'what' || wh === 'which' || (wh === 'how' && k === 2)) {
      while (
        k < toks.length &&
        k < 6 &&
        toks[k]!.word &&
        (/^NN/.test(toks[k]!.tag) || toks[k]!.lower === 'of')
      )
        k++;
    }
    // "how to remove a screw": already an indirect form, embedded as it is
    if (toks[k]?.lower === 'to' && k >= 1) return unchanged(k);
  }
  const whNoun = k > 1 && (wh === 'what' || wh === 'which' || /^(?:many|much)$/.test(toks[1]?.lower ?? ''));
  const aux = clitic ? { lower: 'is', text: 'is', tag: 'VBZ', word: true } : toks[k];
  if (!aux?.word) return null;
  const a = aux.lower;
  const isAux = BE.has(a) || DO.has(a) || OTHER_AUX.has(a);

  if (!isAux) {
    // "What happened to my money?", "Which city hosted …": the wh-phrase is the subject, no inversion to undo
    if ((wh === 'what' || wh === 'who' || wh === 'which') && k >= 1 && /^VB[DZN]$/.test(aux.tag))
      return unchanged(k - 1);
    return null;
  }
  if (wh === '' && aux !== head) return null;
  const s0 = clitic ? 1 : k + 1;
  // "What is taking so long?" / "Who can help me?" / "How many teaspoons are in a cup?": subject questions
  if (
    (wh === 'what' || wh === 'who' || whNoun) &&
    !clitic &&
    /^(?:VBG|VBN|VB|IN|RB)$/.test(toks[s0]?.tag ?? '')
  )
    return unchanged(k - 1);
  if (BE.has(a) && (wh === 'what' || wh === 'which' || wh === 'who') && !whNoun) {
    // "What is the capital of Australia?" → "what the capital of Australia is": the copula goes last,
    // only when nothing after it is a verb other than an infinitive (else the clause boundary is unclear)
    const rest = toks.slice(s0).filter((t) => t.word);
    const first = rest[0];
    if (!first || !(DETERMINERS.has(first.lower) || /^(?:NN|NNS|NNP|NNPS)$/.test(first.tag))) return null;
    if (
      rest.some(
        (t, i) => /^(?:VB|VBD|VBG|VBN|VBP|VBZ|MD|WRB|WDT|WP)$/.test(t.tag) && rest[i - 1]?.lower !== 'to',
      )
    )
      return null;
    if (rest.some((t) => /^(?:that|which|who|and|or)$/.test(t.lower))) return null;
    const last = rest.at(-1)!;
    const whText = clitic ? wh : text.slice(head.start, toks[k - 1]!.end).toLowerCase();
    return {
      start: head.start,
      end: last.end,
      embedded: `${whText} ${text.slice(first.start, last.end)} ${aux.text}`,
      negation: NEGATED.test(a),
      youSubject: false,
    };
  }
  let s1 = subjectEnd(toks, s0);
  if (s1 < 0) return null;
  // "did my transfer go through": the tagger read "go" as part of the noun phrase
  if (DO.has(a) && !isBaseVerb(toks[s1]) && s1 - 1 > s0 && lexiconTags(toks[s1 - 1]!.lower).includes('VB'))
    s1--;
  const subject = text.slice(toks[s0]!.start, toks[s1 - 1]!.end);
  const subjectLower = subject.toLowerCase();
  const youSubject = subjectLower === 'you';
  // "can you …" / "would you …" are requests, not questions to embed
  if (youSubject && !BE.has(a) && !DO.has(a)) return null;
  const whText = wh === '' ? 'if' : clitic ? wh : text.slice(head.start, toks[k - 1]!.end).toLowerCase();
  const negation = NEGATED.test(a);

  if (DO.has(a)) {
    const verb = toks[s1];
    if (!isBaseVerb(verb)) return null;
    // "how do I cancel …" → "how to cancel …"; "what do I do" → "what to do" ("what I do" is a habit)
    if (verb!.lower === 'do' && !(wh === 'what' && k === 1 && /^(?:i|we)$/.test(subjectLower))) return null;
    if (
      (wh === 'how' || wh === 'where' || wh === 'what') &&
      k === 1 &&
      /^(?:i|we)$/.test(subjectLower) &&
      !negation
    ) {
      if (NOT_INFINITIVE.has(verb!.lower) || (wh === 'what' && verb!.lower !== 'do')) return null;
      return { start: head.start, end: toks[s1 - 1]!.end, embedded: `${whText} to`, negation, youSubject };
    }
    if (negation) {
      // "why don't I get …" → "why I don't get …": the negated auxiliary stays, after the subject
      return {
        start: head.start,
        end: toks[s1 - 1]!.end,
        embedded: `${whText} ${subject} ${aux.text}`,
        negation,
        youSubject,
      };
    }
    if (verb!.lower === 'be' || !/^[a-z]+$/.test(verb!.lower)) return null;
    const inflected =
      a === 'did' ? pastTense(verb!.lower) : a === 'does' ? thirdPerson(verb!.lower) : verb!.lower;
    return {
      start: head.start,
      end: verb!.end,
      embedded: `${whText} ${subject} ${inflected}`,
      negation,
      youSubject,
    };
  }
  const after = toks[s1];
  // a relative clause after the subject ("where is the money that I …") leaves the copula stranded
  if (after?.word && /^(?:that|which|who|whom|whose)$/.test(after.lower)) return null;
  // after a modal or "have" a verb must follow, else the subject swallowed it ("will my top-up process")
  if (OTHER_AUX.has(a) && !(after?.word && /^(?:VB|VBN|VBG|VBP|RB)$/.test(after.tag))) return null;
  return {
    start: head.start,
    end: toks[s1 - 1]!.end,
    embedded: `${whText} ${subject} ${aux.text}`,
    negation,
    youSubject,
  };
}

interface Site {
  group: string;
  /** per rung, the alternative frames, each as its edits (the opening, maybe the end punctuation) */
  rungs: EditProposal[][][];
}

function reframeSites(text: string): Site[] {
  if (isAllCaps(text)) return [];
  const lower = writesLowercase(text);
  const tagged = tagText(text);
  const out: Site[] = [];
  for (const span of sentenceSpans(text)) {
    const sentence = text.slice(span.start, span.end);
    const lead = GREETING_RE.exec(sentence)?.[0].length ?? 0;
    const body = sentence.slice(lead);
    // one clause only: "Why was it declined, and what now?" would embed half a question
    if (/[,;:]| or | and (?:how|why|what|where|when|can|is|do)\b/i.test(body)) continue;
    const end = /[.!?]*\s*$/.exec(sentence)!;
    const mark = sentence.slice(end.index).trim();
    if (mark !== '?' && mark !== '') continue;
    const toks = tagged.filter((t) => t.start >= span.start + lead && t.end <= span.start + end.index);
    const q = parseQuestion(text, toks, span.start + lead);
    if (!q) continue;
    const opening = text.slice(q.start, q.end);
    // the rewritten opening keeps the writer's capital; the original's own capital moves to the frame
    const capital = /^[A-Z]/.test(opening);
    let embedded = q.embedded;
    if (capital && /^[A-Z][a-z]/.test(opening) && !/^I\b/.test(opening)) {
      // "Is my card …" → "… if my card is": the wh-word or auxiliary was capitalised only as sentence start
      embedded = embedded.replace(
        /\b(Is|Are|Was|Were|Am|Do|Does|Did|Can|Could|Will|Would|Should|Has|Have|Had|May|Might|Must)\b/,
        (w) => w.toLowerCase(),
      );
    }
    const punctAt = span.start + end.index;
    const punctEnd = punctAt + mark.length;
    const rungs = FRAMES.map((frames) =>
      frames
        // "Do you know if you …" and "wondering if you could tell me if …" read badly
        .filter(([prefix]) => !(q.youSubject && prefix === 'Do you know'))
        .filter(([prefix]) => !(prefix.endsWith('if you could tell me') && embedded.startsWith('if ')))
        .map(([prefix, p]) => {
          let frame = lower ? prefix.toLowerCase().replace(/\bi\b/g, 'i') : prefix;
          if (!capital) frame = frame[0]!.toLowerCase() + frame.slice(1);
          const edits: EditProposal[] = [
            {
              start: q.start,
              end: q.end,
              replacement: `${frame} ${embedded}`,
              ...(q.negation ? { rewritesNegation: true } : {}),
            },
          ];
          // no mark added after a stray symbol ("card>"); a statement frame may simply end unpunctuated
          const open = mark === '' && !/[\p{L}\p{N})]$/u.test(body.slice(0, end.index - lead));
          if (mark !== p && !(mark === '' && (p === '.' || open)))
            edits.push({ start: punctAt, end: punctEnd, replacement: p });
          return edits;
        }),
    );
    out.push({ group: `q${span.start}`, rungs });
  }
  return out;
}

const reframe: PerturbationDefinition = {
  name: 'paraphrase.reframe',
  family: 'paraphrase',
  tag: 'natural',
  meaning: { threshold: 0.5 },
  description:
    'Turn a direct question into an indirect one asking the same thing ("Why was my card declined?" → "Can you tell me ' +
    'why my card was declined?", "How do I …?" → "… how to …", "Is there …?" → "… if there is …"): inversion undone, ' +
    'tense and person kept, the question word kept; single-clause questions only, never "can you …" requests.',
  severities: {
    1: 'one question embedded in a short frame ("Do you know …?", "Any idea …?")',
    2: 'up to two questions embedded in "Can / Could you tell me …?"',
    3: 'every question embedded in a long frame ("I would like to know ….", "I was wondering if you could tell me …?")',
  },
  apply(text: string, ctx: PerturbationContext): EditProposal[] {
    const rung = (ctx.severity as Severity) - 1;
    const candidates: Candidate[] = [];
    for (const site of reframeSites(text)) {
      for (const [main, ...also] of site.rungs[rung]!) {
        candidates.push({ ...main!, group: site.group, ...(also.length ? { also } : {}) });
      }
    }
    return choose(ctx.rng, admissible(text, ctx, candidates), budget(ctx.severity));
  },
};

export default reframe;
