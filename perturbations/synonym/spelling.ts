/**
 * synonym.spelling — British ↔ American spelling variants, in both directions
 * ("colour" ↔ "color", "cancelled" ↔ "canceled", "authorise" ↔ "authorize").
 *
 * The list is curated so that each word has exactly one counterpart and the reverse
 * mapping is unambiguous: pairs where one spelling is also another word are left out
 * (cheque/check, tyre/tire, kerb/curb, storey/story, metre/meter, licence/license,
 * practise/practice, programme/program, draught/draft, disc/disk, analyses/analyzes).
 * A capitalised word is changed only at a sentence start, so names stay
 * ("Labour Party", "Pearl Harbor", "Lincoln Center").
 */
import {
  isSentenceStart,
  latinWords,
  matchCase,
  type SentenceStartOptions,
  standalone,
} from '../../src/perturb/text/index.ts';
import type { EditProposal, PerturbationContext, PerturbationDefinition, Severity } from '../../src/types.ts';

/** Verb stems spelt -ise in British and -ize in American English ("recogn" → recognise/recognize). */
const IZE_VERBS = [
  'agon',
  'apolog',
  'author',
  'capital',
  'categor',
  'central',
  'character',
  'civil',
  'colon',
  'computer',
  'critic',
  'custom',
  'decentral',
  'digit',
  'dramat',
  'econom',
  'emphas',
  'empath',
  'energ',
  'equal',
  'familiar',
  'fantas',
  'fertil',
  'final',
  'formal',
  'general',
  'global',
  'harmon',
  'hospital',
  'human',
  'hypothes',
  'ideal',
  'idol',
  'immun',
  'industrial',
  'initial',
  'internal',
  'item',
  'jeopard',
  'legal',
  'legitim',
  'local',
  'magnet',
  'marginal',
  'material',
  'maxim',
  'memor',
  'minim',
  'mobil',
  'modern',
  'moistur',
  'monet',
  'monopol',
  'natural',
  'neutral',
  'normal',
  'optim',
  'organ',
  'penal',
  'personal',
  'polar',
  'popular',
  'pressur',
  'priorit',
  'privat',
  'public',
  'random',
  'rational',
  'real',
  'recogn',
  'reorgan',
  'revital',
  'sanit',
  'scrutin',
  'serial',
  'social',
  'special',
  'stabil',
  'standard',
  'steril',
  'stigmat',
  'subsid',
  'summar',
  'symbol',
  'sympath',
  'synchron',
  'synthes',
  'terror',
  'theor',
  'token',
  'trivial',
  'util',
  'vandal',
  'visual',
];

/** Stems that also form -isation/-ization nouns. */
const IZATION_NOUNS = [
  'author',
  'capital',
  'categor',
  'central',
  'character',
  'civil',
  'colon',
  'custom',
  'decentral',
  'digit',
  'final',
  'general',
  'global',
  'harmon',
  'hospital',
  'immun',
  'industrial',
  'initial',
  'item',
  'legal',
  'local',
  'maxim',
  'memor',
  'minim',
  'mobil',
  'modern',
  'monet',
  'natural',
  'normal',
  'optim',
  'organ',
  'personal',
  'polar',
  'priorit',
  'privat',
  'random',
  'rational',
  'real',
  'reorgan',
  'sanit',
  'serial',
  'special',
  'stabil',
  'standard',
  'steril',
  'synchron',
  'token',
  'util',
  'visual',
];

/** Stems that also form -iser/-izer agent nouns. */
const IZER_NOUNS = [
  'equal',
  'fertil',
  'moistur',
  'optim',
  'organ',
  'random',
  'sanit',
  'stabil',
  'synthes',
  'token',
];

/** British words with one "our" that American English spells "or" (favourite → favorite). */
const OUR_WORDS = [
  'ardour',
  'armour',
  'armoured',
  'behaviour',
  'behavioural',
  'behaviours',
  'candour',
  'clamour',
  'colour',
  'coloured',
  'colourful',
  'colouring',
  'colours',
  'demeanour',
  'discoloured',
  'dishonour',
  'endeavour',
  'endeavoured',
  'endeavours',
  'favour',
  'favourable',
  'favourably',
  'favoured',
  'favouring',
  'favourite',
  'favourites',
  'favours',
  'fervour',
  'flavour',
  'flavoured',
  'flavours',
  'harbour',
  'harbours',
  'honour',
  'honourable',
  'honoured',
  'honouring',
  'honours',
  'humour',
  'humoured',
  'labour',
  'laboured',
  'labourer',
  'labourers',
  'neighbour',
  'neighbourhood',
  'neighbourhoods',
  'neighbouring',
  'neighbours',
  'odour',
  'odours',
  'parlour',
  'rigour',
  'rumour',
  'rumoured',
  'rumours',
  'saviour',
  'savour',
  'savoury',
  'splendour',
  'tumour',
  'tumours',
  'unfavourable',
  'valour',
  'vapour',
  'vigour',
];

