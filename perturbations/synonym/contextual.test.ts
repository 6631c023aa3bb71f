/**
 * synonym.contextual through the real transformers.js fill-mask path, with the tiny masked LM in
 * test/fixtures/tiny-mlm (2 layers, hidden 64, trained for minutes: its fills are often odd, which is
 * what the filters are for). Golden output: contextual.golden.json; regenerate for review with
 * TAILCHECK_UPDATE_GOLDEN=1 npx vitest run perturbations/synonym/contextual.test.ts
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTransformersPipeline } from '../../src/classify/transformers-models.ts';
import { InputError, UsageError } from '../../src/errors.ts';
import { initPerturbations, perturbExamples, perturbText } from '../../src/perturb/engine.ts';
import { getTagger } from '../../src/perturb/pos.ts';
import { loadRegistry } from '../../src/perturb/registry.ts';
import { STOPWORDS } from '../../src/perturb/synonym.ts';
import { suitePerturbationOptions } from '../../src/suite/context.ts';
import { suiteSchema } from '../../src/suite/schema.ts';
import type { Severity, Variant } from '../../src/types.ts';
import contextual, { eligibleWords, keepFills, parseOptions, replacementCount } from './contextual.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TINY_MLM = join(ROOT, 'test', 'fixtures', 'tiny-mlm');
const OPTIONS = { mlmModel: TINY_MLM };
const GOLDEN = fileURLToPath(new URL('./contextual.golden.json', import.meta.url));
const tagger = getTagger();

// Sentences written for these tests (no dataset text).
const TEXTS = [
  'I lost my card and need a new one sent to my home.',
  'How long does a transfer take to arrive in my account?',
  'Why is my payment still pending after three days?',
  'The app keeps showing the wrong balance on my savings account.',
  'Can I change the address where my statements are delivered?',
  'My friend paid me back but the money has not appeared yet.',
];

const tmp = mkdtempSync(join(tmpdir(), 'tailcheck-mlm-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

await initPerturbations([contextual], OPTIONS);

async function variant(text: string, severity: Severity, index = 0, seed = 5): Promise<Variant> {
  return perturbText(text, contextual, { seed, severity, variant: index, options: OPTIONS });
}

describe('synonym.contextual filters', () => {
  const text = 'I lost my card yesterday';
  const sites = eligibleWords(text);
  const site = (word: string) => sites.find((s) => s.word === word)!;

  it('offers content words only, never stopwords, negations, acronyms or names', () => {
    expect(sites.map((s) => s.word)).toEqual(['lost', 'card']);
    const words = eligibleWords("I didn't get my PIN from Visa, so please help John today.").map(
      (s) => s.word,
    );
    expect(words).toEqual(['help']);
  });

  it('keeps plain fills of the same tag that are not forms of the original', () => {
    const fills = ['wallet', 'cards', '##ing', 'the', 'Card', 'phone', 'pa', 'quickly', 'Paris', 'card'];
    expect(keepFills(text, site('card'), [...fills, 'cardholder', ' bag', '3', 'wallet'])).toEqual([
      'wallet',
      'phone',
      'bag',
    ]);
    // inflection agreement: a past tense for a past tense; "lose"/"loses" are the word itself
    expect(keepFills(text, site('lost'), ['lose', 'found', 'losing', 'loses', 'dropped', 'phone'])).toEqual([
      'found',
      'dropped',
    ]);
  });

  it('keeps the case of a capitalised original', () => {
    const t = 'Transfer failed again';
    const s = eligibleWords(t).find((x) => x.word === 'Transfer')!;
    expect(keepFills(t, s, ['payment', 'Payment'])).toEqual(['Payment']);
  });

  it('scales the number of replaced words with severity', () => {
    expect([1, 2, 3].map((s) => replacementCount(s as Severity, 10))).toEqual([1, 2, 4]);
    expect([1, 2, 3].map((s) => replacementCount(s as Severity, 20))).toEqual([1, 4, 8]);
    expect([1, 2, 3].map((s) => replacementCount(s as Severity, 2))).toEqual([1, 2, 2]);
    expect(replacementCount(3, 0)).toBe(0);
  });
});

describe('synonym.contextual with a real masked LM', () => {
  it('loads the fixture as a transformers.js fill-mask model with sensible outputs', async () => {
    type Fill = { score: number; token: number; token_str: string; sequence: string };
    const { pipe } = await loadTransformersPipeline<
      ((text: string, o: { top_k: number }) => Promise<Fill[]>) & { model: { config: unknown } }
    >('fill-mask', TINY_MLM, { dtype: 'fp32' });
    const fills = await pipe('i want to cancel my [MASK] please', { top_k: 5 });
    expect(fills).toHaveLength(5);
    for (let i = 0; i < fills.length; i++) {
      const f = fills[i]!;
      expect(f.score).toBeGreaterThan(0);
      if (i > 0) expect(f.score).toBeLessThanOrEqual(fills[i - 1]!.score);
      expect(typeof f.token_str).toBe('string');
      expect(f.sequence).toContain(`cancel my ${f.token_str}`);
    }
    expect(fills.reduce((sum, f) => sum + f.score, 0)).toBeLessThanOrEqual(1 + 1e-6);
  });

  it('replaces words with fills the tagger reads in the same part of speech and form', async () => {
    let changed = 0;
    for (const text of TEXTS) {
      for (const severity of [1, 2, 3] as const) {
        const v = await variant(text, severity);
        if (!v.changed) continue;
        changed++;
        const originalTags = new Map(tagger.tagText(text).map((t) => [t.start, t.tag]));
        for (const edit of v.edits) {
          expect(edit.after).toMatch(/^[A-Za-z]{3,}$/);
          expect(edit.after.toLowerCase()).not.toBe(edit.before.toLowerCase());
          expect(STOPWORDS.has(edit.after.toLowerCase())).toBe(false);
          // tagged in the variant alone, each replacement keeps the original's tag
          const single = text.slice(0, edit.from[0]) + edit.after + text.slice(edit.from[1]);
          const token = tagger.tagText(single).find((t) => t.start === edit.from[0])!;
          expect(token.tag, `${edit.before} → ${edit.after} in "${single}"`).toBe(
            originalTags.get(edit.from[0]),
          );
        }
      }
    }
    expect(changed).toBeGreaterThanOrEqual(TEXTS.length * 2);
  });

  it('replaces more words at higher severities', async () => {
    const edits: Record<Severity, number> = { 1: 0, 2: 0, 3: 0 };
    for (const text of TEXTS) {
      for (const severity of [1, 2, 3] as const)
        edits[severity] += (await variant(text, severity)).edits.length;
    }
    expect(edits[1]).toBeLessThan(edits[2]);
    expect(edits[2]).toBeLessThan(edits[3]);
  });

  it('is deterministic: same seed, same variants, whatever ran before; another seed differs', async () => {
    const run = async (texts: readonly string[], seed: number) =>
      (
        await perturbExamples(texts, [contextual], {
          seed,
          severities: [1, 2, 3],
          variants: 2,
          options: OPTIONS,
        })
      ).map((vs) => vs.map((v) => v.text));
    const forward = await run(TEXTS, 11);
    const backward = (await run(TEXTS.slice().reverse(), 11)).reverse();
    expect(backward).toEqual(forward);
    expect(await run(TEXTS, 12)).not.toEqual(forward);
  });

  it('never edits protected spans: numbers, amounts, negations, user patterns', async () => {
    const text = 'I sent 250 dollars to my landlord but the payment has not arrived.';
    for (const severity of [1, 2, 3] as const) {
      for (let i = 0; i < 4; i++) {
        const v = await variant(text, severity, i);
        expect(v.text).toContain('250 dollars');
        expect(v.text).toContain('not arrived');
      }
    }
    // the guarded words are replaceable when nothing protects them …
    const open = await perturbExamples([text], [contextual], {
      seed: 1,
      severities: [3],
      variants: 3,
      options: OPTIONS,
    });
    expect(open[0]!.some((v) => !v.text.includes('landlord') || !v.text.includes('payment'))).toBe(true);
    // … and left alone under --protect
    const guarded = await perturbExamples([text], [contextual], {
      seed: 1,
      severities: [3],
      variants: 3,
      options: OPTIONS,
      protect: [/landlord/, /payment/],
    });
    for (const v of guarded[0]!) {
      expect(v.text).toContain('landlord');
      expect(v.text).toContain('payment');
    }
  });

  it('matches its golden output', async () => {
    const cases = [];
    for (const text of TEXTS) {
      for (const severity of [1, 2, 3] as const)
        cases.push({ text, severity, expected: (await variant(text, severity)).text });
    }
    const golden = { perturbation: 'synonym.contextual', model: 'test/fixtures/tiny-mlm', seed: 5, cases };
    if (process.env.TAILCHECK_UPDATE_GOLDEN === '1')
      writeFileSync(GOLDEN, `${JSON.stringify(golden, null, 2)}\n`);
    expect(existsSync(GOLDEN), `missing ${GOLDEN}: TAILCHECK_UPDATE_GOLDEN=1 regenerates it`).toBe(true);
    const stored = JSON.parse(readFileSync(GOLDEN, 'utf8')) as typeof golden;
    expect(cases).toEqual(stored.cases);
    expect(stored.cases.some((c) => c.expected !== c.text)).toBe(true);
  });
});

describe('synonym.contextual selection and options', () => {
  it('needs a model: selected by family or `all` only once a masked LM is named', async () => {
    const registry = await loadRegistry();
    const names = (spec: string, options?: Record<string, unknown>) =>
      registry.resolve(spec, options ? { options } : {}).map((d) => d.name);
    expect(contextual.needsModel).toBe(true);
    expect(contextual.tag).toBe('natural');
    expect(names('synonym')).not.toContain('synonym.contextual');
    expect(names('all')).not.toContain('synonym.contextual');
    expect(names('synonym', OPTIONS)).toContain('synonym.contextual');
    expect(names('all', OPTIONS)).toContain('synonym.contextual');
    expect(names('synonym.contextual')).toEqual(['synonym.contextual']);
  });

  it('named without a model, it says which option to pass', async () => {
    await expect(initPerturbations([contextual], {})).rejects.toThrow(UsageError);
    await expect(initPerturbations([contextual], {})).rejects.toThrow(/--mlm-model/);
    await expect(
      perturbText('I lost my card', contextual, { seed: 0, severity: 1, variant: 0 }),
    ).rejects.toThrow(/--mlm-model/);
  });

  it('accepts a model name or an options object, and rejects unknown keys', () => {
    expect(parseOptions({})).toBeNull();
    expect(parseOptions({ mlmModel: 'org/bert' })).toEqual({ model: 'org/bert' });
    expect(parseOptions({ mlmModel: { model: 'x', topK: 5 } })).toEqual({ model: 'x', topK: 5 });
    expect(() => parseOptions({ mlmModel: { model: 'x', topk: 5 } })).toThrow(UsageError);
    expect(() => parseOptions({ mlmModel: { model: 'x', topK: 0 } })).toThrow(/topK/);
  });

  it('a suite names it with mlmModel, a folder relative to the suite file or a hub id', () => {
    const suite = (mlmModel?: string) =>
      suiteSchema.parse({ name: 's', tests: [{ type: 'expect', texts: ['x'], label: 'a' }], mlmModel });
    expect(suitePerturbationOptions(suite(), '/suites')).toBeUndefined();
    expect(suitePerturbationOptions(suite('./bert'), '/suites')).toEqual({ mlmModel: '/suites/bert' });
    expect(suitePerturbationOptions(suite('org/bert'), '/suites')).toEqual({ mlmModel: 'org/bert' });
  });

  it('fails clearly on a missing or invalid model folder', async () => {
    const init = (mlmModel: string) => initPerturbations([contextual], { mlmModel });
    await expect(init(join(tmp, 'no-such-model'))).rejects.toThrow(InputError);
    await expect(init(join(tmp, 'no-such-model'))).rejects.toThrow(/masked LM folder not found/);
    await expect(init('./no/such/folder')).rejects.toThrow(/masked LM folder not found/);
    const empty = join(tmp, 'empty');
    mkdirSync(empty);
    await expect(init(empty)).rejects.toThrow(/no config\.json/);
    const noWeights = join(tmp, 'no-weights');
    mkdirSync(noWeights);
    writeFileSync(join(noWeights, 'config.json'), readFileSync(join(TINY_MLM, 'config.json')));
    await expect(init(noWeights)).rejects.toThrow(/onnx\/model\.onnx, which is missing/);
  });
});

describe('synonym.contextual on the command line', () => {
  const BIN = join(ROOT, 'bin', 'tailcheck.js');
  const data = join(tmp, 'in.jsonl');
  writeFileSync(data, `${TEXTS.map((text, i) => JSON.stringify({ id: `q${i}`, text })).join('\n')}\n`);
  const perturb = (...extra: string[]) =>
    spawnSync(
      process.execPath,
      [BIN, 'perturb', '--data', data, '--severity', '1', '--variants', '1', ...extra],
      { encoding: 'utf8', timeout: 120_000 },
    );
  const perturbations = (stdout: string) =>
    new Set(
      stdout
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { perturbation: string }).perturbation),
    );

  it('--mlm-model turns it on within its family; without it the family leaves it out', () => {
    const on = perturb('--perturb', 'synonym', '--mlm-model', TINY_MLM);
    expect(on.status, on.stderr).toBe(0);
    expect(perturbations(on.stdout)).toContain('synonym.contextual');
    const rows = on.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { perturbation: string; changed: boolean });
    expect(rows.filter((r) => r.perturbation === 'synonym.contextual' && r.changed).length).toBeGreaterThan(
      0,
    );
    const off = perturb('--perturb', 'synonym');
    expect(off.status, off.stderr).toBe(0);
    expect(perturbations(off.stdout)).not.toContain('synonym.contextual');
  });

  it('named without --mlm-model, or with a missing folder, it exits with a usage error', () => {
    const unnamed = perturb('--perturb', 'synonym.contextual');
    expect(unnamed.status).toBe(2);
    expect(unnamed.stderr).toMatch(/--mlm-model/);
    const missing = perturb('--perturb', 'synonym.contextual', '--mlm-model', join(tmp, 'nowhere'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/masked LM folder not found/);
  });
});
