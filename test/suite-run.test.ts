import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors.ts';
import { resolveModelSpec } from '../src/suite/context.ts';
import { suiteErrorJunit, suiteJunit } from '../src/suite/junit.ts';
import { formatPath, parseSuite, SuiteError } from '../src/suite/load.ts';
import { knownFailure, runSuite } from '../src/suite/run.ts';
import { auditGates } from '../src/suite/tests/audit.ts';
import { addPhrase } from '../src/suite/tests/directional.ts';
import { closestLabels } from '../src/suite/tests/inputs.ts';
import { makeReport } from './fixtures/make-report.ts';
import { keywordClassifier } from './fixtures/suite-classifier.ts';
import { findAll, parseXml } from './fixtures/suite-xml.ts';

const dir = mkdtempSync(join(tmpdir(), 'tailcheck-suite-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const noProblem = (path: readonly (string | number)[], message: string) =>
  new Error(`unexpected problem at ${path.join('.')}: ${message}`);

describe('auditGates', () => {
  const report = makeReport();

  it('checks each threshold on all results and the pooled summary', () => {
    const gates = auditGates(
      report,
      { maxDrop: 0.2, minRobustAccuracy: 0.5, maxTailDrop: 0.3, maxTailGap: 0.2 },
      noProblem,
    );
    expect(gates.map((g) => [g.gate, g.pass])).toEqual([
      ['maxDrop', true],
      ['minRobustAccuracy', true],
      ['maxTailDrop', true],
      ['maxTailGap', true],
    ]);
    expect(gates[2]!.scope).toContain('tail bucket few');
  });

  it('takes maxTailBreak and a gap metric, parsed from YAML', () => {
    const suite = parseSuite(
      [
        'name: gates',
        'tests:',
        '  - type: audit',
        '    thresholds:',
        '      maxTailBreak: 0.9',
        '      maxTailGap: { max: 0.5, metric: drop }',
        '      perPerturbation:',
        '        typo: { maxTailGap: 0.5 }',
      ].join('\n'),
      's.yaml',
    );
    const thresholds = (suite.suite.tests[0] as { thresholds: Parameters<typeof auditGates>[1] }).thresholds;
    const gates = auditGates(report, thresholds, noProblem);
    expect(gates.map((g) => [g.gate, g.scope, g.pass])).toEqual([
      ['maxTailBreak', 'all results and the pooled summary, tail bucket few', true],
      ['maxTailGap', 'all results and the pooled summary, gap in drop', true],
      ['maxTailGap', 'perturbation typo, gap in break rate', true],
    ]);
    expect(gates[1]!.line).toContain('(few − many drop)');
    expect(gates[2]!.line).toContain('(few − many break rate)');
    expect(() =>
      parseSuite(
        'name: g\ntests:\n  - type: audit\n    thresholds:\n      maxTailGap: { max: 0.5, metric: accuracy }\n',
        's.yaml',
      ),
    ).toThrow(/maxTailGap/);
  });

  it('fails a tight gate with the worst slice and evidence', () => {
    const [gate] = auditGates(report, { perBucket: { few: { maxDrop: 0.1 } } }, noProblem);
    expect(gate!.pass).toBe(false);
    expect(gate!.line).toMatch(
      /^maxDrop ≤ 0\.100 \(bucket few\): FAIL, worst 0\.\d{3} — typo\.keyboard, severity 2, bucket "few"/,
    );
    expect(gate!.detail).toContain('gold top_up_failed, predicted exchange_rate');
  });

  it('gates per perturbation family and class', () => {
    const gates = auditGates(
      report,
      {
        perPerturbation: { synonym: { maxDrop: 0.06 } },
        perClass: { card_arrival: { minRobustAccuracy: 0.9 } },
      },
      noProblem,
    );
    expect(gates.map((g) => [g.scope, g.pass])).toEqual([
      ['perturbation synonym', true],
      ['class card_arrival', false],
    ]);
  });

  it('an unknown bucket, class or perturbation is a suite problem, not a failed gate', () => {
    const problem = (path: readonly (string | number)[], message: string) =>
      new SuiteError('s.yaml', [{ path, message }]);
    expect(() => auditGates(report, { perBucket: { rare: { maxDrop: 0.1 } } }, problem)).toThrow(
      /s\.yaml: perBucket\.rare: unknown bucket "rare" \(buckets: many, medium, few, mode shots\)$/,
    );
    expect(() => auditGates(report, { perClass: { nope: { maxDrop: 0.1 } } }, problem)).toThrow(
      /unknown class "nope"/,
    );
    expect(() => auditGates(report, { perPerturbation: { paraphrase: { maxDrop: 0.1 } } }, problem)).toThrow(
      /no audited perturbation matches "paraphrase"/,
    );
  });
});

describe('helpers', () => {
  it('adds phrases with one space, none before punctuation, inserts at a seeded gap', () => {
    expect(addPhrase('my card ', { prefix: 'urgent:' }, 0)).toBe('urgent: my card');
    expect(addPhrase('my card', { suffix: 'it never came' }, 0)).toBe('my card it never came');
    expect(addPhrase('my card', { suffix: ', please' }, 0)).toBe('my card, please');
    const inserted = addPhrase('where is my new card', { insert: 'really' }, 1);
    expect(inserted.split(' ').sort()).toEqual(['card', 'is', 'my', 'new', 'really', 'where']);
    expect(inserted).not.toMatch(/^really|really$/);
    expect(addPhrase('where is my new card', { insert: 'really' }, 1)).toBe(inserted);
  });

  it('resolves model specs against the suite folder', () => {
    expect(resolveModelSpec(undefined, '/s')).toBeUndefined();
    expect(resolveModelSpec('bundled', '/s')).toBeUndefined();
    expect(resolveModelSpec('./model', '/s')).toBe('/s/model');
    expect(resolveModelSpec('https://x/predict', '/s')).toBe('https://x/predict');
    expect(resolveModelSpec('cmd:python3 m.py', '/s')).toBe('cmd:python3 m.py');
    expect(resolveModelSpec('org/model-name', '/s')).toBe('org/model-name');
  });
});

const EVAL = [
  { text: 'my card has not arrived yet', label: 'card_arrival' },
  { text: 'when will the card be delivered', label: 'card_arrival' },
  { text: 'the card never came in the post', label: 'card_arrival' },
  { text: 'I lost my card on the train', label: 'lost_or_stolen_card' },
  { text: 'someone stole my wallet and card', label: 'lost_or_stolen_card' },
  { text: 'how can I change my pin', label: 'change_pin' },
  { text: 'I want a different pin code', label: 'change_pin' },
];

function suiteFile(name: string, yaml: string): string {
  const file = join(dir, name);
  writeFileSync(file, yaml);
  return file;
}

writeFileSync(join(dir, 'eval.jsonl'), `${EVAL.map((r) => JSON.stringify(r)).join('\n')}\n`);
writeFileSync(
  join(dir, 'counts.json'),
  JSON.stringify({ card_arrival: 300, lost_or_stolen_card: 40, change_pin: 5 }),
);

const SUITE = `name: keyword suite
data: eval.jsonl
classCounts: counts.json
buckets: shots
seed: 1
lexicons:
  card: [card, debit card, new card]
  when: [yesterday, last week]
tests:
  - type: expect
    name: lost cards
    templates: ['I lost my {card} {when}', 'my {card} was stolen {when}']
    label: lost_or_stolen_card
  - type: expect
    name: pin changes
    texts: ['how do I change my pin', 'my pin please']
    label: change_pin
    minAccuracy: 1
  - type: directional
    name: not arrived pushes card_arrival up
    fromData: { labels: [lost_or_stolen_card, change_pin] }
    suffix: and it has not arrived
    label: card_arrival
    direction: up
    minDelta: 0.01
  - type: directional
    name: lost pushes card_arrival down
    texts: ['where is my card', 'my card did not come']
    prefix: I think it is lost
    label: card_arrival
    direction: down
  - type: invariance
    name: typo invariance
    fromData: true
    perturbation: typo.keyboard
    severity: 3
    variants: 2
  - type: audit
    name: robustness
    perturbations: typo.keyboard
    severities: [1, 3]
    variants: 2
    thresholds:
      maxDrop: 1
      perBucket:
        few: { maxDrop: 1 }
`;

describe('runSuite with a keyword classifier', () => {
  it('runs every test type and explains each failure', async () => {
    const loaded = parseSuite(SUITE, suiteFile('k.yaml', SUITE));
    const outcome = await runSuite(loaded, { model: keywordClassifier(), cacheDir: null });
    const byName = Object.fromEntries(outcome.tests.map((t) => [t.name, t]));
    expect(outcome.model).toBe('keyword cues');
    expect(outcome.tests.map((t) => t.name)).toEqual([
      'lost cards',
      'pin changes',
      'not arrived pushes card_arrival up',
      'lost pushes card_arrival down',
      'typo invariance',
      'robustness',
    ]);

    // 3 cards × 2 times × 2 templates, all with a "lost"/"stolen" cue.
    expect(byName['lost cards']).toMatchObject({ status: 'passed' });
    expect(byName['lost cards']!.summary).toBe(
      'accuracy 1.000 ≥ 1.000: 12 of 12 classified as lost_or_stolen_card',
    );

    // "my pin please" has one cue (pin) and wins; both pass.
    expect(byName['pin changes']!.status).toBe('passed');

    expect(byName['not arrived pushes card_arrival up']!.status).toBe('passed');
    expect(byName['not arrived pushes card_arrival up']!.summary).toMatch(/on 4 of 4 inputs/);

    expect(byName['lost pushes card_arrival down']!.status).toBe('passed');

    // Keyboard typos at severity 3 hit the cue words of some texts.
    const typo = byName['typo invariance']!;
    expect(typo.status).toBe('failed');
    expect(typo.summary).toMatch(
      /^flip rate 0\.\d{3} ≤ 0\.000: \d+ of \d+ changed variants of 7 texts changed prediction/,
    );
    expect(typo.evidence[0]).toMatch(/^"[^"]+" → "[^"]+": \w+ → \w+ \(0\.\d{3}\)$/);

    const audit = byName.robustness!;
    expect(audit.status).toBe('passed');
    expect(audit.gates.map((g) => g.scope)).toEqual(['all results and the pooled summary', 'bucket few']);
    expect(audit.summary).toMatch(
      /^2\/2 gates pass on 7 examples \(pooled severity 1: drop -?\d\.\d{3}, severity 3: drop/,
    );

    expect(outcome.passed).toBe(false);

    const xml = parseXml(suiteJunit(outcome));
    expect(xml.attributes).toMatchObject({ tests: '6', failures: '1' });
    const cases = findAll(xml, 'testcase');
    expect(cases.map((c) => c.attributes.name)).toContain('typo invariance');
    const failed = cases.filter((c) => c.children.some((x) => x.name === 'failure'));
    expect(failed.map((c) => c.attributes.classname)).toEqual(['keyword suite.invariance']);
    expect(failed[0]!.children[0]!.text).toContain('changed prediction under typo.keyboard');
  });

  it('fails expect and directional tests with the misclassified inputs', async () => {
    const yaml = `name: failing
tests:
  - type: expect
    texts: ['my card never came', 'I lost my card', 'pin change please']
    label: lost_or_stolen_card
    minAccuracy: 0.5
  - type: directional
    texts: ['my pin', 'I lost my card']
    suffix: please change it
    label: change_pin
    direction: down
`;
    const outcome = await runSuite(parseSuite(yaml, join(dir, 'f.yaml')), {
      model: keywordClassifier(),
      cacheDir: null,
    });
    const [expectTest, directional] = outcome.tests;
    expect(expectTest!.status).toBe('failed');
    expect(expectTest!.summary).toBe('accuracy 0.333 ≥ 0.500: 1 of 3 classified as lost_or_stolen_card');
    expect(expectTest!.evidence).toHaveLength(2);
    expect(expectTest!.evidence.join('\n')).toMatch(
      /"my card never came" → card_arrival \(0\.\d{3}\), p\(lost_or_stolen_card\) 0\.\d{3}/,
    );
    expect(directional!.status).toBe('failed');
    // Both inputs move the wrong way; the largest wrong-way change comes first.
    expect(directional!.evidence).toHaveLength(2);
    expect(directional!.evidence[0]).toMatch(
      /^"I lost my card" → "I lost my card please change it": p\(change_pin\) 0\.\d{3} → 0\.\d{3} \(\+0\.\d{3}\)$/,
    );
    expect(directional!.evidence[1]).toMatch(/^"my pin" → "my pin please change it": p\(change_pin\)/);
  });

  it('an unknown label is a suite error with the YAML line (exit 2)', async () => {
    const yaml = `name: bad label
tests:
  - type: expect
    texts: ['hello']
    label: card_arival
`;
    const run = runSuite(parseSuite(yaml, join(dir, 'bad.yaml')), {
      model: keywordClassifier(),
      cacheDir: null,
    });
    await expect(run).rejects.toThrow(SuiteError);
    await expect(
      runSuite(parseSuite(yaml, join(dir, 'bad.yaml')), { model: keywordClassifier(), cacheDir: null }),
    ).rejects.toThrow(
      /bad\.yaml: tests\[0\]\.label: unknown label "card_arival" for model keyword cues \(did you mean card_arrival\?\) \(line 5\)/,
    );
  });

  it('an audit test without thresholds is a suite error when the file is loaded', () => {
    const yaml =
      'name: no gates\ndata: eval.jsonl\ntests:\n  - type: audit\n    perturbations: typo.keyboard\n';
    expect(() => parseSuite(yaml, join(dir, 'nogates.yaml'))).toThrow(
      /tests\[0\]: an audit test needs thresholds \(here or at the suite level\) \(line 4\)/,
    );
  });
});

/** The keyword classifier, counting the texts it is asked to classify. */
function countingClassifier() {
  const inner = keywordClassifier();
  const counter = {
    texts: 0,
    classifier: {
      ...inner,
      classify: (texts: readonly string[]) => {
        counter.texts += texts.length;
        return inner.classify(texts);
      },
    },
  };
  return counter;
}

/** Runs a suite expecting a SuiteError; returns it with the tests that started and the texts classified. */
async function preflightFailure(file: string, yaml: string, options: Parameters<typeof runSuite>[1] = {}) {
  const model = countingClassifier();
  const started: string[] = [];
  const run = runSuite(parseSuite(yaml, suiteFile(file, yaml)), {
    model: model.classifier,
    cacheDir: null,
    ...options,
    onTestStart: (name) => started.push(name),
  });
  const err = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SuiteError);
  return { err: err as SuiteError, started, classified: model.texts };
}

const lines = (err: SuiteError) => err.problems.map((p) => [formatPath(p.path), p.line]);

describe('pre-flight: problems found before any test runs', () => {
  it('collects every unknown perturbation, severity, label, class and bucket with its line', async () => {
    const yaml = `name: typos everywhere
data: eval.jsonl
classCounts: counts.json
buckets: shots
tests:
  - type: expect
    texts: ['where is my pin']
    label: change_pin
  - type: invariance
    texts: ['my card has not arrived']
    perturbation: typo.keybord
  - type: invariance
    texts: ['my card has not arrived']
    perturbation: typo.keyboard, synonim
    severity: 3
  - type: audit
    perturbations: [typo.keyboard, paraphrase.casing]
    severities: [1]
    thresholds:
      maxDrop: 0.5
      perPerturbation:
        synonym: { maxDrop: 0.2 }
      perBucket:
        rare:
          maxDrop: 0.1
        few: { maxDrop: 0.3 }
      perClass:
        card_arival: { maxDrop: 0.1 }
  - type: expect
    texts: ['I lost my card']
    label: lost_card
  - type: directional
    texts: ['my card']
    prefix: I lost
    label: Lost_Or_Stolen_Card
    direction: up
`;
    const { err, started, classified } = await preflightFailure('many.yaml', yaml);
    // Nothing ran, nothing was classified: the passing first test did not run either.
    expect(started).toEqual([]);
    expect(classified).toBe(0);
    expect(err.exitCode).toBe(2);
    expect(lines(err)).toEqual([
      ['tests[1].perturbation', 11],
      ['tests[2].perturbation', 14],
      ['tests[3].thresholds.perPerturbation.synonym', 22],
      ['tests[3].thresholds.perBucket.rare', 24],
      ['tests[3].thresholds.perClass.card_arival', 28],
      ['tests[4].label', 31],
      ['tests[5].label', 35],
    ]);
    const message = err.message.split('\n');
    const file = err.file;
    expect(message).toEqual([
      `${file}: tests[1].perturbation: unknown perturbation "typo.keybord" (did you mean typo.keyboard?); \`tailcheck perturbations\` lists them (line 11)`,
      `${file}: tests[2].perturbation: unknown perturbation "synonim" (did you mean synonym?); \`tailcheck perturbations\` lists them (line 14)`,
      `${file}: tests[3].thresholds.perPerturbation.synonym: no audited perturbation matches "synonym" (audited: paraphrase.casing, typo.keyboard) (line 22)`,
      `${file}: tests[3].thresholds.perBucket.rare: unknown bucket "rare" (buckets: many, medium, few, mode shots) (line 24)`,
      `${file}: tests[3].thresholds.perClass.card_arival: unknown class "card_arival" for model keyword cues (did you mean card_arrival?) (line 28)`,
      `${file}: tests[4].label: unknown label "lost_card" for model keyword cues (line 31)`,
      `${file}: tests[5].label: unknown label "Lost_Or_Stolen_Card" for model keyword cues (did you mean lost_or_stolen_card?) (line 35)`,
    ]);
  });

  it('a level no selected perturbation has is found up front, where the level is written', async () => {
    const yaml = `name: levels
data: eval.jsonl
severities: [3]
thresholds: { maxDrop: 0.5 }
tests:
  - type: audit
    perturbations: paraphrase.intensifier
  - type: invariance
    texts: ['my card']
    perturbation: paraphrase.intensifier
    severity: 3
`;
    const { err, started } = await preflightFailure('levels.yaml', yaml);
    expect(started).toEqual([]);
    expect(lines(err)).toEqual([
      ['severities', 3],
      ['tests[1].severity', 11],
    ]);
    expect(err.problems[0]!.message).toMatch(
      /^no selected perturbation has severity 3; their levels: paraphrase\.intensifier \(1\)/,
    );
  });

  it('reports a suite-level threshold once, at the suite level, however many audit tests use it', async () => {
    const yaml = `name: shared
data: eval.jsonl
classCounts: counts.json
thresholds:
  perBucket:
    tail: { maxDrop: 0.3 }
tests:
  - type: audit
    name: first
    perturbations: typo.keyboard
  - type: audit
    name: second
    perturbations: typo.swap
    thresholds:
      perBucket:
        tail: { maxDrop: 0.2 }
`;
    const { err } = await preflightFailure('shared.yaml', yaml);
    expect(lines(err)).toEqual([
      ['thresholds.perBucket.tail', 6],
      ['tests[1].thresholds.perBucket.tail', 16],
    ]);
  });

  it('assigns the buckets as the audit does: from the eval set without training counts', async () => {
    // No classCounts: the audit counts the eval set (3, 2, 2 examples): quantile:3 by auto → head and tail.
    const yaml = (bucket: string) => `name: eval buckets
data: eval.jsonl
tests:
  - type: audit
    perturbations: typo.keyboard
    thresholds:
      perBucket:
        ${bucket}: { maxDrop: 1 }
`;
    const { err } = await preflightFailure('eval-buckets.yaml', yaml('few'));
    expect(err.problems[0]!.message).toBe(
      'unknown bucket "few" (buckets: head, tail, mode quantile:3); class frequencies came from the eval set: give train or classCounts (--train / --class-counts)',
    );
    const outcome = await runSuite(parseSuite(yaml('tail'), suiteFile('eval-ok.yaml', yaml('tail'))), {
      model: keywordClassifier(),
      cacheDir: null,
    });
    expect(outcome.tests[0]!.gates.map((g) => g.scope)).toEqual(['bucket tail']);
  });

  it('an unreadable class counts file is a problem at its line, found before any test', async () => {
    const yaml = `name: counts
data: eval.jsonl
classCounts: missing-counts.json
tests:
  - type: expect
    texts: ['my pin']
    label: change_pin
  - type: audit
    perturbations: typo.keyboard
    thresholds:
      perBucket:
        few: { maxDrop: 1 }
`;
    const { err, started } = await preflightFailure('counts.yaml', yaml);
    expect(started).toEqual([]);
    expect(lines(err)).toEqual([['classCounts', 3]]);
    expect(err.problems[0]!.message).toMatch(/missing-counts\.json/);
  });

  it("a modelOptions key the suite's model backend does not read is a problem; not with --model", async () => {
    writeFileSync(
      join(dir, 'two-labels.mjs'),
      "export const labels = ['pos', 'neg'];\nexport async function classify(texts) { return texts.map(() => ({ label: 'pos', scores: [0.9, 0.1] })); }\n",
    );
    const yaml = `name: options
model: ./two-labels.mjs
modelOptions:
  timeoutMs: 5000
  httpMap: '{"text": "$.inputs"}'
  threads: 2
tests:
  - type: expect
    texts: ['fine']
    label: pos
`;
    const loaded = parseSuite(yaml, suiteFile('options.yaml', yaml));
    const err = await runSuite(loaded, { cacheDir: null }).then(
      () => undefined,
      (e: unknown) => e as SuiteError,
    );
    expect(err).toBeInstanceOf(SuiteError);
    expect(lines(err!)).toEqual([
      ['modelOptions.httpMap', 5],
      ['modelOptions.threads', 6],
    ]);
    expect(err!.problems[0]!.message).toBe(
      'the module backend (model ./two-labels.mjs) does not read httpMap; it reads labels, modelVersion, modelFiles, timeoutMs, prediction, scores',
    );
    // A --model on the command line replaces the model the options were written for.
    const outcome = await runSuite(loaded, { model: keywordClassifier(), cacheDir: null }).catch(
      (e: unknown) => e,
    );
    expect(outcome).toBeInstanceOf(SuiteError);
    expect((outcome as SuiteError).problems.map((p) => formatPath(p.path))).toEqual(['tests[0].label']);
  });
});

describe('suiteErrorJunit', () => {
  it('writes one errored testcase per problem, named by its path and line', () => {
    const err = new SuiteError('s.yaml', [
      { path: ['tests', 1, 'perturbation'], message: 'unknown perturbation "typo.keybord"', line: 11 },
      { path: ['tests', 3, 'label'], message: 'unknown label "x" <&>', line: 20 },
    ]);
    const xml = parseXml(suiteErrorJunit('my suite', 's.yaml', err));
    expect(xml.attributes).toMatchObject({ tests: '2', failures: '0', errors: '2' });
    const cases = findAll(xml, 'testcase');
    expect(cases.map((c) => [c.attributes.name, c.attributes.classname])).toEqual([
      ['tests[1].perturbation (line 11)', 'my suite.suite'],
      ['tests[3].label (line 20)', 'my suite.suite'],
    ]);
    const errors = findAll(xml, 'error');
    expect(errors.map((e) => e.attributes.message)).toEqual([
      'unknown perturbation "typo.keybord"',
      'unknown label "x" <&>',
    ]);
    expect(errors[1]!.text).toBe('s.yaml: tests[3].label: unknown label "x" <&> (line 20)');
    const other = parseXml(
      suiteErrorJunit('my suite', 's.yaml', new UsageError('data.jsonl: line 3: no text')),
    );
    expect(findAll(other, 'testcase').map((c) => c.attributes.name)).toEqual(['suite s.yaml could not run']);
    expect(findAll(other, 'error')[0]!.attributes).toMatchObject({
      message: 'data.jsonl: line 3: no text',
      type: 'UsageError',
    });
  });
});

describe('knownFailure', () => {
  const failedOutcome = {
    status: 'failed' as const,
    summary: 'accuracy 0.000 ≥ 0.800',
    gates: [],
    evidence: ['x'],
  };

  it('turns an expected failure into a known failure that keeps the suite green', async () => {
    expect(knownFailure(failedOutcome, 'rare class')).toMatchObject({
      status: 'known-failure',
      summary: 'known failure (rare class): accuracy 0.000 ≥ 0.800',
    });
    expect(knownFailure(failedOutcome, undefined)).toBe(failedOutcome);
    const yaml = `name: xfail
tests:
  - type: expect
    name: wallets
    texts: ['my wallet']
    label: change_pin
    knownFailure: the keyword model has no wallet cue
`;
    const outcome = await runSuite(parseSuite(yaml, join(dir, 'x.yaml')), {
      model: keywordClassifier(),
      cacheDir: null,
    });
    expect(outcome.passed).toBe(true);
    expect(outcome.tests[0]!.status).toBe('known-failure');
    const xml = parseXml(suiteJunit(outcome));
    expect(xml.attributes).toMatchObject({ failures: '0', skipped: '1' });
    expect(findAll(xml, 'skipped')[0]!.attributes.message).toContain(
      'known failure (the keyword model has no wallet cue)',
    );
  });

  it('fails a known failure that passes now, so the note gets removed', () => {
    const passing = { ...failedOutcome, status: 'passed' as const };
    const o = knownFailure(passing, 'rare class');
    expect(o.status).toBe('failed');
    expect(o.summary).toMatch(
      /^marked as a known failure \(rare class\) but passes now — remove knownFailure/,
    );
  });
});

describe('closestLabels', () => {
  it('suggests labels a few edits away, nearest first', () => {
    const labels = ['card_arrival', 'card_linking', 'change_pin', 'Refund_not_showing_up'];
    expect(closestLabels('card_arival', labels)).toEqual(['card_arrival']);
    expect(closestLabels('refund_not_showing_up', labels)).toEqual(['Refund_not_showing_up']);
    expect(closestLabels('exchange_rate', labels)).toEqual([]);
  });
});
