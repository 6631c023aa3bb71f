import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClassifier } from '../src/classify/backends/http.ts';
import { parseRetryAfter } from '../src/classify/http-client.ts';
import { loadClassifier } from '../src/classify/load.ts';
import { DEFAULT_CONCURRENCY } from '../src/defaults.ts';
import { ModelError } from '../src/errors.ts';
import { LABELS, predict, scores } from './fixtures/backends/_model.mjs';

/**
 * A real HTTP model server on 127.0.0.1. Paths are /<scenario>/<key>/predict (POST) and
 * /<scenario>/<key>/labels (GET); <key> gives each test its own request counters.
 */
interface Seen {
  method: string;
  path: string;
  body: unknown;
  headers: IncomingMessage['headers'];
  at: number;
}
const seen: Seen[] = [];
const hanging: ServerResponse[] = [];
const MAX_REQUESTS = 500;
let inFlight = 0;
let maxInFlight = 0;
let server: Server;
let base: string;

const fullList = (text: string) =>
  scores(text)
    .map((score, i) => ({ label: LABELS[i]!, score }))
    .sort((a, b) => b.score - a.score);

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  // /<scenario>/<key>/<action>: the key only separates the tests' request counters
  const [, scenario, , action] = (req.url ?? '').split('/');
  const record = {
    method: req.method!,
    path: req.url!,
    body: raw ? JSON.parse(raw) : undefined,
    headers: req.headers,
  };
  seen.push({ ...record, at: performance.now() });
  const count = seen.filter((s) => s.path === req.url).length;

  if (action === 'labels') {
    if (scenario === 'wrapped') return send(res, 200, { labels: LABELS });
    if (scenario === 'ok' || scenario === 'slow') return send(res, 200, LABELS);
    return send(res, 404, { error: 'not found' });
  }
  const texts = (record.body as { inputs?: string[] })?.inputs ?? [];
  switch (scenario) {
    case 'ok':
    case 'probe':
      return send(res, 200, texts.map(fullList));
    case 'single':
      return send(res, 200, fullList(texts[0]!));
    case 'slow':
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 30));
      inFlight--;
      return send(res, 200, texts.map(fullList));
    case 'wrapped':
      return send(res, 200, {
        predictions: texts.map((t) => ({ label: predict(t).label, scores: scores(t) })),
      });
    case 'top1':
      return send(
        res,
        200,
        texts.map((t) => ({ label: predict(t).label, score: 0.7 })),
      );
    case 'custom': {
      const body = record.body as { instances: string[]; parameters?: unknown };
      const outputs = body.instances.map((t) => scores(t).map((prob, i) => ({ name: LABELS[i], prob })));
      return send(res, 200, { data: { outputs }, parameters: body.parameters });
    }
    case 'flaky':
      return count === 1 ? send(res, 500, 'internal error') : send(res, 200, texts.map(fullList));
    case 'ratelimit':
      return count === 1
        ? send(res, 429, { error: 'slow down' }, { 'retry-after': '1' })
        : send(res, 200, texts.map(fullList));
    case 'down':
      return send(res, 502, 'bad gateway');
    case 'patience':
      return send(res, 503, 'maintenance', { 'retry-after': '3600' });
    case 'hang':
      hanging.push(res);
      return;
    case 'garbage':
      return send(res, 200, '<html>proxy error</html>');
    case 'wrongcount':
      return send(res, 200, texts.slice(1).map(fullList));
    case 'unknownlabel':
      return send(
        res,
        200,
        texts.map(() => [{ label: 'sarcastic', score: 1 }]),
      );
    case 'badrequest':
      return send(res, 400, { error: 'inputs too long' });
    default:
      return send(res, 404, { error: `no scenario ${scenario}` });
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    if (seen.length >= MAX_REQUESTS) return send(res, 400, 'request budget exhausted');
    handle(req, res).catch((err: Error) => send(res, 400, err.message));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const res of hanging) res.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const requestsTo = (prefix: string) => seen.filter((s) => s.path.startsWith(prefix));
const fast = { backoffMs: 5, seed: 1 };

