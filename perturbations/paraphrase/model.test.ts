/**
 * paraphrase.model against a real local HTTP server speaking the chat-completions protocol
 * with canned, deterministic rewrites. (No real model is reachable offline here; the
 * transformers.js backend is not exercised.)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_DRAWS, perturbExamples, perturbText } from '../../src/perturb/engine.ts';
import type { Variant } from '../../src/types.ts';
import model, { clearMemoryCache, type RetryEvent } from './model.ts';

interface Seen {
  body: { model: string; messages: { role: string; content: string }[]; temperature: number; seed: number };
  authorization?: string;
}
type Behaviour = (req: IncomingMessage, res: ServerResponse, body: Seen['body']) => void;

/** The canned paraphrase: a fixed, meaning-preserving rewrite of the user message. */
function rewrite(text: string): string {
  return `Quick question: ${text.charAt(0).toLowerCase()}${text.slice(1)}`;
}

function answer(res: ServerResponse, content: string): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      id: 'x',
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content } }],
    }),
  );
}

const ok: Behaviour = (_req, res, body) => answer(res, rewrite(body.messages[1].content));

let server: Server;
let url: string;
let seen: Seen[] = [];
/** one behaviour per request, in order; when empty, requests succeed */
let script: Behaviour[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => {
      raw += chunk.toString('utf8');
    });
    req.on('end', () => {
      const body = JSON.parse(raw) as Seen['body'];
      seen.push({ body, authorization: req.headers.authorization });
      (script.shift() ?? ok)(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  seen = [];
  script = [];
  clearMemoryCache();
});

function cacheDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tailcheck-paraphrase-'));
  dirs.push(dir);
  return dir;
}

function options(extra: Record<string, unknown> = {}) {
  return {
    paraphraseModel: { url, model: 'tiny-paraphraser', prompt: '{text}', cacheDir: cacheDir(), ...extra },
  };
}

async function run(text: string, opts: Record<string, unknown>, variant = 0): Promise<Variant> {
  return perturbText(text, model, { seed: 11, severity: 2, variant, options: opts });
}

