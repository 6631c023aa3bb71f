/**
 * HTTP backend (`--model https://host/predict`).
 *
 * Protocol (defaults; every name is configurable through `HttpMapping` / `--http-map '{…}'`):
 *   request   POST <url>  Content-Type: application/json   {"inputs": ["text 1", "text 2", …]}
 *             (`requestField` names the list; `requestExtra` adds fields, e.g. {"parameters": {"top_k": null}})
 *   response  one answer per text, in order, as the body itself (`[…]`), or under "predictions"
 *             (`{"predictions": […]}`), or under `responseField` (a dotted path such as "data.outputs").
 *             Each answer is [{"label","score"}…] (all labels or the top k), {"label","scores":[…]},
 *             {"label","score"} or {"label"} — see predictions.ts; `labelKey`, `scoreKey`, `scoresKey` rename them.
 *             A single-text request may also be answered by the bare list [{"label","score"}…].
 *   labels    from the `labels` option; else GET `labelsUrl` (default: "labels" beside the URL, e.g.
 *             https://host/labels) answering ["a","b",…] or {"labels": […]}; else one probe request whose
 *             answer lists every label (sorted by name). Otherwise: ModelError asking for --labels.
 * Reliability (the shared loop of http-client.ts): at most `concurrency` requests in flight, a timeout
 * per request, retries with exponential backoff and seeded jitter on network errors, timeouts,
 * malformed JSON, HTTP 408, 429 and 5xx; on 429/503 a Retry-After (seconds or HTTP date) is waited
 * instead, and one longer than `maxWaitMs` fails. Other 4xx, a wrong number of answers and unknown
 * labels fail at once with a ModelError.
 * Fingerprint (the cache key): the URL, the field mapping (without `labelsUrl`), the labels,
 * `--model-version` and the `--model-files` digest — NOT the model behind the URL (a redeploy with new
 * weights looks the same) nor the headers: bump `--model-version` or name the weights with `--model-files`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import { DEFAULT_SEED } from '../../defaults.ts';
import { ModelError, UsageError } from '../../errors.ts';
import type { Classifier, Prediction } from '../../types.ts';
import { createRng, rngKey } from '../../util/rng.ts';
import { defineBackend, defineOption } from '../backend.ts';
import { type HttpFailure, requestWithRetries, snippet } from '../http-client.ts';
import { classifyInBatches, createLimiter } from '../limit.ts';
import {
  AnswerError,
  checkLabelList,
  DEFAULT_ITEM_KEYS,
  type ItemKeys,
  labelIndex,
  labelsFromAnswer,
  sha256,
  toPredictions,
} from '../predictions.ts';
import {
  batchSizeOption,
  concurrencyOption,
  EVERY_BACKEND_OPTIONS,
  identityParts,
  labelsOption,
  type ModelIdentity,
  modelFilesDigest,
  resolveLabels,
  seedOption,
  timeoutOption,
} from './common.ts';

export interface HttpMapping extends ItemKeys {
  /** field of the request body that holds the texts (dotted path), default "inputs" */
  requestField: string;
  /** where the answers are in the response (dotted path); null = the body if it is an array, else "predictions" */
  responseField: string | null;
  /** extra fields merged into every request body */
  requestExtra: Record<string, unknown>;
  /** GET endpoint listing the labels; default "labels" resolved against the URL; null = do not ask */
  labelsUrl?: string | null;
}

export interface HttpClassifierOptions extends ModelIdentity {
  labels?: readonly string[];
  map?: Partial<HttpMapping>;
  /** texts per request, default 32 */
  batchSize?: number;
  /** requests in flight, default DEFAULT_CONCURRENCY (1, `concurrencyOption`) */
  concurrency?: number;
  /** per attempt, default 30 000 ms */
  timeoutMs?: number;
  /** extra attempts after the first, default 4 (`retriesOption`) */
  retries?: number;
  /** first backoff delay, doubled per attempt (× a jitter factor in [0.5, 1.5)), default 500 ms */
  backoffMs?: number;
  /** longest wait between attempts, default 30 000 ms (a longer Retry-After fails) */
  maxWaitMs?: number;
  /** seeds the jitter */
  seed?: number;
  /** extra request headers (e.g. Authorization); not part of the fingerprint */
  headers?: Record<string, string>;
  /** user-declared model version, part of the fingerprint (the URL alone cannot tell a redeploy) */
}

const DEFAULT_MAPPING: HttpMapping = {
  ...DEFAULT_ITEM_KEYS,
  requestField: 'inputs',
  responseField: null,
  requestExtra: {},
};

const PROBE_TEXT = 'tailcheck label probe';