describe('http backend', () => {
  it('discovers labels from GET …/labels and classifies in batches', async () => {
    const clf = await createHttpClassifier(`${base}/ok/a/predict`, { ...fast, batchSize: 2 });
    expect(clf.labels).toEqual(LABELS);
    const input = ['I love this bank', 'awful service', 'what time is it'];
    expect(await clf.classify(input)).toEqual(input.map(predict));
    const posts = requestsTo('/ok/a/predict');
    expect(posts.map((p) => p.body)).toEqual([{ inputs: input.slice(0, 2) }, { inputs: input.slice(2) }]);
    expect(posts[0]!.headers['content-type']).toBe('application/json');
  });

  it('reads {"labels"} and {"predictions": [{label, scores}]} answers', async () => {
    const clf = await createHttpClassifier(`${base}/wrapped/a/predict`, fast);
    expect(clf.labels).toEqual(LABELS);
    expect(await clf.classify(['good', 'bad'])).toEqual(['good', 'bad'].map(predict));
  });

  it('probes for the labels when there is no labels endpoint (sorted by name)', async () => {
    const clf = await createHttpClassifier(`${base}/probe/a/predict`, fast);
    expect(clf.labels).toEqual([...LABELS].sort());
    const [p] = await clf.classify(['great stuff']);
    expect(p!.label).toBe('positive');
    expect(p!.scores).toEqual([...LABELS].sort().map((l) => scores('great stuff')[LABELS.indexOf(l)]));
  });

  it('accepts the bare list answer for a single text', async () => {
    const clf = await createHttpClassifier(`${base}/single/a/predict`, { ...fast, labels: LABELS });
    expect(await clf.classify(['so good'])).toEqual([predict('so good')]);
  });

  it('maps custom request and response fields (--http-map)', async () => {
    const map = {
      requestField: 'instances',
      responseField: 'data.outputs',
      labelKey: 'name',
      scoreKey: 'prob',
      requestExtra: { parameters: { top_k: null } },
      labelsUrl: null,
    };
    const clf = await loadClassifier(`${base}/custom/a/predict`, {
      labels: LABELS,
      httpMap: JSON.stringify(map),
    });
    expect(await clf.classify(['love it', 'hate it'])).toEqual(['love it', 'hate it'].map(predict));
    const [request] = requestsTo('/custom/a/');
    expect(request!.body).toEqual({ parameters: { top_k: null }, instances: ['love it', 'hate it'] });
    expect(requestsTo('/custom/a/labels')).toHaveLength(0);
  });

  it('fills the scores of a top-1 backend from the remaining probability', async () => {
    const clf = await createHttpClassifier(`${base}/top1/a/predict`, { ...fast, labels: LABELS });
    const [p] = await clf.classify(['love']);
    expect(p!.label).toBe('positive');
    expect(p!.scores[2]).toBe(0.7);
    expect(p!.scores[0]).toBeCloseTo(0.15, 12);
    expect(p!.scores[1]).toBeCloseTo(0.15, 12);
  });

  it('retries a 500 and then succeeds', async () => {
    const clf = await createHttpClassifier(`${base}/flaky/a/predict`, { ...fast, labels: LABELS });
    expect(await clf.classify(['good'])).toEqual([predict('good')]);
    expect(requestsTo('/flaky/a/predict')).toHaveLength(2);
  });

  it('waits for Retry-After on 429, then succeeds', async () => {
    const clf = await createHttpClassifier(`${base}/ratelimit/a/predict`, { ...fast, labels: LABELS });
    expect(await clf.classify(['good'])).toEqual([predict('good')]);
    const [first, second] = requestsTo('/ratelimit/a/predict');
    const waited = second!.at - first!.at;
    expect(waited).toBeGreaterThanOrEqual(950);
    expect(waited).toBeLessThan(5000);
  });

  it('refuses a Retry-After longer than it is willing to wait', async () => {
    const clf = await createHttpClassifier(`${base}/patience/a/predict`, { ...fast, labels: LABELS });
    await expect(clf.classify(['x'])).rejects.toThrow(/asks to wait 3600 s/);
    expect(requestsTo('/patience/a/predict')).toHaveLength(1);
  });

  it('gives up on a server that keeps failing after the configured retries', async () => {
    const clf = await createHttpClassifier(`${base}/down/a/predict`, { ...fast, labels: LABELS, retries: 2 });
    await expect(clf.classify(['x'])).rejects.toThrow(/HTTP 502.*gave up after 3 attempts/);
    expect(requestsTo('/down/a/predict')).toHaveLength(3);
  });

  it('times out a hanging server, retries, then raises a ModelError', async () => {
    const clf = await createHttpClassifier(`${base}/hang/a/predict`, {
      ...fast,
      labels: LABELS,
      timeoutMs: 300,
      retries: 1,
    });
    const error = await clf.classify(['x']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelError);
    expect((error as Error).message).toMatch(/no answer within 300 ms \(gave up after 2 attempts\)/);
    expect(requestsTo('/hang/a/predict')).toHaveLength(2);
  });

  it('reports malformed JSON (after retrying)', async () => {
    const clf = await createHttpClassifier(`${base}/garbage/a/predict`, {
      ...fast,
      labels: LABELS,
      retries: 1,
    });
    await expect(clf.classify(['x'])).rejects.toThrow(
      /malformed JSON in the response: <html>proxy error<\/html>/,
    );
    expect(requestsTo('/garbage/a/predict')).toHaveLength(2);
  });

  it('rejects a wrong number of answers at once', async () => {
    const clf = await createHttpClassifier(`${base}/wrongcount/a/predict`, { ...fast, labels: LABELS });
    await expect(clf.classify(['a', 'b', 'c'])).rejects.toThrow(/returned 2 answers for 3 texts/);
    expect(requestsTo('/wrongcount/a/predict')).toHaveLength(1);
  });

  it('rejects unknown labels, naming the answer', async () => {
    const clf = await createHttpClassifier(`${base}/unknownlabel/a/predict`, { ...fast, labels: LABELS });
    await expect(clf.classify(['a'])).rejects.toThrow(
      /answer 1 of 1 \(for the text "a"\): unknown label "sarcastic"/,
    );
  });

  it('does not retry a 400', async () => {
    const clf = await createHttpClassifier(`${base}/badrequest/a/predict`, { ...fast, labels: LABELS });
    await expect(clf.classify(['a'])).rejects.toThrow(/answered HTTP 400.*inputs too long/);
    expect(requestsTo('/badrequest/a/predict')).toHaveLength(1);
  });

  it('asks for --labels when neither an endpoint nor the answers name them', async () => {
    await expect(createHttpClassifier(`${base}/top1/b/predict`, fast)).rejects.toThrow(/--labels/);
  });

  it('keeps at most `concurrency` requests in flight and sends headers', async () => {
    maxInFlight = 0;
    const clf = await createHttpClassifier(`${base}/slow/a/predict`, {
      ...fast,
      batchSize: 1,
      concurrency: 2,
      headers: { authorization: 'Bearer test-token' },
    });
    const input = ['a', 'b', 'c', 'd', 'e', 'f'];
    expect(await clf.classify(input)).toEqual(input.map(predict));
    expect(maxInFlight).toBe(2);
    expect(requestsTo('/slow/a/predict')[0]!.headers.authorization).toBe('Bearer test-token');
  });

  it('without `concurrency`, keeps DEFAULT_CONCURRENCY requests in flight (the documented default)', async () => {
    maxInFlight = 0;
    const clf = await createHttpClassifier(`${base}/slow/a/predict`, { ...fast, batchSize: 1 });
    const input = ['a', 'b', 'c', 'd', 'e', 'f'];
    expect(await clf.classify(input)).toEqual(input.map(predict));
    expect(maxInFlight).toBe(DEFAULT_CONCURRENCY);
  });

  it('fingerprints URL, mapping, labels and model version, but not headers', async () => {
    const url = `${base}/ok/b/predict`;
    const a = await createHttpClassifier(url, { labels: LABELS });
    const b = await createHttpClassifier(url, { labels: LABELS, headers: { authorization: 'x' } });
    const c = await createHttpClassifier(url, { labels: LABELS, modelVersion: 'v2' });
    const d = await createHttpClassifier(url, { labels: LABELS, map: { requestField: 'texts' } });
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(new Set([a.fingerprint, c.fingerprint, d.fingerprint]).size).toBe(3);
  });

  it('turns a refused connection into a ModelError after retries', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const clf = await createHttpClassifier(`http://127.0.0.1:${port}/predict`, {
      ...fast,
      labels: LABELS,
      retries: 1,
    });
    await expect(clf.classify(['x'])).rejects.toThrow(
      /network error: ECONNREFUSED.*gave up after 2 attempts/,
    );
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('0.5', now)).toBe(500);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:03 GMT', now)).toBe(3000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:59:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
