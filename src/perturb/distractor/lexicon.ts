/**
 * The bundled lists of `distractor.context` (perturbations/distractor/context.ts): content added before
 * or after a text that no classifier's label may depend on (CheckList's INV "add irrelevant"). Each list
 * is one lexicon entry, so `--lexicon FILE.yaml` (or a suite's `lexicons:`) can replace it.
 *
 * Rules every item follows — tested in perturbations/distractor/context.test.ts, so an item added
 * later that breaks one fails there:
 * - label-free for any task: no emotion or sentiment word (happy, sorry, thanks, great …), no word of
 *   a banking or payment topic (card, account, payment, money, transfer, fee, PIN, app …), nor of a
 *   device or place a banking intent is about ("Sent from my phone" is left out: banking77 has an intent
 *   for a lost or stolen phone; nothing about travel abroad or another country);
 * - no request, no question, no "need", nothing the writer wants done: the text's intent stays its own;
 * - no negation word (the protection's negation pattern finds none), no currency amount, no e-mail,
 *   no #hashtag; no line break (variants stay one line of a .txt or JSONL file);
 * - English in sentence case, so the perturbation can restyle it (lowercase, ALL CAPS) to the text's.
 */

/** Lexicon key → what it lists: the keys `distractor.context` declares and reads. */
export const DISTRACTOR_ENTRIES = {
  'distractor.sentence':
    'complete declarative sentences about the writer’s surroundings, ending in a full stop, added before or after the text',
  'distractor.url': 'full URLs of neutral, unrelated pages, added before or after the text',
  'distractor.handle': '@handles of people (letters, digits and _ only), added before or after the text',
  'distractor.signature': 'sign-off and reference lines added after the text ("— Sam", "(ref 4471)")',
} as const;

export type DistractorEntry = keyof typeof DISTRACTOR_ENTRIES;

/**
 * The writer's circumstances or surroundings, 4–9 words: where they are typing from, what is around
 * them. Nothing that is a problem to solve (a printer out of paper is an IT ticket), nothing a feeling
 * could be about (a visit, a noisy neighbour), and no names.
 */
const SENTENCES = [
  'Replying from the train.',
  'Writing this on my lunch break.',
  'I am on the bus at the moment.',
  'Typing this at the kitchen table.',
  'Writing this between two meetings.',
  'The radio is on in the background.',
  'I have a cup of tea next to me.',
  'The train is about to leave the station.',
  'My cat is asleep on the sofa.',
  'I just got back from a walk.',
  'We had pasta for dinner tonight.',
  'The window in this room is open.',
  'There is a football match on the radio.',
  'I am writing this from the waiting room.',
  'The library closes at six today.',
  'I am sitting by the window.',
  'The kettle has just boiled.',
  'I am typing this with one hand.',
  'The bus comes every ten minutes here.',
  'It is Tuesday afternoon here.',
  'I am sitting in the garden.',
  'The dog is lying by my feet.',
  'Someone is practising the piano upstairs.',
  'This was typed on a small keyboard.',
  'The clocks went forward last night.',
  'I am writing this at my desk.',
];

/**
 * Links to pages about nothing a classifier could care about (encyclopaedia articles on rocks and
 * lighthouses, the reserved example domains, short links with random paths). Each is one URL span
 * to the protection pattern, so later perturbations leave it alone.
 */
const URLS = [
  'https://en.wikipedia.org/wiki/Lighthouse',
  'https://en.wikipedia.org/wiki/Basalt',
  'https://en.wikipedia.org/wiki/Tide',
  'https://en.wikipedia.org/wiki/Moss',
  'https://www.example.com/notes/2291',
  'https://example.org/photos/garden',
  'https://maps.example.net/park-entrance',
  'https://www.example.org/recipes/lentil-soup',
  'www.example.com/timetable',
  'http://bit.ly/3kQ9xTz',
  'https://t.co/8XkPq2Lm',
  'https://imgur.com/a/Xf3kT9q',
];

/** Twitter-style handles of people, CheckList's "@handle": no brand, no bank, no support desk. */
const HANDLES = [
  '@jo_m',
  '@sam_k',
  '@tgreen',
  '@rivera_d',
  '@pat_writes',
  '@mk_1987',
  '@nightowl_22',
  '@kat_ng',
  '@omar_h',
  '@wei_lin',
  '@bkowalski',
  '@ade_o',
];

/**
 * Sign-offs and reference lines that end a message: a name after a dash, a device or place it was
 * typed on, a ticket or reference number. Valedictions ("Best", "Kind regards") are left out: they
 * carry a tone.
 */
const SIGNATURES = [
  '— Sam',
  '– Alex',
  '- J.',
  'Sam K.',
  '(ref 4471)',
  'Ref: QX-2291',
  '[ticket 58213]',
  'Sent from my tablet',
  'Sent from my laptop',
  'Typed on the bus',
  'Sent via web chat',
  'Message 2 of 2',
  '(draft saved at 09:14)',
  'J. Okafor',
];

/** The bundled list of every entry. */
export const DISTRACTOR_LEXICON: Readonly<Record<DistractorEntry, readonly string[]>> = {
  'distractor.sentence': SENTENCES,
  'distractor.url': URLS,
  'distractor.handle': HANDLES,
  'distractor.signature': SIGNATURES,
};
