import { describe, expect, it } from 'vitest';
import { initPerturbations, perturbText } from '../../src/perturb/engine.ts';
import { openSentenceEncoder } from '../../src/perturb/meaning/encoder.ts';
import { getTagger, tagTokens, wordnetPos } from '../../src/perturb/pos.ts';
import { loadRegistry, severitiesOf } from '../../src/perturb/registry.ts';
import { getWordNet } from '../../src/perturb/wordnet/index.ts';
import type { Severity, Variant } from '../../src/types.ts';
import wordnetSynonym, { analyse, analyseInContext, replacementCount, synonymChoices } from './wordnet.ts';

const encoder = await openSentenceEncoder();
await initPerturbations([wordnetSynonym], { sentenceEncoder: encoder });
const wn = getWordNet();
const tagger = getTagger();

async function variant(text: string, severity: Severity, index = 0, seed = 3): Promise<Variant> {
  return perturbText(text, wordnetSynonym, {
    seed,
    severity,
    variant: index,
    options: { sentenceEncoder: encoder },
  });
}

/** Every variant for severities 1–3 and a few variant indexes. */
async function allVariants(text: string): Promise<Variant[]> {
  const out: Variant[] = [];
  for (const severity of [1, 2, 3] as const)
    for (let i = 0; i < 6; i++) out.push(await variant(text, severity, i));
  return out;
}

// A conventional English stopword list, kept separate from the perturbation's own.
const FUNCTION_WORDS = new Set(
  `i me my myself we our ours you your yours he him his she her hers it its they them their what which who whom
  this that these those am is are was were be been being have has had do does did a an the and but if or because
  as until while of at by for with about against between into through during before after above below to from up
  down in out on off over under again then once here there when where why how all any both each few more most other
  some such no nor not only own same so than too very can will just should now get got make made go went take took`.split(
    /\s+/,
  ),
);

const TRICKY = [
  "I don't think it's working and I can't log in, isn't that strange?",
  'i don t know why i m so tired but i didn t sleep',
  'im not sure if ive been charged or not',
  "It's my card's PIN that doesn't work anymore.",
  'They never told me how much it would cost to send 300 dollars to Spain.',
  'We have been waiting for you since Monday and nobody answered our emails.',
  'Why was my payment declined when I paid the bill yesterday?',
  'She quickly answered all my questions about the exchange rate.',
  'Can you help me get my money back from the shop?',
  'You should check https://example.org/help or write to help@example.org before 5pm.',
];