function getPath(body: unknown, path: string): unknown {
  let value = body;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

function checkMapping(map: Partial<HttpMapping> | undefined): HttpMapping {
  const merged = { ...DEFAULT_MAPPING, ...map };
  for (const key of ['requestField', 'labelKey', 'scoreKey', 'scoresKey'] as const) {
    if (typeof merged[key] !== 'string' || merged[key] === '') {
      throw new ModelError(`http mapping: "${key}" must be a non-empty string`);
    }
  }
  if (merged.responseField !== null && typeof merged.responseField !== 'string') {
    throw new ModelError('http mapping: "responseField" must be a string or null');
  }
  const extra = merged.requestExtra;
  if (extra === null || typeof extra !== 'object' || Array.isArray(extra)) {
    throw new ModelError('http mapping: "requestExtra" must be an object');
  }
  return merged;
}

export async function createHttpClassifier(
  url: string,
  opts: HttpClassifierOptions = {},
): Promise<Classifier> {
  const endpoint = new URL(url).href;
  const map = checkMapping(opts.map);
  const batchSize = opts.batchSize ?? batchSizeOption.default;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const retries = opts.retries ?? retriesOption.default;
  const backoffMs = opts.backoffMs ?? 500;
  const maxWaitMs = opts.maxWaitMs ?? 30_000;
  const limit = createLimiter(opts.concurrency ?? concurrencyOption.default);
  const rng = createRng(rngKey('tailcheck/http-backoff', opts.seed ?? DEFAULT_SEED, endpoint));
  const headers = { 'content-type': 'application/json', accept: 'application/json', ...opts.headers };

  const statusLine = (f: { status: number; statusText: string }) =>
    `HTTP ${f.status}${f.statusText ? ` ${f.statusText}` : ''}`;

  function withRetries(target: string, init: RequestInit, maxRetries: number): Promise<unknown> {
    return requestWithRetries<unknown>(target, init, {
      timeoutMs,
      retries: maxRetries,
      backoffMs,
      maxWaitMs,
      jitter: rng,
      read(text) {
        try {
          return { value: JSON.parse(text) };
        } catch {
          return { retry: `malformed JSON in the response: ${snippet(text) || '(empty body)'}` };
        }
      },
      describe(failure: HttpFailure) {
        switch (failure.kind) {
          case 'status':
            return failure.status === 429 || failure.status === 503
              ? statusLine(failure)
              : `${statusLine(failure)}: ${snippet(failure.body)}`;
          case 'timeout':
            return `no answer within ${timeoutMs} ms`;
          case 'network': {
            const cause = (failure.error as { cause?: { code?: string; message?: string } }).cause;
            return `network error: ${cause?.code ?? cause?.message ?? failure.error.message}`;
          }
          case 'answer':
            return failure.message;
        }
      },
      giveUp(reason, failure, attempts, retryable) {
        if (!retryable && failure.kind === 'status') {
          return new ModelError(`${target} answered ${statusLine(failure)}: ${snippet(failure.body)}`);
        }
        return new ModelError(
          `${target}: ${reason} (gave up after ${attempts} attempt${attempts > 1 ? 's' : ''})`,
        );
      },
      tooLong(reason, retryAfterMs) {
        return new ModelError(
          `${target}: ${reason}, and the server asks to wait ${Math.ceil(retryAfterMs / 1000)} s (longer than ${maxWaitMs / 1000} s); try again later`,
        );
      },
    });
  }

  function post(texts: readonly string[], maxRetries = retries): Promise<unknown> {
    const body: Record<string, unknown> = structuredClone(map.requestExtra);
    setPath(body, map.requestField, texts);
    return withRetries(endpoint, { method: 'POST', headers, body: JSON.stringify(body) }, maxRetries);
  }

  function answers(body: unknown, count: number): unknown[] {
    let list =
      map.responseField !== null
        ? getPath(body, map.responseField)
        : Array.isArray(body)
          ? body
          : getPath(body, 'predictions');
    // A single text may be answered by its bare [{label, score}…] list.
    if (count === 1 && Array.isArray(list) && list.length > 1 && list.every((x) => !Array.isArray(x))) {
      if (labelsFromAnswer(list, map) !== undefined) list = [list];
    }
    if (!Array.isArray(list)) {
      const where = map.responseField ?? 'the body or its "predictions" field';
      throw new ModelError(
        `${endpoint}: expected a list of answers in ${where}, got ${snippet(JSON.stringify(body) ?? '')}`,
      );
    }
    if (list.length !== count) {
      throw new ModelError(`${endpoint}: returned ${list.length} answers for ${count} texts`);
    }
    return list;
  }

  async function discoverLabels(): Promise<string[]> {
    if (opts.labels !== undefined) return checkLabelList(opts.labels, 'labels');
    if (map.labelsUrl !== null) {
      const target = new URL(map.labelsUrl ?? 'labels', endpoint).href;
      try {
        const body = await withRetries(target, { method: 'GET', headers }, 0);
        const list = Array.isArray(body) ? body : getPath(body, 'labels');
        if (Array.isArray(list)) return checkLabelList(list, `${target} labels`);
      } catch (err) {
        if (err instanceof AnswerError) throw new ModelError(`${target}: ${err.message}`);
        // No labels endpoint: fall through to the probe.
      }
    }
    const [answer] = answers(await post([PROBE_TEXT]), 1);
    const found = labelsFromAnswer(answer, map);
    if (found === undefined) {
      throw new ModelError(
        `${endpoint}: cannot tell the model's labels (no labels endpoint, and answers do not list every label). ` +
          'Pass them with --labels a,b,c (or a file).',
      );
    }
    return found.sort();
  }

  let labels: string[];
  try {
    labels = await discoverLabels();
  } catch (err) {
    if (err instanceof AnswerError) throw new ModelError(`${endpoint}: ${err.message}`);
    throw err;
  }
  const index = labelIndex(labels);
  const fingerprint = sha256(
    'tailcheck/http@1',
    endpoint,
    JSON.stringify({ ...map, labelsUrl: undefined }),
    JSON.stringify(labels),
    ...identityParts(opts),
  );

  async function classifyBatch(texts: readonly string[]): Promise<Prediction[]> {
    const list = answers(await limit(() => post(texts)), texts.length);
    return toPredictions(list, texts, labels, index, {
      who: endpoint,
      noun: 'answer',
      keys: map,
      scores: opts.answers?.scores,
    });
  }

  return {
    labels,
    fingerprint,
    id: endpoint,
    classify: (texts) => classifyInBatches(texts, batchSize, classifyBatch, true),
  };
}

/** `--http-map`: an object, or JSON text / a file holding one. */
function parseHttpMap(value: Partial<HttpMapping> | string | undefined): Partial<HttpMapping> | undefined {
  if (value === undefined || typeof value !== 'string') return value;
  const source = existsSync(value) && statSync(value).isFile() ? readFileSync(value, 'utf8') : value;
  try {
    const parsed = JSON.parse(source) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new Error('not an object');
    return parsed as Partial<HttpMapping>;
  } catch (err) {
    throw new UsageError(
      `--http-map must be a JSON object (or a file holding one) like {"requestField":"inputs","responseField":"predictions"}: ${(err as Error).message}`,
    );
  }
}

/** `--header "Name: value"` → { Name: value } */
export function parseHeaders(values: readonly string[] | undefined): Record<string, string> | undefined {
  if (!values || values.length === 0) return undefined;
  const headers: Record<string, string> = {};
  for (const h of values) {
    const colon = h.indexOf(':');
    if (colon <= 0) throw new UsageError(`--header takes "Name: value"; got "${h}"`);
    headers[h.slice(0, colon).trim()] = h.slice(colon + 1).trim();
  }
  return headers;
}

const isObject = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);

