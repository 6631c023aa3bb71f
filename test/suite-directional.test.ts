/**
 * Suite `directional` tests with a transform (`transform: negate`): the schema's two forms, the
 * pre-flight checks, the three expectations and the inputs left out, against two real module models —
 * test/fixtures/backends/module-model.ts, a sentiment model that ignores negation, and
 * negation-aware.mjs, the same cues read through a negation — and the --labels-that-flip flag.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { labelsThatFlip } from '../src/cli/parse.ts';
import { formatPath, parseSuite, SuiteError } from '../src/suite/load.ts';
import { runSuite } from '../src/suite/run.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BACKENDS = join(ROOT, 'test', 'fixtures', 'backends');
const IGNORES_NEGATION = join(BACKENDS, 'module-model.ts');
const HEEDS_NEGATION = join(BACKENDS, 'negation-aware.mjs');
const dir = mkdtempSync(join(tmpdir(), 'tailcheck-suite-directional-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Sentiment rows written for this test: one without a finite verb ("Thanks!"), one neutral, and one
// whose gold label contradicts its cue (so the gold label, not the prediction, is the reference).
const ROWS = [
  { text: 'The service was great.', label: 'positive' },
  { text: 'I hate the new app.', label: 'negative' },
  { text: 'I love this bank.', label: 'positive' },
  { text: 'The card arrived on Monday.', label: 'neutral' },
  { text: 'Thanks!', label: 'positive' },
  { text: 'I love the new card.', label: 'negative' },
];
writeFileSync(join(dir, 'reviews.jsonl'), `${ROWS.map((r) => JSON.stringify(r)).join('\n')}\n`);

function suite(tests: string, name = 'negation'): ReturnType<typeof parseSuite> {
  const yaml = `name: ${name}\ndata: reviews.jsonl\nseed: 0\ntests:\n${tests}`;
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, yaml);
  return parseSuite(yaml, file);
}

function problemsOf(tests: string): string[] {
  try {
    suite(tests);
  } catch (err) {
    if (err instanceof SuiteError) return err.problems.map((p) => `${formatPath(p.path)}: ${p.message}`);
    throw err;
  }
  throw new Error('expected the suite to be invalid');
}

async function run(tests: string, model: string, options: Parameters<typeof runSuite>[1] = {}) {
  return runSuite(suite(tests), { model, cacheDir: null, ...options });
}

describe('directional test schema: phrase form and transform form', () => {
  it('accepts a transform by its short or full name, with each expectation', () => {
    const parsed = suite(`  - type: directional
    transform: negate
    texts: [I love it]
    expect: labelChanges
  - type: directional
    transform: directional.negate
    fromData: true
    expect: probabilityDrop
    minDelta: 0.2
  - type: directional
    transform: negate
    texts: [I love it]
    labelsThatFlip: { positive: negative, negative: positive }
  - type: directional
    texts: [my card]
    suffix: has not arrived
    label: card_arrival
    direction: up
`);
    expect(parsed.suite.tests).toHaveLength(4);
  });

  it('needs exactly one edit, and the fields of its own form only', () => {
    expect(
      problemsOf(`  - type: directional
    texts: [I love it]
    transform: negate
    prefix: honestly
    expect: labelChanges
  - type: directional
    texts: [I love it]
    transform: negate
    label: positive
    direction: down
  - type: directional
    texts: [I love it]
    transform: negate
  - type: directional
    texts: [I love it]
    transform: negate
    expect: probabilityDrop
  - type: directional
    texts: [I love it]
    transform: negate
    expect: labelChanges
    minDelta: 0.1
  - type: directional
    texts: [I love it]
    transform: negate
    expect: probabilityDrop
    minDelta: 0.1
    labelsThatFlip: { positive: negative }
  - type: directional
    texts: [I love it]
    suffix: not
    expect: labelChanges
`),
    ).toEqual([
      'tests[0]: needs exactly one of prefix, suffix, insert or transform',
      'tests[1].label: label belongs to the phrase form; a transform test states expect or labelsThatFlip',
      'tests[1].direction: direction belongs to the phrase form; a transform test states expect or labelsThatFlip',
      'tests[1]: a transform test needs expect (labelChanges or probabilityDrop) or labelsThatFlip',
      'tests[2]: a transform test needs expect (labelChanges or probabilityDrop) or labelsThatFlip',
      'tests[3].expect: expect: probabilityDrop needs minDelta (how far the probability must fall)',
      'tests[4].minDelta: minDelta applies to the phrase form and to expect: probabilityDrop only',
      'tests[5].labelsThatFlip: labelsThatFlip states its own expectation (the mapped label): drop it or expect: probabilityDrop',
      'tests[6].expect: expect belongs to the transform form (transform: negate)',
      'tests[6]: a phrase test needs label (whose probability the phrase moves)',
      'tests[6]: a phrase test needs direction (up or down)',
    ]);
    expect(() =>
      suite('  - type: directional\n    transform: negate\n    texts: [a]\n    expect: labelFlips\n'),
    ).toThrow(/tests\[0\]\.expect/);
  });
});

describe('directional test pre-flight', () => {
  it('checks the transform and the labels of labelsThatFlip against the registry and the model', async () => {
    const tests = `  - type: directional
    transform: negat
    texts: [I love it]
    expect: labelChanges
  - type: directional
    transform: typo.keyboard
    texts: [I love it]
    expect: labelChanges
  - type: directional
    transform: negate
    texts: [I love it]
    labelsThatFlip: { postive: negative, negative: positive }
`;
    const err = await run(tests, IGNORES_NEGATION).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SuiteError);
    const messages = (err as SuiteError).problems.map((p) => `${formatPath(p.path)}: ${p.message}`);
    expect(messages).toEqual([
      'tests[0].transform: unknown transform "negat" (did you mean negate?); transforms: negate, directional.negate',
      'tests[1].transform: typo.keyboard is an invariance perturbation (use it in an invariance test); transforms: negate, directional.negate',
      expect.stringMatching(
        /^tests\[2\]\.labelsThatFlip\.postive: unknown label "postive" for model .*\(did you mean positive\?\)$/,
      ),
    ]);
  });

  it('checks the labels of --labels-that-flip in place of the test’s own', async () => {
    const err = await run(
      '  - type: directional\n    transform: negate\n    texts: [I love it]\n    expect: labelChanges\n',
      IGNORES_NEGATION,
      { labelsThatFlip: { positive: 'negatve' } },
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as SuiteError).problems.map((p) => p.message)).toEqual([
      expect.stringMatching(
        /^unknown label "negatve" .*\(did you mean negative\?\) \(from --labels-that-flip\)$/,
      ),
    ]);
  });
});

const FLIPS = `  - type: directional
    name: negation flips sentiment
    transform: negate
    fromData: true
    labelsThatFlip: { positive: negative, negative: positive }
`;

describe('directional test with transform: negate', () => {
  it('fails a model that ignores negation, leaving out and counting what it cannot use', async () => {
    const outcome = await run(FLIPS, IGNORES_NEGATION);
    const [test] = outcome.tests;
    expect(test!.status).toBe('failed');
    // 6 rows; "Thanks!" has no verb to negate; the neutral row's label is not in the map. Only the
    // mislabelled row passes (gold negative wants positive, and the model says positive regardless).
    expect(test!.summary).toMatch(
      /^fail rate 0\.750 ≤ 0\.000: the prediction became the flipped label \(positive → negative, negative → positive\) on 1 of 4 inputs \(negated 5 of 6 inputs; 1 left out, their label is not in labelsThatFlip;/,
    );
    expect(test!.gates[0]).toMatchObject({ gate: 'maxFailRate', scope: 'directional.negate labelsThatFlip' });
    expect(test!.evidence[0]).toMatch(
      /^"The service was great\." → "The service was not great\.": positive \(0\.\d{3}\) → positive \(0\.\d{3}\), wanted negative$/,
    );
    expect(test!.evidence.join('\n')).not.toContain('Thanks');
    expect(test!.evidence.join('\n')).not.toContain('arrived');
  });

  it('passes a model that reads the negation', async () => {
    const [test] = (await run(FLIPS, HEEDS_NEGATION)).tests;
    // all but the mislabelled row: gold negative wants positive, and "I do not love" reads negative
    expect(test!.status).toBe('failed');
    expect(test!.summary).toMatch(/on 3 of 4 inputs/);
    expect(test!.evidence).toEqual([
      expect.stringMatching(
        /^"I love the new card\." → "I do not love the new card\.": .*, wanted positive$/,
      ),
    ]);
    const [loose] = (
      await run(FLIPS.replace('fromData: true', 'fromData: true\n    maxFailRate: 0.25'), HEEDS_NEGATION)
    ).tests;
    expect(loose!.status).toBe('passed');
  });

  it('labelChanges: the prediction must differ from the original’s', async () => {
    const tests = `  - type: directional
    transform: negate
    texts: ['The service was great.', 'I hate the new app.', 'Thanks!']
    expect: labelChanges
`;
    const [ignored] = (await run(tests, IGNORES_NEGATION)).tests;
    expect(ignored!.status).toBe('failed');
    expect(ignored!.summary).toMatch(/the prediction changed on 0 of 2 inputs \(negated 2 of 3 inputs;/);
    expect(ignored!.evidence[1]).toMatch(
      /^"I hate the new app\." → "I do not hate the new app\.": negative \(0\.\d{3}\) → negative \(0\.\d{3}\)$/,
    );
    const [heeded] = (await run(tests, HEEDS_NEGATION)).tests;
    expect(heeded!.status).toBe('passed');
    expect(heeded!.summary).toMatch(/the prediction changed on 2 of 2 inputs/);
  });

  it('probabilityDrop: the gold label of data rows is the reference; texts without gold use the prediction', async () => {
    const fromData = `  - type: directional
    transform: negate
    fromData: { labels: [positive, negative] }
    expect: probabilityDrop
    minDelta: 0.5
`;
    const [gold] = (await run(fromData, HEEDS_NEGATION)).tests;
    expect(gold!.status).toBe('failed');
    expect(gold!.summary).toMatch(
      /^fail rate 0\.250 ≤ 0\.000: p\(gold label\) fell by ≥ 0\.500 on 3 of 4 inputs \(negated 4 of 5 inputs;/,
    );
    // gold negative, "I love the new card." → p(negative) rises when negated
    expect(gold!.evidence).toEqual([
      expect.stringMatching(
        /^"I love the new card\." → "I do not love the new card\.": positive \(0\.\d{3}\) → negative \(0\.\d{3}\), p\(negative\) 0\.\d{3} → 0\.\d{3}$/,
      ),
    ]);
    const texts = `  - type: directional
    transform: negate
    texts: ['The service was great.', 'I hate the new app.', 'I love this bank.', 'I love the new card.']
    expect: probabilityDrop
    minDelta: 0.5
`;
    const [predicted] = (await run(texts, HEEDS_NEGATION)).tests;
    expect(predicted!.status).toBe('passed');
    expect(predicted!.summary).toMatch(/p\(predicted label\) fell by ≥ 0\.500 on 4 of 4 inputs/);
    const [ignored] = (await run(texts, IGNORES_NEGATION)).tests;
    expect(ignored!.status).toBe('failed');
  });

  it('--labels-that-flip overrides the expectation of every transform test', async () => {
    const tests = `  - type: directional
    transform: negate
    texts: ['The service was great.', 'I hate the new app.']
    expect: probabilityDrop
    minDelta: 0.99
`;
    const [own] = (await run(tests, HEEDS_NEGATION)).tests;
    expect(own!.status).toBe('failed');
    const [flipped] = (
      await run(tests, HEEDS_NEGATION, { labelsThatFlip: { positive: 'negative', negative: 'positive' } })
    ).tests;
    expect(flipped!.status).toBe('passed');
    expect(flipped!.summary).toMatch(/the prediction became the flipped label .* on 2 of 2 inputs/);
  });

  it('is an error, not a pass, when the transform changes no input', async () => {
    const [test] = (
      await run(
        '  - type: directional\n    transform: negate\n    texts: [Thanks!, ok]\n    expect: labelChanges\n',
        IGNORES_NEGATION,
      )
    ).tests;
    expect(test!.status).toBe('error');
    expect(test!.summary).toMatch(/directional\.negate could not change any of the 2 inputs/);
  });
});

describe('--labels-that-flip', () => {
  it('parses FROM:TO pairs', () => {
    expect(labelsThatFlip(undefined)).toBeUndefined();
    expect(labelsThatFlip('positive:negative, negative:positive')).toEqual({
      positive: 'negative',
      negative: 'positive',
    });
    expect(labelsThatFlip('joy:sadness')).toEqual({ joy: 'sadness' });
  });

  it.each([
    ['', /is empty/],
    ['positive', /malformed pair "positive"/],
    ['positive:', /malformed pair "positive:"/],
    [':negative', /malformed pair ":negative"/],
    ['a:b:c', /malformed pair "a:b:c"/],
    ['a:b,,b:a', /malformed pair ""/],
    ['a:b,a:c', /maps "a" twice/],
  ])('refuses %j', (value, message) => {
    expect(() => labelsThatFlip(value)).toThrow(message);
  });

  it('is a usage error on the command line (exit 2), before the model is loaded', () => {
    const file = join(dir, 'flag.yaml');
    writeFileSync(
      file,
      'name: flag\ntests:\n  - type: directional\n    transform: negate\n    texts: [I love it]\n    expect: labelChanges\n',
    );
    const r = spawnSync(
      process.execPath,
      [
        join(ROOT, 'bin', 'tailcheck.js'),
        'suite',
        file,
        '--model',
        IGNORES_NEGATION,
        '--labels-that-flip',
        'positive',
      ],
      { cwd: ROOT, encoding: 'utf8', timeout: 120_000 },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--labels-that-flip has a malformed pair "positive"; expected FROM:TO pairs');
  });
});