/** British → American pairs that follow no single pattern. */
const OTHER_PAIRS: [string, string][] = [
  // -re → -er (not metre/meter: "meter" is also the measuring device in both)
  ['centre', 'center'],
  ['centres', 'centers'],
  ['centred', 'centered'],
  ['theatre', 'theater'],
  ['theatres', 'theaters'],
  ['fibre', 'fiber'],
  ['litre', 'liter'],
  ['litres', 'liters'],
  ['kilometre', 'kilometer'],
  ['kilometres', 'kilometers'],
  ['centimetre', 'centimeter'],
  ['centimetres', 'centimeters'],
  ['millimetre', 'millimeter'],
  ['millimetres', 'millimeters'],
  ['calibre', 'caliber'],
  ['sombre', 'somber'],
  ['meagre', 'meager'],
  ['spectre', 'specter'],
  ['lustre', 'luster'],
  ['manoeuvre', 'maneuver'],
  ['manoeuvres', 'maneuvers'],
  // doubled l before a suffix
  ['cancelled', 'canceled'],
  ['cancelling', 'canceling'],
  ['travelled', 'traveled'],
  ['travelling', 'traveling'],
  ['traveller', 'traveler'],
  ['travellers', 'travelers'],
  ['labelled', 'labeled'],
  ['labelling', 'labeling'],
  ['modelled', 'modeled'],
  ['modelling', 'modeling'],
  ['fuelled', 'fueled'],
  ['fuelling', 'fueling'],
  ['signalled', 'signaled'],
  ['signalling', 'signaling'],
  ['totalled', 'totaled'],
  ['totalling', 'totaling'],
  ['levelled', 'leveled'],
  ['levelling', 'leveling'],
  ['dialled', 'dialed'],
  ['dialling', 'dialing'],
  ['channelled', 'channeled'],
  ['counselling', 'counseling'],
  ['counsellor', 'counselor'],
  ['councillor', 'councilor'],
  ['jeweller', 'jeweler'],
  ['jewellers', 'jewelers'],
  ['jewellery', 'jewelry'],
  ['marvellous', 'marvelous'],
  ['woollen', 'woolen'],
  ['quarrelled', 'quarreled'],
  ['tunnelled', 'tunneled'],
  ['equalled', 'equaled'],
  // single l where American doubles it
  ['enrol', 'enroll'],
  ['enrols', 'enrolls'],
  ['enrolment', 'enrollment'],
  ['enrolments', 'enrollments'],
  ['fulfil', 'fulfill'],
  ['fulfils', 'fulfills'],
  ['fulfilment', 'fulfillment'],
  ['instalment', 'installment'],
  ['instalments', 'installments'],
  ['skilful', 'skillful'],
  ['wilful', 'willful'],
  // -ogue → -og (not dialogue/analogue: "dialog", "analog" are British computing spellings too)
  ['catalogue', 'catalog'],
  ['catalogues', 'catalogs'],
  ['catalogued', 'cataloged'],
  // -yse → -yze (not "analyses": also the plural of "analysis")
  ['analyse', 'analyze'],
  ['analysed', 'analyzed'],
  ['analysing', 'analyzing'],
  ['paralyse', 'paralyze'],
  ['paralysed', 'paralyzed'],
  // -ence → -ense (not licence/license: British "license" is the verb)
  ['defence', 'defense'],
  ['offence', 'offense'],
  ['offences', 'offenses'],
  ['pretence', 'pretense'],
  // dropped e
  ['ageing', 'aging'],
  ['judgement', 'judgment'],
  ['judgements', 'judgments'],
  ['acknowledgement', 'acknowledgment'],
  ['acknowledgements', 'acknowledgments'],
  ['likeable', 'likable'],
  ['sizeable', 'sizable'],
  // ae / oe
  ['paediatric', 'pediatric'],
  ['paediatrician', 'pediatrician'],
  ['anaesthetic', 'anesthetic'],
  ['encyclopaedia', 'encyclopedia'],
  ['orthopaedic', 'orthopedic'],
  // -ise words built on the stems above
  ['unauthorised', 'unauthorized'],
  ['unrecognised', 'unrecognized'],
  ['recognisable', 'recognizable'],
  ['unrecognisable', 'unrecognizable'],
  ['customisable', 'customizable'],
  ['realisable', 'realizable'],
  // everything else
  ['enquiry', 'inquiry'],
  ['enquiries', 'inquiries'],
  ['enquire', 'inquire'],
  ['enquired', 'inquired'],
  ['enquiring', 'inquiring'],
  ['chequebook', 'checkbook'],
  ['chequebooks', 'checkbooks'],
  ['grey', 'gray'],
  ['aluminium', 'aluminum'],
  ['aeroplane', 'airplane'],
  ['aeroplanes', 'airplanes'],
  ['pyjamas', 'pajamas'],
  ['sceptical', 'skeptical'],
  ['scepticism', 'skepticism'],
  ['moustache', 'mustache'],
  ['cosy', 'cozy'],
  ['mould', 'mold'],
  ['mouldy', 'moldy'],
  ['plough', 'plow'],
  ['yoghurt', 'yogurt'],
  ['sulphur', 'sulfur'],
  ['artefact', 'artifact'],
  ['artefacts', 'artifacts'],
];

