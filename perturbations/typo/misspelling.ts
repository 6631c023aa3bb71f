import { caseShape, matchCase } from '../../src/perturb/text/index.ts';
import { applyWordTypo, TYPO_SEVERITIES } from '../../src/perturb/typo.ts';
import type { PerturbationDefinition } from '../../src/types.ts';

/** Frequent real-world misspellings (correct → misspelt), curated for this project. */
export const COMMON_MISSPELLINGS: Readonly<Record<string, string>> = {
  accommodate: 'accomodate',
  account: 'acount',
  across: 'accross',
  address: 'adress',
  again: 'agian',
  already: 'allready',
  although: 'allthough',
  answer: 'anwser',
  apparently: 'apparantly',
  application: 'aplication',
  argument: 'arguement',
  balance: 'ballance',
  basically: 'basicly',
  beautiful: 'beatiful',
  because: 'becuase',
  beginning: 'begining',
  believe: 'beleive',
  business: 'buisness',
  calendar: 'calender',
  colleague: 'collegue',
  coming: 'comming',
  committee: 'commitee',
  completely: 'completly',
  conscious: 'concious',
  convenient: 'convinient',
  currency: 'currancy',
  definitely: 'definately',
  deposit: 'deposite',
  description: 'discription',
  different: 'diffrent',
  disappear: 'dissapear',
  disappointed: 'dissapointed',
  embarrass: 'embarass',
  environment: 'enviroment',
  especially: 'expecially',
  exchange: 'exchage',
  existence: 'existance',
  experience: 'experiance',
  explanation: 'explaination',
  familiar: 'familar',
  february: 'febuary',
  finally: 'finaly',
  foreign: 'foriegn',
  forward: 'foward',
  friend: 'freind',
  government: 'goverment',
  grateful: 'greatful',
  guarantee: 'garantee',
  happened: 'happend',
  height: 'heigth',
  immediately: 'immediatly',
  independent: 'independant',
  information: 'infomation',
  interest: 'intrest',
  knowledge: 'knowlege',
  library: 'libary',
  maintenance: 'maintainance',
  mortgage: 'morgage',
  necessary: 'neccessary',
  noticeable: 'noticable',
  occasion: 'occassion',
  occurred: 'occured',
  occurrence: 'occurence',
  official: 'offical',
  opportunity: 'oppurtunity',
  paid: 'payed',
  particularly: 'particulary',
  password: 'pasword',
  payment: 'paymant',
  piece: 'peice',
  planned: 'planed',
  possession: 'posession',
  preferred: 'prefered',
  privilege: 'priviledge',
  probably: 'probaly',
  process: 'proccess',
  professional: 'proffesional',
  pronunciation: 'pronounciation',
  publicly: 'publically',
  purchase: 'purchace',
  receipt: 'reciept',
  receive: 'recieve',
  received: 'recieved',
  recommend: 'reccomend',
  referred: 'refered',
  relevant: 'relevent',
  restaurant: 'restaraunt',
  rhythm: 'rythm',
  schedule: 'shedule',
  separate: 'seperate',
  similar: 'similiar',
  sincerely: 'sincerly',
  statement: 'statment',
  stopped: 'stoped',
  strength: 'strenght',
  successful: 'succesful',
  supposed: 'suposed',
  surprise: 'suprise',
  temperature: 'temprature',
  their: 'thier',
  tomorrow: 'tommorow',
  transaction: 'transation',
  transfer: 'tranfer',
  transferred: 'transfered',
  truly: 'truely',
  unfortunately: 'unfortunatly',
  until: 'untill',
  unusual: 'unusal',
  using: 'useing',
  weird: 'wierd',
  whether: 'wether',
  which: 'wich',
  withdrawal: 'withdrawl',
  writing: 'writting',
};

// A Map, not the object: "constructor" or "toString" must not look like curated entries.
const COMMON = new Map(Object.entries(COMMON_MISSPELLINGS));

/** One spelling rule: every match of `pattern` in a lower-case word can become `to`. */
interface Rule {
  pattern: RegExp;
  to: string | ((match: string) => string);
}

