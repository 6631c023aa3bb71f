/**
 * Helpers shared by the synonym perturbations (perturbations/synonym/), beside typo.ts and
 * paraphrase.ts. Words the synonym perturbation never replaces: function words, auxiliaries, light verbs,
 * discourse words and chat spellings. Their WordNet "synonyms" are either wrong
 * ("I" → "iodine", "it" → "information technology") or change the meaning ("not", "all").
 */
const WORDS = `
i me my mine myself you your yours yourself yourselves he him his himself she her hers herself it its itself
we us our ours ourselves they them their theirs themselves one ones oneself someone somebody something anyone
anybody anything everyone everybody everything noone nobody nothing none

a an the this that these those such same other others another own

all any some each every both either neither many much more most few fewer less least several enough lot lots
plenty half whole no way further cannot

about above across after against along among around as at before behind below beneath beside besides between
beyond by despite down during except for from in inside into like near of off on onto out outside over past per
since than through throughout till to toward towards under underneath unlike until up upon via with within without

and but or nor so yet if unless because though although while whereas whether once then than

be am is are was were been being have has had having do does did done doing
can could will would shall should may might must ought dare used
get gets got gotten getting make makes made making go goes went gone going take takes took taken taking
let lets give gives gave given giving put puts keep keeps kept come comes came coming say says said
seem seems seemed become becomes became see sees saw seen seeing

not never no nope yes yeah yep ok okay please thank thanks sorry hi hello hey bye

what which who whom whose why how when where whatever whoever wherever whenever

very really quite rather pretty too also just only even still already yet again ever always often sometimes
usually once twice thrice never now then here there today tomorrow yesterday tonight soon later back away anyway else instead
maybe perhaps almost nearly well much far actually basically literally probably definitely certainly

im ive id ill dont cant wont didnt doesnt isnt wasnt arent werent couldnt wouldnt shouldnt havent hasnt
hadnt mustnt neednt aint thats whats theres youre theyre hes shes lets u ur pls plz thx ya gonna wanna gotta
`;

export const STOPWORDS: ReadonlySet<string> = new Set(WORDS.split(/\s+/).filter(Boolean));

/**
 * Verbs that link a subject to a description ("I feel sad", "it looks broken"): their
 * synonyms take objects ("I experience sad"), so as verbs they are left alone.
 */
export const LINKING_VERBS: ReadonlySet<string> = new Set([
  'feel',
  'look',
  'sound',
  'appear',
  'remain',
  'stay',
  'turn',
  'grow',
  'smell',
  'taste',
]);

/** Particles that make a phrasal verb of the verb before them ("top up", "log in", "pay off"). */
export const PARTICLES: ReadonlySet<string> = new Set([
  'up',
  'down',
  'out',
  'off',
  'back',
  'away',
  'over',
  'in',
]);
