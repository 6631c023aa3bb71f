/**
 * The one HTTP request/retry loop behind every model tailcheck reaches over HTTP: the http
 * classification backend (backends/http.ts) and the paraphrase.model perturbation.
 *
 * One attempt: a request with a timeout (AbortController, covering the body too). A failure is
 * retryable when it is a network error, a timeout, HTTP 408, 429 or 5xx, or an answer the caller's
 * `read` rejects as retryable; other statuses and errors thrown by `read` fail at once.
 * One retry scheme: wait `backoffMs` × 2^n before retry n (× a jitter factor in [0.5, 1.5) when a
 * seeded `jitter` source is given), never longer than `maxWaitMs`; on 429/503 a Retry-After header
 * (seconds or HTTP date) replaces that wait — one longer than `maxWaitMs` fails at once when the
 * caller gives `tooLong`, else it is cut to `maxWaitMs`.
 * Callers word their own messages (`describe`, `giveUp`, `tooLong`): the loop only decides.
 */
import { sleep } from './limit.ts';

/** Why one attempt failed, before the caller words it. */
export type HttpFailure =
  | { kind: 'status'; status: number; statusText: string; body: string; retryAfterMs?: number }
  | { kind: 'timeout'; timeoutMs: number }
  | { kind: 'network'; error: Error }
  /** a 2xx answer the caller's `read` found unusable but worth asking again */
  | { kind: 'answer'; message: string };

export interface RetryEvent {
  /** the attempt that failed, from 1 */
  attempt: number;
  reason: string;
  delayMs: number;
}

export interface HttpRetryOptions<T> {
  /** per attempt */
  timeoutMs: number;
  /** extra attempts after the first */
  retries: number;
  /** wait before the first retry, doubled per retry */
  backoffMs: number;
  /** longest wait between attempts */
  maxWaitMs: number;
  /** seeded jitter source (values in [0, 1)); without it the waits are exact */
  jitter?: { next(): number };
  /** a 2xx body → the value, or { retry } to ask again; throwing fails at once */
  read(text: string): { value: T } | { retry: string };
  /** the failure in words (retry events and error messages) */
  describe(failure: HttpFailure): string;
  /** the error when retrying is over (`retryable` false: it was never worth retrying) */
  giveUp(reason: string, failure: HttpFailure, attempts: number, retryable: boolean): Error;
  /** given: the error when the server asks to wait longer than maxWaitMs; absent: wait maxWaitMs */
  tooLong?(reason: string, retryAfterMs: number): Error;
  onRetry?(event: RetryEvent): void;
}

/** Retry-After as milliseconds from now: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** A response body shortened for an error message: whitespace collapsed, at most 200 characters. */
export function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 197)}…` : flat;
}

const retryableStatus = (status: number): boolean => status === 408 || status === 429 || status >= 500;

async function attempt<T>(
  url: string,
  init: RequestInit,
  opts: HttpRetryOptions<T>,
): Promise<{ value: T } | HttpFailure> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), opts.timeoutMs);
  let status: number;
  let statusText: string;
  let text: string;
  let retryAfter: string | null;
  try {
    const response = await fetch(url, { ...init, signal: controller.signal });
    text = await response.text();
    ({ status, statusText } = response);
    retryAfter = response.headers.get('retry-after');
  } catch (err) {
    if (controller.signal.aborted) return { kind: 'timeout', timeoutMs: opts.timeoutMs };
    return { kind: 'network', error: err as Error };
  } finally {
    clearTimeout(timer);
  }
  if (status >= 200 && status < 300) {
    const read = opts.read(text);
    return 'value' in read ? read : { kind: 'answer', message: read.retry };
  }
  const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(retryAfter) : undefined;
  return { kind: 'status', status, statusText, body: text, retryAfterMs };
}

/** Sends `init` to `url` until an answer is read, retrying as the module comment says. */
export async function requestWithRetries<T>(
  url: string,
  init: RequestInit,
  opts: HttpRetryOptions<T>,
): Promise<T> {
  for (let n = 0; ; n++) {
    const outcome = await attempt(url, init, opts);
    if ('value' in outcome) return outcome.value;
    const reason = opts.describe(outcome);
    const retryable = outcome.kind !== 'status' || retryableStatus(outcome.status);
    if (!retryable || n >= opts.retries) throw opts.giveUp(reason, outcome, n + 1, retryable);
    let delayMs = Math.min(
      opts.maxWaitMs,
      opts.backoffMs * 2 ** n * (opts.jitter ? 0.5 + opts.jitter.next() : 1),
    );
    const retryAfterMs = outcome.kind === 'status' ? outcome.retryAfterMs : undefined;
    if (retryAfterMs !== undefined) {
      if (retryAfterMs > opts.maxWaitMs && opts.tooLong) {
        throw opts.tooLong(reason, retryAfterMs);
      }
      delayMs = Math.min(retryAfterMs, opts.maxWaitMs);
    }
    opts.onRetry?.({ attempt: n + 1, reason, delayMs });
    await sleep(delayMs);
  }
}