describe('paraphrase.model over chat completions', () => {
  it('sends model, messages, temperature and a seed, and applies the paraphrase around protected text', async () => {
    process.env.TAILCHECK_TEST_PARAPHRASE_KEY = 'sk-local-test';
    const text = 'Can you move £20 to my savings? I do not want to pay a fee.';
    const v = await run(text, options({ apiKeyEnv: 'TAILCHECK_TEST_PARAPHRASE_KEY', temperature: 0.3 }));
    expect(v.text).toBe(rewrite(text));
    expect(v.changed).toBe(true);
    // "£20" and "not" survive untouched: the edits sit between them
    for (const e of v.edits) expect(e.before).not.toMatch(/£20|not/);
    expect(seen).toHaveLength(1);
    const { body, authorization } = seen[0];
    expect(body.model).toBe('tiny-paraphraser');
    expect(body.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(body.messages[1].content).toBe(text);
    expect(body.temperature).toBe(0.3);
    expect(Number.isInteger(body.seed)).toBe(true);
    expect(authorization).toBe('Bearer sk-local-test');
  });

  it('puts the severity instruction and the protected spans into the default prompt', async () => {
    const opts = options();
    delete (opts.paraphraseModel as { prompt?: string }).prompt;
    await run('Why was I charged 3 times?', opts);
    const prompt = seen[0].body.messages[1].content;
    expect(prompt).toContain('Message: Why was I charged 3 times?');
    expect(prompt).toContain('Keep these exactly as written: "3".');
  });

  it('caches every answer on disk: a second run makes no request and gives identical variants', async () => {
    const opts = options();
    const texts = [
      'How do I close my account?',
      'My card was swallowed by the machine.',
      'Where is my refund?',
    ];
    const first = await perturbExamples(texts, [model], {
      seed: 5,
      severities: [1, 3],
      variants: 2,
      options: opts,
    });
    // the server gives one paraphrase per text, so each group's second variant repeats the first:
    // re-drawn (MAX_DRAWS draws in all), then recorded as a duplicate
    expect(seen).toHaveLength(texts.length * 2 * (1 + MAX_DRAWS));
    expect(first.flat().map((v) => v.dropped ?? 'counted')).toEqual(
      texts.flatMap(() => ['counted', 'duplicate', 'counted', 'duplicate']),
    );
    // every draw asks with its own seed
    const seeds = new Set(seen.map((s) => `${s.body.messages[1].content}|${s.body.seed}`));
    expect(seeds.size).toBe(seen.length);
    const lines = readFileSync(join(opts.paraphraseModel.cacheDir, 'cache.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(seen.length);

    clearMemoryCache();
    seen = [];
    const second = await perturbExamples(texts, [model], {
      seed: 5,
      severities: [1, 3],
      variants: 2,
      options: opts,
    });
    expect(seen).toHaveLength(0);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
  });

  it('waits as a 429 Retry-After says (capped by maxRetryAfterMs), then succeeds', async () => {
    const retries: RetryEvent[] = [];
    script = [
      (_req, res) => {
        res.writeHead(429, { 'retry-after': '0' });
        res.end('slow down');
      },
      (_req, res) => {
        res.writeHead(429, { 'retry-after': '120' });
        res.end();
      },
    ];
    const text = 'Could you raise my daily limit?';
    const v = await run(
      text,
      options({ retryDelayMs: 25, maxRetryAfterMs: 40, onRetry: (e: RetryEvent) => retries.push(e) }),
    );
    expect(v.text).toBe(rewrite(text));
    expect(seen).toHaveLength(3);
    expect(retries.map((r) => r.delayMs)).toEqual([0, 40]);
    expect(retries[0].reason).toMatch(/HTTP 429/);
  });

  it('retries a 500 with backoff, then succeeds', async () => {
    const retries: RetryEvent[] = [];
    script = [
      (_req, res) => {
        res.writeHead(500);
        res.end('internal error');
      },
    ];
    const text = 'My top up is missing.';
    const v = await run(text, options({ retryDelayMs: 5, onRetry: (e: RetryEvent) => retries.push(e) }));
    expect(v.text).toBe(rewrite(text));
    expect(seen).toHaveLength(2);
    expect(retries).toEqual([{ attempt: 1, reason: 'HTTP 500: internal error', delayMs: 5 }]);
  });

  it('fails clearly on a body that is not JSON, without retrying', async () => {
    script = [
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"choices": [');
      },
    ];
    await expect(run('Is my card active?', options({ retryDelayMs: 1 }))).rejects.toThrow(
      /paraphrase\.model: the answer from http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions is not valid JSON: \{"choices": \[/,
    );
    expect(seen).toHaveLength(1);
  });

  it('fails clearly on JSON without choices[0].message.content', async () => {
    script = [(_req, res) => answer(res, '') /* empty content */];
    await expect(run('Is my card active now?', options())).rejects.toThrow(/returned an empty paraphrase/);
    script = [
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"result": "hello"}');
      },
    ];
    await expect(run('Is my new card active?', options())).rejects.toThrow(
      /has no choices\[0\]\.message\.content string: \{"result": "hello"\}/,
    );
  });

  it('fails clearly when every attempt times out', async () => {
    script = [() => undefined, () => undefined]; // never answer
    await expect(
      run('Why is my transfer late?', options({ timeoutMs: 100, retries: 1, retryDelayMs: 1 })),
    ).rejects.toThrow(
      /POST http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions failed \(2 attempts\): timed out after 100 ms/,
    );
    expect(seen).toHaveLength(2);
  });

  it('does not retry a 401', async () => {
    script = [
      (_req, res) => {
        res.writeHead(401);
        res.end('{"error": "bad key"}');
      },
    ];
    await expect(run('Can I order a card?', options())).rejects.toThrow(
      /failed: HTTP 401: \{"error": "bad key"\}/,
    );
    expect(seen).toHaveLength(1);
  });

  it('leaves the text unchanged when the paraphrase lost a protected span or changed nothing', async () => {
    script = [(_req, res) => answer(res, 'I want to pay the fee for my 2 cards.')];
    const dropped = await run('I do not want to pay the fee for my 2 cards.', options());
    expect(dropped.changed).toBe(false);
    script = [(_req, res, body) => answer(res, `  "${body.messages[1].content}"\n`)];
    const same = await run('I need a new PIN.', options());
    expect(same.changed).toBe(false);
  });

  it('accepts the options flat in ctx.options', async () => {
    const text = 'Please freeze my card.';
    const v = await run(text, { url, model: 'tiny-paraphraser', prompt: '{text}', cacheDir: cacheDir() });
    expect(v.text).toBe(rewrite(text));
  });

  it('explains what is missing when unconfigured or misconfigured', async () => {
    await expect(run('Hello there.', {})).rejects.toThrow(
      /needs a model: pass --paraphrase-url and --paraphrase-model/,
    );
    await expect(
      run('Hello there.', { paraphraseModel: { url, model: 'x', temprature: 1 } }),
    ).rejects.toThrow(/paraphrase\.model options: .*temprature/);
    await expect(run('Hello there.', { paraphraseModel: { url: 'ftp://host', model: 'x' } })).rejects.toThrow(
      /url must be http\(s\)/,
    );
    await expect(
      run('Hello there.', {
        paraphraseModel: { url, model: 'x', apiKeyEnv: 'TAILCHECK_TEST_UNSET_KEY_VAR' },
      }),
    ).rejects.toThrow(/TAILCHECK_TEST_UNSET_KEY_VAR \(the API key\) is not set/);
    expect(seen).toHaveLength(0);
  });
});
