/**
 * synonym.contextual — replaces content words by what a masked language model puts in their place
 * ("I lost my card" → "I lost my wallet"), through transformers.js `fill-mask` with a model the user
 * names (needsModel: off unless `--mlm-model` / `ctx.options.mlmModel` names one).
 *
 * Options, from `ctx.options.mlmModel`: a hub id or model folder, or
 *   { model: string, topK?: number (fills asked for per word, default 10), dtype?: 'fp32' | 'q8' }.
 *
 * A word is eligible under synonym.wordnet's rules: the project tagger reads it as a noun, verb,
 * adjective or adverb in its usual class; not a stopword, pronoun, negation, contraction piece,
 * acronym, mid-sentence name, phrasal-verb head, linking verb or noun modifier; outside protected spans.
 * The whole word is replaced by one mask token; a fill is kept only when it is
 * - one plain word of 3+ letters (no subword piece, digit or punctuation), lower-case unless the
 *   original is capitalised (a capitalised fill mid-sentence is a name);
 * - not a stopword, not the word itself, an inflection of it (shared WordNet base form) or a
 *   derivative of it (one contains the other);
 * - a word WordNet knows in the same part of speech;
 * - read by the project tagger, in the sentence, with exactly the original's tag (so "lost" is
 *   replaced by a past form, "cards" by a plural: inflection agreement).
 * Whether the variant keeps the meaning is the engine's meaning check, not this module's.
 *
 * Determinism and batch independence: each masked text is run on its own (one text per call, no
 * padding, so a fill never depends on other texts), fp32 by default; fills are cached per (model,
 * text, word). The rng only chooses which words and which fills.
 */
import type { z } from 'zod';
import { isLocalModel, loadTransformersPipeline } from '../../src/classify/transformers-models.ts';
import { InputError, UsageError } from '../../src/errors.ts';
import { getTagger } from '../../src/perturb/pos.ts';
import { eligibleWords as eligibleSynonymWords, STOPWORDS } from '../../src/perturb/synonym.ts';
import { matchCase } from '../../src/perturb/text/index.ts';
import { getWordNet, type WnPos, type WordNetIndex } from '../../src/perturb/wordnet/index.ts';
import type { EditProposal, PerturbationDefinition, Severity } from '../../src/types.ts';
import { lazySchema } from '../../src/util/lazy-zod.ts';

// built on first use: listing the catalogue must not load zod (start-up time)
const optionsSchema = lazySchema((z) =>
  z.strictObject({
    model: z.string().min(1),
    topK: z.int().min(1).max(100).optional(),
    dtype: z.enum(['fp32', 'q8']).optional(),
  }),
);
export type ContextualOptions = z.infer<ReturnType<typeof optionsSchema>>;

const DEFAULT_TOP_K = 10;
/** Share of the replaceable words a severity replaces, with a floor so that severities always differ. */
const SHARE: Record<Severity, number> = { 1: 0, 2: 0.2, 3: 0.4 };
const FLOOR: Record<Severity, number> = { 1: 1, 2: 2, 3: 3 };

/** one word of 3+ letters with a vowel (no "yrs", no subword pieces "##ing") */
const PLAIN_FILL = /^(?=[A-Za-z]*[AEIOUYaeiouy])[A-Za-z]{3,}$/;
/** hub ids: "bert-base-uncased", "Xenova/bert-base-uncased" */
const HUB_ID = /^[A-Za-z0-9][\w.-]*(\/[\w.-]+)?$/;

/** The options inside ctx.options, or null when no masked LM is named. */
export function parseOptions(options: Readonly<Record<string, unknown>>): ContextualOptions | null {
  const raw = options.mlmModel;
  if (raw === undefined || raw === null || raw === '') return null;
  const parsed = optionsSchema().safeParse(typeof raw === 'string' ? { model: raw } : raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? `"${issue.path.join('.')}": ` : '';
    throw new UsageError(`synonym.contextual options (mlmModel): ${where}${issue.message}`);
  }
  return parsed.data;
}

