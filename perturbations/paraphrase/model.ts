/**
 * paraphrase.model — generative paraphrases from a model (needsModel, heavy; off unless configured).
 *
 * Options, from `ctx.options.paraphraseModel` (or the same keys flat in `ctx.options`):
 *   {
 *     url?: string             OpenAI-compatible endpoint: a base ("http://host:8000/v1") or the
 *                              full ".../chat/completions" URL
 *     model: string            model name sent to the endpoint; without `url`, a transformers.js
 *                              text2text-generation model id or local model folder
 *     backend?: 'openai' | 'transformers'   default: 'openai' with a url, else 'transformers'
 *     apiKeyEnv?: string       name of the environment variable holding the API key (Bearer token)
 *     apiKey?: string          the key itself (programmatic use; prefer apiKeyEnv)
 *     prompt?: string          user-message template; {text} {instruction} {keep} {severity}
 *     system?: string          system message (openai backend)
 *     temperature?: number     default 0.7
 *     maxTokens?: number       default 256
 *     timeoutMs?: number       per attempt, default 30 000
 *     retries?: number         extra attempts after the first, default 3
 *     retryDelayMs?: number    first backoff, doubled per attempt, default 500
 *     maxRetryAfterMs?: number longest wait between attempts: a longer Retry-After (or backoff) is
 *                              capped, default 60 000
 *     cacheDir?: string        default ".tailcheck-cache/paraphrase" (relative to the working directory)
 *     onRetry?: (event) => void   called before each retry wait (logging)
 *   }
 *
 * Determinism: the request carries a `seed` drawn from ctx.rng, which the engine seeds from (run
 * seed, perturbation, severity, variant index, text) — so the seed stands for the variant — and
 * every answer is appended to a JSON-lines cache (src/classify/answer-cache.ts) keyed by a hash of
 * (backend, model, system, rendered prompt, temperature, seed, severity, text). Re-runs read the
 * cache and are byte-identical without calling the model. Requests go through the HTTP retry loop
 * the http classification backend uses (src/classify/http-client.ts), without its jitter, so the
 * waits are exactly retryDelayMs × 2^n.
 *
 * Protected spans (numbers, amounts, negations …) must come back verbatim and in order; the
 * rewrite is then proposed as edits between them (the whole text as one edit when nothing is
 * protected). A paraphrase that dropped or changed a protected span is not used: the variant is
 * left unchanged rather than carrying a changed amount or a lost negation.
 *
 * The openai backend is tested against a local server speaking the protocol; no real model can be
 * reached offline here. The transformers backend is untested offline (no text2text model is
 * available in this environment) — see generateLocally().
 */
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { z } from 'zod';
import { AnswerCache } from '../../src/classify/answer-cache.ts';
import {
  type HttpFailure,
  type RetryEvent,
  requestWithRetries,
  snippet,
} from '../../src/classify/http-client.ts';
import { loadTransformersPipeline } from '../../src/classify/transformers-models.ts';
import { DEFAULT_CACHE_DIR } from '../../src/defaults.ts';
import { ModelError, UsageError } from '../../src/errors.ts';
import { editable } from '../../src/perturb/paraphrase.ts';
import type { EditProposal, PerturbationContext, PerturbationDefinition, Severity } from '../../src/types.ts';
import { lazySchema } from '../../src/util/lazy-zod.ts';

export type { RetryEvent };

// built on first use: listing the catalogue must not load zod (start-up time)
const optionsSchema = lazySchema((z) =>
  z.strictObject({
    url: z.string().min(1).optional(),
    model: z.string().min(1),
    backend: z.enum(['openai', 'transformers']).optional(),
    apiKeyEnv: z.string().min(1).optional(),
    apiKey: z.string().min(1).optional(),
    prompt: z.string().min(1).optional(),
    system: z.string().min(1).optional(),
    temperature: z.number().min(0).max(2).optional(),
    maxTokens: z.number().int().positive().optional(),
    timeoutMs: z.number().int().positive().optional(),
    retries: z.number().int().min(0).max(20).optional(),
    retryDelayMs: z.number().min(0).optional(),
    maxRetryAfterMs: z.number().min(0).optional(),
    cacheDir: z.string().min(1).optional(),
    onRetry: z.custom<(event: RetryEvent) => void>((v) => typeof v === 'function').optional(),
  }),
);
export type ParaphraseModelOptions = z.infer<ReturnType<typeof optionsSchema>>;