function buildPairs(): [string, string][] {
  const pairs: [string, string][] = [];
  for (const stem of IZE_VERBS) {
    for (const suffix of ['e', 'ed', 'es', 'ing']) pairs.push([`${stem}is${suffix}`, `${stem}iz${suffix}`]);
  }
  for (const stem of IZATION_NOUNS) {
    pairs.push([`${stem}isation`, `${stem}ization`], [`${stem}isations`, `${stem}izations`]);
  }
  for (const stem of IZER_NOUNS) pairs.push([`${stem}iser`, `${stem}izer`], [`${stem}isers`, `${stem}izers`]);
  for (const word of OUR_WORDS) pairs.push([word, word.replace('our', 'or')]);
  pairs.push(...OTHER_PAIRS);
  return pairs;
}

/** Every [British, American] pair, lower case. */
export const SPELLING_PAIRS: readonly (readonly [string, string])[] = buildPairs();

/** word → its counterpart, both directions; a Map so "constructor" or "__proto__" never match. */
const VARIANT = new Map<string, string>();
for (const [british, american] of SPELLING_PAIRS) {
  for (const [from, to] of [
    [british, american],
    [american, british],
  ] as const) {
    const other = VARIANT.get(from);
    // A word with two counterparts would make the reverse mapping ambiguous: a bug in the list.
    if (other !== undefined && other !== to) throw new Error(`spelling list: ${from} → ${other} and ${to}`);
    VARIANT.set(from, to);
  }
}

/** The counterpart spelling of a lower-case word, if it has one. */
export function spellingVariant(word: string): string | undefined {
  return VARIANT.get(word);
}

/**
 * A capitalised word may change only at a sentence start: the text start, or after . ! ? :
 * or a line break, with opening quotes or brackets in between.
 */
const SENTENCE_START: SentenceStartOptions = { colon: true, lineBreaks: true, skipOpeners: '"\'“‘([' };

/** Sites changed per severity: 1 → one, 2 → half (at least one), 3 → all. */
export function spellingSiteCount(severity: Severity, eligible: number): number {
  if (eligible === 0) return 0;
  return severity === 1 ? 1 : severity === 2 ? Math.max(1, Math.floor(eligible / 2)) : eligible;
}

/** Every word of `text` that has a counterpart spelling, with the replacement in the word's case. */
export function spellingSites(text: string, ctx: Pick<PerturbationContext, 'isFree'>): EditProposal[] {
  const sites: EditProposal[] = [];
  const words = latinWords(text);
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const lower = w.text.toLowerCase();
    const variant = VARIANT.get(lower);
    if (variant === undefined || !ctx.isFree(w.start, w.end) || !standalone(text, w.start, w.end)) continue;
    const shape = w.text === lower ? 'lower' : w.text === w.text.toUpperCase() ? 'upper' : 'other';
    const title = w.text === lower.charAt(0).toUpperCase() + lower.slice(1);
    // Capitalised mid-sentence: probably a name ("Labour", "Center Parcs"); mixed case: a brand.
    if (shape === 'other' && !(title && isSentenceStart(text, w.start, SENTENCE_START))) continue;
    // Capitalised at a sentence start and followed by another capitalised word: a name ("Centre Point").
    const next = words[i + 1];
    if (
      shape === 'other' &&
      next &&
      /^\s+$/.test(text.slice(w.end, next.start)) &&
      /^[A-Z]/.test(next.text) &&
      next.text !== 'I'
    ) {
      continue;
    }
    sites.push({ start: w.start, end: w.end, replacement: matchCase(w.text, variant) });
  }
  return sites;
}

const spelling: PerturbationDefinition = {
  name: 'synonym.spelling',
  family: 'synonym',
  tag: 'natural',
  meaning: { threshold: 0.5 },
  description:
    'Switches words between British and American spelling, both ways (colour ↔ color, cancelled ↔ canceled, ' +
    'authorise ↔ authorize, centre ↔ center, enquiry ↔ inquiry), from a curated list of unambiguous pairs; case kept.',
  // One level: a text rarely has two respellable words (2 % of banking queries, 5 % of emotion texts).
  severities: { 1: 'one word respelt' },
  apply(text, ctx) {
    const sites = spellingSites(text, ctx);
    const k = spellingSiteCount(ctx.severity, sites.length);
    if (k === 0) return [];
    const chosen = k >= sites.length ? sites : ctx.rng.sample(sites, k);
    return chosen.slice().sort((a, b) => a.start - b.start);
  },
};

export default spelling;