function requireOptions(options: Readonly<Record<string, unknown>>): ContextualOptions {
  const o = parseOptions(options);
  if (!o) {
    throw new UsageError(
      'synonym.contextual needs a masked language model: pass --mlm-model <hub id or folder> (mlmModel in the API)',
    );
  }
  return o;
}

// ───────────────────────────── the model ─────────────────────────────

interface Fill {
  token_str: string;
  score: number;
}
type FillMaskPipe = ((text: string, opts: { top_k: number }) => Promise<Fill[]>) & {
  model: { config: unknown };
  tokenizer: { mask_token?: string | null };
};

interface MaskedLM {
  mask: string;
  /** the top-k fills of the single mask in `masked`, best first; runs are one at a time */
  fill(masked: string): Promise<string[]>;
  /** (text, word) → kept fills, shared by all variants and severities of a text */
  choices: Map<string, Promise<string[]>>;
}

const models = new Map<string, Promise<MaskedLM>>();
const CHOICE_CACHE_SIZE = 20_000;

function modelKey(o: ContextualOptions): string {
  return `${o.dtype ?? 'fp32'}\u0000${o.topK ?? DEFAULT_TOP_K}\u0000${o.model}`;
}

function loadMaskedLM(o: ContextualOptions): Promise<MaskedLM> {
  const key = modelKey(o);
  let pending = models.get(key);
  if (!pending) {
    pending = (async () => {
      // a path that does not exist would otherwise be looked up on the hub and fail obscurely
      if (!isLocalModel(o.model) && (/^(\.{0,2}[/\\]|~)/.test(o.model) || !HUB_ID.test(o.model))) {
        throw new InputError('masked LM folder not found (--mlm-model)', { file: o.model });
      }
      const { pipe } = await loadTransformersPipeline<FillMaskPipe>('fill-mask', o.model, {
        dtype: o.dtype ?? 'fp32',
        role: 'masked LM',
      });
      const mask = pipe.tokenizer.mask_token;
      if (typeof mask !== 'string' || mask === '') {
        throw new InputError('the masked LM tokenizer has no mask token', { file: o.model });
      }
      const topK = o.topK ?? DEFAULT_TOP_K;
      let queue: Promise<unknown> = Promise.resolve();
      const fill = (masked: string): Promise<string[]> => {
        const run = queue.then(async () => (await pipe(masked, { top_k: topK })).map((f) => f.token_str));
        queue = run.catch(() => undefined);
        return run;
      };
      return { mask, fill, choices: new Map() };
    })();
    pending.catch(() => models.delete(key));
    models.set(key, pending);
  }
  return pending;
}

// ───────────────────────────── sites and fills ─────────────────────────────

export interface Site {
  start: number;
  end: number;
  word: string;
  tag: string;
  pos: WnPos;
}

/** Words of `text` that may be masked (synonym.wordnet's eligibility rules; independent of the model). */
export function eligibleWords(text: string): Site[] {
  return eligibleSynonymWords(text).map(({ start, end, word, tag, pos }) => ({ start, end, word, tag, pos }));
}

function lemmas(wn: WordNetIndex, word: string, pos: WnPos): Set<string> {
  const out = new Set(wn.baseForms(word, pos));
  if (wn.has(word, pos)) out.add(word);
  return out;
}

/**
 * The fills of one site that pass the filters (module comment), in the original's case, best first.
 * `fills` are the model's raw token strings for the masked site.
 */