interface Config {
  backend: 'openai' | 'transformers';
  url: string;
  model: string;
  apiKey?: string;
  prompt?: string;
  system: string;
  temperature: number;
  maxTokens: number;
  timeoutMs: number;
  retries: number;
  retryDelayMs: number;
  maxRetryAfterMs: number;
  cacheFile: string;
  onRetry?: (event: RetryEvent) => void;
}

/** Where paraphrases are cached unless `cacheDir` says otherwise: a folder of the prediction cache. */
export const PARAPHRASE_CACHE_DIR = join(DEFAULT_CACHE_DIR, 'paraphrase');

const DEFAULT_SYSTEM =
  'You rewrite customer messages sent to a bank. Keep the meaning and intent exactly: the same request, ' +
  'the same facts. Reply with the rewritten message only, without quotes or explanations.';
const INSTRUCTIONS: Record<Severity, string> = {
  1: 'Paraphrase this message lightly: reword a few words and keep the sentence structure.',
  2: 'Paraphrase this message naturally, the way another customer might write it.',
  3: 'Paraphrase this message freely, with different wording and sentence structure.',
};
/**
 * transformers.js samples from the global unseeded generator, so the local backend decodes greedily and gets
 * its variety from an instruction picked by the request seed (i.e. per variant) instead.
 */
const LOCAL_PROMPTS = [
  'paraphrase: {text}',
  'Paraphrase the following sentence: {text}',
  'Rewrite this sentence in other words: {text}',
  'Say the same thing differently: {text}',
];

/** The options for this perturbation inside ctx.options, or null when none are given. */
export function parseOptions(options: Readonly<Record<string, unknown>>): ParaphraseModelOptions | null {
  let raw: unknown = options.paraphraseModel;
  if (raw === undefined) {
    if (options.model === undefined && options.url === undefined) return null;
    raw = Object.fromEntries(
      Object.entries(options).filter(([k, v]) => Object.hasOwn(optionsSchema().shape, k) && v !== undefined),
    );
  }
  if (typeof raw === 'object' && raw !== null && (raw as { model?: unknown }).model === undefined) {
    throw new UsageError(
      'paraphrase.model needs a model name (--paraphrase-model), with --paraphrase-url for an endpoint',
    );
  }
  const parsed = optionsSchema().safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length > 0 ? `"${issue.path.join('.')}": ` : '';
    throw new UsageError(`paraphrase.model options: ${where}${issue.message}`);
  }
  return parsed.data;
}

function chatUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`paraphrase.model: "${url}" is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`paraphrase.model: url must be http(s), got "${url}"`);
  }
  if (/\/chat\/completions\/?$/.test(parsed.pathname)) return parsed.href;
  parsed.pathname = `${parsed.pathname.replace(/\/+$/, '')}/chat/completions`;
  return parsed.href;
}

const configs = new WeakMap<object, Config | null>();

function configFrom(options: Readonly<Record<string, unknown>>): Config | null {
  if (configs.has(options)) return configs.get(options)!;
  const o = parseOptions(options);
  let config: Config | null = null;
  if (o) {
    const backend = o.backend ?? (o.url !== undefined ? 'openai' : 'transformers');
    if (backend === 'openai' && o.url === undefined) {
      throw new UsageError('paraphrase.model: the openai backend needs a url (--paraphrase-url)');
    }
    let apiKey = o.apiKey;
    if (o.apiKeyEnv !== undefined) {
      apiKey = process.env[o.apiKeyEnv];
      if (apiKey === undefined || apiKey === '') {
        throw new UsageError(
          `paraphrase.model: environment variable ${o.apiKeyEnv} (the API key) is not set`,
        );
      }
    }
    config = {
      backend,
      url: backend === 'openai' ? chatUrl(o.url!) : '',
      model: o.model,
      apiKey,
      prompt: o.prompt,
      system: o.system ?? DEFAULT_SYSTEM,
      temperature: o.temperature ?? 0.7,
      maxTokens: o.maxTokens ?? 256,
      timeoutMs: o.timeoutMs ?? 30_000,
      retries: o.retries ?? 3,
      retryDelayMs: o.retryDelayMs ?? 500,
      maxRetryAfterMs: o.maxRetryAfterMs ?? 60_000,
      cacheFile: join(resolve(o.cacheDir ?? PARAPHRASE_CACHE_DIR), 'cache.jsonl'),
      onRetry: o.onRetry,
    };
  }
  configs.set(options, config);
  return config;
}

// ───────────────────────────── prompt ─────────────────────────────

function render(template: string, values: Record<string, string>): string {
  return template.replace(/\{(text|instruction|keep|severity)\}/g, (_, k: string) => values[k] ?? '');
}

function userPrompt(config: Config, text: string, keep: string[], severity: Severity, seed: number): string {
  const keepList = keep.map((k) => JSON.stringify(k)).join(', ');
  const values = { text, instruction: INSTRUCTIONS[severity], keep: keepList, severity: String(severity) };
  if (config.prompt !== undefined) return render(config.prompt, values);
  if (config.backend === 'transformers') return render(LOCAL_PROMPTS[seed % LOCAL_PROMPTS.length], values);
  const keepLine = keep.length > 0 ? `\nKeep these exactly as written: ${keepList}.` : '';
  return `${values.instruction}${keepLine}\n\nMessage: ${text}`;
}

/** Strip wrappers models like to add: surrounding quotes, a "Paraphrase:" label, line breaks. */
export function cleanOutput(output: string, original: string): string {
  let out = output.trim();
  out = out.replace(/^(?:paraphrase|paraphrased|rewritten|rewrite|message)(?: message)?\s*:\s*/i, '');
  const quoted = /^(["“'])([\s\S]*)(["”'])$/.exec(out);
  if (quoted && !/^["“']/.test(original.trim())) out = quoted[2].trim();
  if (!/\n/.test(original)) out = out.replace(/\s*\n\s*/g, ' ');
  return out;
}

// ───────────────────────────── cache ─────────────────────────────

const caches = new Map<string, AnswerCache>();

function cacheFor(file: string): AnswerCache {
  let cache = caches.get(file);
  if (!cache) {
    cache = new AnswerCache(file, 'paraphrase.model');
    caches.set(file, cache);
  }
  return cache;
}

/** Forget the in-memory copies of the caches (the files stay); the next lookup re-reads them. */
export function clearMemoryCache(): void {
  caches.clear();
}

// ───────────────────────────── backends ─────────────────────────────

/** choices[0].message.content of a chat-completions answer, or a ModelError saying what is wrong. */
export function contentOf(raw: string, url: string): string {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new ModelError(
      `paraphrase.model: the answer from ${url} is not valid JSON: ${snippet(raw) || '(empty body)'}`,
    );
  }
  const content = (body as { choices?: { message?: { content?: unknown } }[] } | null)?.choices?.[0]?.message
    ?.content;
  if (typeof content !== 'string') {
    throw new ModelError(
      `paraphrase.model: the answer from ${url} has no choices[0].message.content string: ${snippet(raw)}`,
    );
  }
  if (content.trim() === '') throw new ModelError(`paraphrase.model: ${url} returned an empty paraphrase`);
  return content;
}

function askEndpoint(config: Config, prompt: string, seed: number): Promise<string> {
  const body = JSON.stringify({
    model: config.model,
    messages: [
      { role: 'system', content: config.system },
      { role: 'user', content: prompt },
    ],
    temperature: config.temperature,
    max_tokens: config.maxTokens,
    seed,
  });
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (config.apiKey !== undefined) headers.authorization = `Bearer ${config.apiKey}`;
  return requestWithRetries(
    config.url,
    { method: 'POST', headers, body },
    {
      timeoutMs: config.timeoutMs,
      retries: config.retries,
      backoffMs: config.retryDelayMs,
      maxWaitMs: config.maxRetryAfterMs,
      // an answer that is not a chat completion is not worth asking again: contentOf throws
      read: (raw) => ({ value: contentOf(raw, config.url) }),
      describe(failure: HttpFailure) {
        switch (failure.kind) {
          case 'status':
            return `HTTP ${failure.status}${failure.body.trim() ? `: ${snippet(failure.body)}` : ''}`;
          case 'timeout':
            return `timed out after ${config.timeoutMs} ms`;
          case 'network':
            return `network error: ${(failure.error.cause as Error | undefined)?.message ?? failure.error.message}`;
          case 'answer':
            return failure.message;
        }
      },
      giveUp(reason, _failure, attempts) {
        const tries = attempts === 1 ? '' : ` (${attempts} attempts)`;
        return new ModelError(`paraphrase.model: POST ${config.url} failed${tries}: ${reason}`);
      },
      onRetry: config.onRetry,
    },
  );
}

type Generate = (text: string, options: Record<string, unknown>) => Promise<{ generated_text: string }[]>;
const generators = new Map<string, Promise<Generate>>();

/**
 * transformers.js v4 text2text-generation (T5/BART-style paraphrasers). UNTESTED OFFLINE: no such
 * model can be downloaded here. Written to the v4 API: pipeline('text2text-generation', id) →
 * generator(text, { max_new_tokens, do_sample }) → [{ generated_text }].
 */
function loadGenerator(model: string): Promise<Generate> {
  let pending = generators.get(model);
  if (!pending) {
    pending = (async () => {
      type Generator = Generate & { model: { config: unknown } };
      // greedy decoding only reads the fp32 weights' outputs; q8 generators are not assumed to exist
      const { pipe } = await loadTransformersPipeline<Generator>('text2text-generation', model, {
        dtype: 'fp32',
        role: 'paraphrase.model text2text model',
      });
      return pipe;
    })();
    pending.catch(() => generators.delete(model));
    generators.set(model, pending);
  }
  return pending;
}

async function generateLocally(config: Config, prompt: string): Promise<string> {
  const generate = await loadGenerator(config.model);
  // greedy: transformers.js sampling is not seedable, so the output is a function of the prompt alone
  const out = await generate(prompt, { max_new_tokens: config.maxTokens, do_sample: false });
  const text = out[0]?.generated_text;
  if (typeof text !== 'string' || text.trim() === '') {
    throw new ModelError(`paraphrase.model: ${config.model} generated no text`);
  }
  return text;
}

// ───────────────────────────── edits ─────────────────────────────

/**
 * The paraphrase as edits between protected spans, which must reappear verbatim and in order;
 * null when one is missing (the model changed an amount or dropped a negation).
 */
export function editsAround(text: string, output: string, ctx: PerturbationContext): EditProposal[] | null {
  const edits: EditProposal[] = [];
  let from = 0;
  let cursor = 0;
  for (const span of ctx.protectedSpans) {
    const kept = text.slice(span.start, span.end);
    const at = output.indexOf(kept, cursor);
    if (at < 0) return null;
    edits.push({ start: from, end: span.start, replacement: output.slice(cursor, at) });
    from = span.end;
    cursor = at + kept.length;
  }
  edits.push({ start: from, end: text.length, replacement: output.slice(cursor) });
  const changed = edits.filter((e) => text.slice(e.start, e.end) !== e.replacement);
  return changed.every((e) => editable(text, ctx, e.start, e.end)) ? changed : null;
}

async function paraphrase(text: string, ctx: PerturbationContext, config: Config): Promise<string> {
  const seed = ctx.rng.int(2 ** 31);
  const keep = ctx.protectedSpans.map((s) => text.slice(s.start, s.end));
  const prompt = userPrompt(config, text, keep, ctx.severity, seed);
  const key = createHash('sha256')
    .update(
      JSON.stringify([
        'tailcheck/paraphrase@1',
        config.backend,
        config.model,
        config.backend === 'openai' ? config.system : '',
        prompt,
        config.temperature,
        seed,
        ctx.severity,
        text,
      ]),
    )
    .digest('hex');
  return cacheFor(config.cacheFile).answer(key, async () => {
    const output =
      config.backend === 'openai'
        ? await askEndpoint(config, prompt, seed)
        : await generateLocally(config, prompt);
    return { key, backend: config.backend, model: config.model, severity: ctx.severity, seed, text, output };
  });
}

const model: PerturbationDefinition = {
  name: 'paraphrase.model',
  family: 'paraphrase',
  tag: 'natural',
  meaning: { threshold: 0.8 },
  description:
    'Generative paraphrase from an OpenAI-compatible chat endpoint or a transformers.js text2text model; ' +
    'cached on disk, seeded per variant; protected spans must come back verbatim.',
  severities: {
    1: 'light rewording, sentence structure kept',
    2: 'natural paraphrase, as another customer might write it',
    3: 'free paraphrase with different wording and structure',
  },
  heavy: true,
  needsModel: true,
  async init(options) {
    const config = configFrom(options);
    if (config?.backend === 'transformers') await loadGenerator(config.model);
  },
  async apply(text, ctx) {
    const config = configFrom(ctx.options);
    if (!config) {
      throw new UsageError(
        'paraphrase.model needs a model: pass --paraphrase-url and --paraphrase-model ' +
          '(options { paraphraseModel: { url, model } })',
      );
    }
    if (text.trim() === '') return [];
    const output = cleanOutput(await paraphrase(text, ctx, config), text);
    if (output === text) return [];
    return editsAround(text, output, ctx) ?? [];
  },
};

export default model;