export const httpMapOption = defineOption({
  key: 'httpMap',
  describe:
    'HTTP backend field mapping, JSON or a file: {"requestField":"inputs","responseField":"predictions","labelKey":"label","scoreKey":"score"}',
  schema: z.union([z.string(), z.custom<Partial<HttpMapping>>(isObject, 'expected an object or JSON text')]),
  path: 'file-or-text',
  cli: { flag: 'http-map', group: 'model', type: 'string' },
});

export const httpHeadersOption = defineOption({
  key: 'httpHeaders',
  describe: 'HTTP backend request header "Name: value" (repeatable)',
  schema: z.record(z.string(), z.string()),
  cli: {
    flag: 'header',
    group: 'model',
    type: 'string',
    array: true,
    fromCli: (values: readonly string[] | undefined) => parseHeaders(values),
  },
});

export const retriesOption = defineOption({
  key: 'retries',
  describe: 'HTTP retries after the first attempt (default 4)',
  schema: z.int().min(0),
  default: 4,
  cli: { flag: 'retries', group: 'model', type: 'number', integer: 'non-negative' },
});

export default defineBackend({
  name: 'http',
  matches: (spec) => /^https?:\/\//i.test(spec),
  options: [
    labelsOption,
    httpMapOption,
    httpHeadersOption,
    timeoutOption,
    retriesOption,
    concurrencyOption,
    seedOption,
    ...EVERY_BACKEND_OPTIONS,
  ],
  create: async (spec, options) =>
    createHttpClassifier(spec, {
      labels: resolveLabels(options.labels),
      batchSize: options.batchSize,
      modelVersion: options.modelVersion,
      modelFilesDigest: await modelFilesDigest(options.modelFiles),
      map: parseHttpMap(options.httpMap),
      concurrency: options.concurrency,
      timeoutMs: options.timeoutMs,
      retries: options.retries,
      seed: options.seed,
      headers: options.httpHeaders,
      answers: { prediction: options.prediction, scores: options.scores },
    }),
});