/** Dictionary-free rules for realistic mistakes; each fires only where its pattern matches. */
const RULES: readonly Rule[] = [
  // i before e confusions: receive → recieve, friend → freind, their → thier
  { pattern: /cei/g, to: 'cie' },
  { pattern: /(?<!c)ie/g, to: 'ei' },
  { pattern: /(?<!c)ei/g, to: 'ie' },
  // doubled consonant written once: occurred → occured, accommodate → accomodate
  { pattern: /([bcdfgklmnprstz])\1/g, to: (m) => m[0]! },
  // suffix confusions, only after a stem long enough not to hit short words (want, table, dance)
  { pattern: /(?<=[a-z]{3})able(?=(?:s|ly)?$)/g, to: 'ible' },
  { pattern: /(?<=[a-z]{3})ible(?=(?:s|ly)?$)/g, to: 'able' },
  { pattern: /(?<=[a-z]{4})ance(?=s?$)/g, to: 'ence' },
  { pattern: /(?<=[a-z]{4})ence(?=s?$)/g, to: 'ance' },
  { pattern: /(?<=[a-z]{4})ant(?=(?:s|ly)?$)/g, to: 'ent' },
  { pattern: /(?<=[a-z]{4})ent(?=(?:s|ly)?$)/g, to: 'ant' },
  { pattern: /(?<=[a-z]{4})ary$/g, to: 'ery' },
  { pattern: /(?<=[a-z]{4})ery$/g, to: 'ary' },
  { pattern: /(?<=[a-z]{4})ar$/g, to: 'er' },
  { pattern: /(?<=[a-z]{2})ful$/g, to: 'full' },
  // silent letters dropped: knock → nock, wrong → rong, which → wich, climb → clim
  { pattern: /^kn/g, to: 'n' },
  { pattern: /^wr/g, to: 'r' },
  { pattern: /^ps(?=y)/g, to: 's' },
  { pattern: /(?<=^|[^t])wh/g, to: 'w' },
  { pattern: /mb$/g, to: 'm' },
  { pattern: /mn$/g, to: 'm' },
  { pattern: /dge/g, to: 'ge' },
  { pattern: /sc(?=[ei])/g, to: 's' },
  { pattern: /ght/g, to: 'gt' },
  // sound-alike spellings: phone → fone, reason → reazon, completely → completly
  { pattern: /ph/g, to: 'f' },
  { pattern: /(?<=[aeiou])s(?=[aeiouy])/g, to: 'z' },
  { pattern: /(?<=[bcdfgklmnprstvz])ely$/g, to: 'ly' },
];

/** Real, common words the rules could produce: a misspelling must not read as another word. */
const AVOID = new Set([
  'were',
  'went',
  'want',
  'vary',
  'now',
  'new',
  'not',
  'nor',
  'none',
  'never',
  'later',
  'diner',
  'hoped',
  'super',
  'wet',
  'wit',
  'wear',
  'won',
  'wore',
  'wen',
  'rite',
  'ring',
  'rap',
  'rest',
  'nit',
  'nob',
  'sent',
  'dens',
  'lose',
  'loose',
  'whet',
  'wile',
  'wig',
  'bet',
  'cot',
  'dinner',
  'latter',
  'hopped',
  'supper',
]);

interface Site {
  start: number;
  end: number;
  replacement: string;
}

const siteCache = new Map<string, Site[]>();

/** Rule matches in a lower-case word; memoised because eligibility and editing both ask. */
function ruleSites(lower: string): Site[] {
  const hit = siteCache.get(lower);
  if (hit) return hit;
  if (siteCache.size > 50_000) siteCache.clear();
  const out: Site[] = [];
  for (const rule of RULES) {
    rule.pattern.lastIndex = 0;
    for (let m = rule.pattern.exec(lower); m !== null; m = rule.pattern.exec(lower)) {
      if (m[0] === '') {
        rule.pattern.lastIndex++;
        continue;
      }
      const replacement = typeof rule.to === 'string' ? rule.to : rule.to(m[0]);
      const result = lower.slice(0, m.index) + replacement + lower.slice(m.index + m[0].length);
      if (replacement !== m[0] && !AVOID.has(result))
        out.push({ start: m.index, end: m.index + m[0].length, replacement });
    }
  }
  siteCache.set(lower, out);
  return out;
}

/** True when a rule or the curated list applies and the case shape can be restored ("iPhone" is left alone). */
function canMisspell(word: string): boolean {
  // English rules: ASCII words only (also keeps toLowerCase length-preserving).
  for (let i = 0; i < word.length; i++) if (word.charCodeAt(i) > 127) return false;
  const lower = word.toLowerCase();
  if (word !== lower && caseShape(word) === 'mixed') return false;
  return COMMON.has(lower) || ruleSites(lower).length > 0;
}

function misspell(word: string, pick: (n: number) => number): string | null {
  const lower = word.toLowerCase();
  const known = COMMON.get(lower);
  if (known !== undefined) return matchCase(word, known);
  const sites = ruleSites(lower);
  if (sites.length === 0) return null;
  const s = sites[pick(sites.length)]!;
  return matchCase(word, lower.slice(0, s.start) + s.replacement + lower.slice(s.end));
}

/** Realistic spelling mistakes: a curated list of common ones, then spelling rules. */
const misspelling: PerturbationDefinition = {
  name: 'typo.misspelling',
  family: 'typo',
  tag: 'natural',
  description:
    'Writes a word the way people misspell it: a curated list of common misspellings (receive → recieve), ' +
    'then rules for ie/ei, doubled consonants, -able/-ible, -ance/-ence, silent letters and sound-alikes.',
  severities: TYPO_SEVERITIES,
  apply: (text, ctx) =>
    applyWordTypo(text, ctx, {
      minLength: 4,
      canMutate: canMisspell,
      mutate: (word, rng) => misspell(word, (n) => rng.int(n)),
    }),
};

export default misspelling;