describe('synonym.wordnet', () => {
  it('is a registered, documented, heavy perturbation of the synonym family', async () => {
    const registry = await loadRegistry();
    const def = registry.get('synonym.wordnet');
    expect(def).toBeDefined();
    expect(def!.family).toBe('synonym');
    expect(def!.heavy).toBe(true);
    for (const s of severitiesOf(def!)) expect(def!.severities[s]!.length).toBeGreaterThan(5);
  });

  it('replaces content words with same-POS WordNet synonyms in the same form', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const text = 'I bought a phone and the cashier answered my questions and helped the children';
      for (const e of (await variant(text, 1, i)).edits) seen.add(`${e.before}→${e.after}`);
    }
    expect(seen).toContain('bought→purchased');
    expect(seen).toContain('children→kids');
    for (const pair of seen) {
      const [before, after] = pair.split('→') as [string, string];
      // past tense stays past tense, plural stays plural
      if (before === 'bought') expect(after).toMatch(/ed$|ed |t$/);
      if (before === 'children') expect(after).toMatch(/s$/);
    }
  });

  it('never touches stopwords, pronouns, negations, contractions, numbers or links', async () => {
    for (const text of TRICKY) {
      const contractionStarts = new Set(
        tagTokens(text)
          .filter((t) => t.contraction)
          .map((t) => t.start),
      );
      for (const v of await allVariants(text)) {
        for (const e of v.edits) {
          const word = e.before.toLowerCase();
          expect(FUNCTION_WORDS.has(word), `${word} in ${text}`).toBe(false);
          expect(e.before).toMatch(/^[A-Za-z]{3,}$/);
          expect(contractionStarts.has(e.from[0]), `${word} in ${text}`).toBe(false);
        }
        // contractions, negations and protected text survive verbatim
        for (const kept of [
          "don't",
          "can't",
          "isn't",
          "doesn't",
          'don t',
          'i m',
          'didn t',
          'im not',
          "card's",
          '300',
        ]) {
          if (text.includes(kept)) expect(v.text).toContain(kept);
        }
        if (text.includes('https://')) expect(v.text).toContain('https://example.org/help');
      }
    }
  });

  it('keeps the part of speech: the replacement is a WordNet word of the original tag’s class', async () => {
    const texts = [...TRICKY, 'The new branch opened quickly and the staff were friendly.'];
    let checked = 0;
    for (const text of texts) {
      const tags = new Map(tagger.tagText(text).map((t) => [t.start, t.tag]));
      for (const v of await allVariants(text)) {
        for (const e of v.edits) {
          const pos = wordnetPos(tags.get(e.from[0])!);
          expect(pos).not.toBeNull();
          const words = e.after.toLowerCase().split(' ');
          const head = pos === 'v' ? words[0]! : words.at(-1)!;
          const lemma =
            pos === 'v'
              ? [wn.baseForms(head, 'v')[0], ...words.slice(1)].join(' ')
              : wn.baseForms(head, pos!)[0];
          expect(lemma, `${e.before} → ${e.after}`).toBeDefined();
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('keeps capitalisation', async () => {
    const edits = (
      await Promise.all(Array.from({ length: 10 }, (_, i) => variant('Tried to pay the bill twice', 1, i)))
    ).flatMap((v) => v.edits);
    for (const e of edits) {
      const upper = e.before[0] === e.before[0]!.toUpperCase();
      expect(e.after[0] === e.after[0]!.toUpperCase(), `${e.before} → ${e.after}`).toBe(upper);
    }
    expect(edits.some((e) => e.before === 'Tried')).toBe(true);
    expect(synonymChoices(wn, 'Cancel', 'VB')[0]).toMatch(/^[A-Z][a-z]/);
    expect(synonymChoices(wn, 'CANCEL', 'VB')[0]).toBe(synonymChoices(wn, 'cancel', 'VB')[0]!.toUpperCase());
    const shouted = await variant('I TRIED TO PAY THE BILL TWICE', 1, 0);
    expect(shouted.changed).toBe(true);
    expect(shouted.text).toBe(shouted.text.toUpperCase());
  });

  it('leaves acronyms and names alone', async () => {
    for (const text of ['My PIN and CVV are blocked', 'I paid Amazon with Visa on Monday']) {
      for (const v of await allVariants(text)) {
        for (const e of v.edits) expect(['PIN', 'CVV', 'Amazon', 'Visa', 'Monday']).not.toContain(e.before);
      }
    }
  });

  it('replaces as many words as the severity asks', async () => {
    const text =
      'The friendly cashier quickly answered my difficult questions, explained the fees and helped the children buy a cheap phone because they had tried everything';
    const eligible = (await analyseInContext(text, encoder)).length;
    expect(eligible).toBeGreaterThanOrEqual(3);
    expect(replacementCount(3, eligible)).toBeGreaterThan(replacementCount(1, eligible));
    for (const severity of [1, 2, 3] as const) {
      for (let i = 0; i < 5; i++) {
        expect((await variant(text, severity, i)).edits).toHaveLength(replacementCount(severity, eligible));
      }
    }
    expect(replacementCount(1, 10)).toBe(1);
    expect(replacementCount(2, 10)).toBe(3);
    expect(replacementCount(3, 10)).toBe(5);
    expect(replacementCount(2, 2)).toBe(2);
    // fewer replaceable words than a level's floor (2, 3): no variant at that level
    expect(replacementCount(2, 1)).toBe(0);
    expect(replacementCount(3, 2)).toBe(0);
    expect(replacementCount(1, 0)).toBe(0);
  });

  it('is deterministic in (seed, severity, variant, text) and varies across variants', async () => {
    const text =
      'The friendly cashier quickly answered my difficult questions, explained the fees and helped the children buy a cheap phone';
    const outputs = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const a = await variant(text, 1, i, 11);
      expect(await variant(text, 1, i, 11)).toEqual(a);
      outputs.add(a.text);
    }
    expect(outputs.size).toBeGreaterThan(1);
  });

  it('takes synonyms only from the sense the sentence uses', async () => {
    // sentences written for this test; each word has a tempting synonym from another sense
    const cases: [string, string, string[]][] = [
      [
        'Please transfer the money to my savings account today',
        'account',
        ['report', 'history', 'story', 'bill'],
      ],
      ['The transfer to my landlord is still pending', 'transfer', ['transportation']],
      ['I cannot find the receipt for my last payment', 'find', ['bump', 'feel']],
      ['Your statement of last month shows a double payment', 'statement', ['argument']],
    ];
    for (const [text, word, wrong] of cases) {
      const site = analyse(text).find((s) => s.word === word);
      // the sense-blind candidates do include the wrong sense: the test can fail
      expect(site?.candidates.some((c) => wrong.includes(c.form))).toBe(true);
      const fitting = (await analyseInContext(text, encoder)).find((s) => s.word === word);
      for (const c of fitting?.choices ?? [])
        expect(wrong, `${word} → ${c.form} in "${text}"`).not.toContain(c.form);
    }
  });

  it('keeps synonyms in the sense the sentence uses', async () => {
    const cases: [string, string, string][] = [
      ['I tried to pay the bill twice but it failed', 'tried', 'attempted'],
      ['The children were really happy with the new toys', 'children', 'kids'],
      ['I bought a phone and the shop charged me twice', 'bought', 'purchased'],
    ];
    for (const [text, word, right] of cases) {
      const site = (await analyseInContext(text, encoder)).find((s) => s.word === word);
      expect(
        site?.choices.map((c) => c.form),
        `${word} in "${text}"`,
      ).toContain(right);
    }
  });

  it('reports no change when no word is eligible', async () => {
    for (const text of ['ok thanks', 'I am not.', 'Is it?', '']) {
      expect((await variant(text, 3)).changed).toBe(false);
    }
  });

  it('respects extra protected patterns', async () => {
    const text = 'I bought a phone and the shop charged me twice.';
    for (let i = 0; i < 10; i++) {
      const v = await perturbText(text, wordnetSynonym, {
        options: { sentenceEncoder: encoder },
        seed: 1,
        severity: 3,
        variant: i,
        protect: [/shop|bought/g],
      });
      for (const e of v.edits) expect(['shop', 'bought']).not.toContain(e.before);
    }
  });
});

describe('tokeniser and tagger', () => {
  it('marks contraction pieces, with or without the apostrophe', async () => {
    const flagged = (text: string) =>
      tagTokens(text)
        .filter((t) => t.contraction)
        .map((t) => t.text);
    expect(flagged("I don't know, it's my card's PIN")).toEqual(["don't", "it's", "card's"]);
    expect(flagged('i don t know why i m here')).toEqual(['don', 't', 'i', 'm']);
    expect(flagged('i don ’ t care')).toEqual(['don', 't']);
    expect(flagged('the card arrived')).toEqual([]);
  });

  it('tags verbs after to, modals and subjects, nouns after determiners', async () => {
    const tags = (text: string) => tagger.tagText(text).map((t) => `${t.text}/${t.tag}`);
    expect(tags('I want to transfer money')).toEqual([
      'I/PRP',
      'want/VBP',
      'to/TO',
      'transfer/VB',
      'money/NN',
    ]);
    expect(tags('The transfer is pending')).toContain('transfer/NN');
    expect(tags('How do I change my PIN')).toContain('change/VB');
    expect(tags('I lost my card and need a new one')).toContain('need/VBP');
    expect(tags('i left early')).toContain('left/VBD');
    expect(tags('Help me please')[0]).toBe('Help/VB');
  });
});