export function keepFills(text: string, site: Site, fills: readonly string[]): string[] {
  const wn = getWordNet();
  const tagger = getTagger();
  const original = site.word.toLowerCase();
  const originalLemmas = lemmas(wn, original, site.pos);
  const capitalised = site.word[0] !== original[0];
  const out: string[] = [];
  for (const raw of fills) {
    const fill = raw.trim();
    if (!PLAIN_FILL.test(fill)) continue;
    const lower = fill.toLowerCase();
    if (fill !== lower && !capitalised) continue;
    if (lower === original || STOPWORDS.has(lower)) continue;
    if (lower.includes(original) || original.includes(lower)) continue;
    const fillLemmas = lemmas(wn, lower, site.pos);
    if (fillLemmas.size === 0) continue;
    if ([...fillLemmas].some((l) => originalLemmas.has(l))) continue;
    const form = matchCase(site.word, lower);
    if (out.includes(form)) continue;
    const variant = text.slice(0, site.start) + form + text.slice(site.end);
    const token = tagger.tagText(variant).find((t) => t.start === site.start);
    if (!token || token.end !== site.start + form.length || token.tag !== site.tag) continue;
    out.push(form);
  }
  return out;
}

function siteChoices(lm: MaskedLM, text: string, site: Site): Promise<string[]> {
  const key = `${site.start}:${site.end}\u0000${text}`;
  let pending = lm.choices.get(key);
  if (!pending) {
    const masked = text.slice(0, site.start) + lm.mask + text.slice(site.end);
    pending = lm.fill(masked).then((fills) => keepFills(text, site, fills));
    pending.catch(() => lm.choices.delete(key));
    if (lm.choices.size >= CHOICE_CACHE_SIZE) lm.choices.delete(lm.choices.keys().next().value as string);
    lm.choices.set(key, pending);
  }
  return pending;
}

/** How many words a severity replaces out of `replaceable`: 1, then ≥ 2 / ≥ 3 where the text has them. */
export function replacementCount(severity: Severity, replaceable: number): number {
  if (replaceable === 0) return 0;
  return Math.min(replaceable, Math.max(FLOOR[severity], Math.ceil(SHARE[severity] * replaceable)));
}

// The engine asks for several variants and severities of one text in a row: tag it once.
const siteCache = new Map<string, Site[]>();
const SITE_CACHE_SIZE = 512;

function cachedSites(text: string): Site[] {
  const hit = siteCache.get(text);
  if (hit) return hit;
  const sites = eligibleWords(text);
  if (siteCache.size >= SITE_CACHE_SIZE) siteCache.delete(siteCache.keys().next().value as string);
  siteCache.set(text, sites);
  return sites;
}

const contextualSynonym: PerturbationDefinition = {
  name: 'synonym.contextual',
  family: 'synonym',
  tag: 'natural',
  description:
    'Replaces content words by a masked language model’s fills for them in context (--mlm-model, a transformers.js fill-mask model), kept only when the fill is a plain word of the same part of speech and inflection by the tagger, not a form of the original ("I lost my card" → "I lost my wallet").',
  severities: {
    1: 'one word replaced',
    2: '20 % of the replaceable words (at least two where there are)',
    3: '40 % of the replaceable words (at least three where there are)',
  },
  heavy: true,
  // the synonym family's threshold until the judged set calibrates this perturbation's own
  meaning: { threshold: 0.8 },
  needsModel: true,
  configured: (options) => parseOptions(options) !== null,
  async init(options) {
    getWordNet();
    getTagger();
    await loadMaskedLM(requireOptions(options));
  },
  async apply(text, ctx): Promise<EditProposal[]> {
    const lm = await loadMaskedLM(requireOptions(ctx.options));
    const free = cachedSites(text).filter((s) => ctx.isFree(s.start, s.end));
    // every free site is asked (cached), so which words are replaceable does not depend on the rng
    const choices = await Promise.all(free.map((s) => siteChoices(lm, text, s)));
    const replaceable = free.flatMap((site, i) =>
      choices[i]!.length > 0 ? [{ site, fills: choices[i]! }] : [],
    );
    const chosen = ctx.rng.sample(replaceable, replacementCount(ctx.severity, replaceable.length));
    return chosen.map(({ site, fills }) => ({
      start: site.start,
      end: site.end,
      replacement: ctx.rng.pick(fills),
    }));
  },
};

export default contextualSynonym;
