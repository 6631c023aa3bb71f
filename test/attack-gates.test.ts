/**
 * The attack's gates: maxAttackSuccess and minAccuracyUnderAttack in the gate engine (CLI limits, the
 * GATE FAILED line, JUnit, annotations, the usage error without an attack section), the vitest matchers
 * toHaveMaxAttackSuccess / toHaveMinAccuracyUnderAttack, and the suite test type `attack` — on attacks
 * of a hand-made cue-word classifier whose every outcome can be worked out by hand.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../src/vitest/index.ts';
import { audit } from '../src/audit.ts';
import { parseGateLimits } from '../src/cli/parse.ts';
import { UsageError } from '../src/errors.ts';
import {
  evaluateGate,
  evaluateGates,
  maxAttackSuccessGate,
  minAccuracyUnderAttackGate,
} from '../src/measure/gates.ts';
import { isAttackSlice } from '../src/measure/slices.ts';
import { PACKAGE_ROOT } from '../src/paths.ts';
import { pctCI } from '../src/report/common.ts';
import { describeFailedCheck, gateFailureLines, NothingToCheckError } from '../src/report/explain.ts';
import { githubAnnotations } from '../src/report/github.ts';
import { renderJson } from '../src/report/json.ts';
import { renderJunit } from '../src/report/junit.ts';
import { formatPath, parseSuite, SuiteError } from '../src/suite/load.ts';
import { runSuite } from '../src/suite/run.ts';
import type { AttackMetrics, Classifier, Prediction, Report } from '../src/types.ts';

/**
 * Each label but `other` has two cue words; the logit of a label is 2 per cue in the text, `other`'s is
 * always 1. So a text with one cue of its label is flipped to `other` by any edit of that cue, a text
 * with two survives one edit, a text without a cue is classified `other`, and no typo of these texts
 * writes a cue.
 */
const CUES: Record<string, readonly string[]> = {
  other: [],
  lost_card: ['lost', 'stolen'],
  change_pin: ['pin', 'code'],
};

function cueClassifier(): Classifier {
  const labels = Object.keys(CUES);
  return {
    labels,
    fingerprint: 'attack-gates-cues@1',
    id: 'attack gates cues',
    async classify(texts: readonly string[]): Promise<Prediction[]> {
      return texts.map((text) => {
        const words = text.toLowerCase().split(/[^a-z]+/);
        const logits = labels.map((l) =>
          l === 'other' ? 1 : 2 * words.filter((w) => CUES[l]!.includes(w)).length,
        );
        const exp = logits.map((x) => Math.exp(x));
        const sum = exp.reduce((a, b) => a + b, 0);
        const scores = exp.map((e) => e / sum);
        return { label: labels[scores.indexOf(Math.max(...scores))]!, scores };
      });
    },
  };
}

/** With one edit allowed: lost-1 and pin-1 flip, lost-2 and pin-2 survive, pin-3 is wrong from the start. */
const ROWS = [
  { id: 'lost-1', text: 'I lost my wallet', label: 'lost_card' },
  { id: 'lost-2', text: 'my card was lost and then stolen', label: 'lost_card' },
  { id: 'pin-1', text: 'please reset my pin', label: 'change_pin' },
  { id: 'pin-2', text: 'new pin code please', label: 'change_pin' },
  { id: 'pin-3', text: 'what is my balance', label: 'change_pin' },
  { id: 'other-1', text: 'the weather is nice', label: 'other' },
];
/** shots buckets: other many, lost_card medium, change_pin few */
const COUNTS = { other: 300, lost_card: 40, change_pin: 5 };
const FLIPPED = ['lost-1', 'pin-1'];

const auditOf = (rows: readonly (typeof ROWS)[number][], attack = true) =>
  audit({
    model: cueClassifier(),
    data: rows,
    perturb: 'typo.keyboard',
    attack: attack ? { perturb: 'typo', maxEdits: 1 } : undefined,
    classCounts: COUNTS,
    buckets: 'shots',
    cacheDir: null,
  });

let report: Report;
let plain: Report;
beforeAll(async () => {
  [report, plain] = await Promise.all([auditOf(ROWS), auditOf(ROWS, false)]);
});

const section = () => report.attack!;
const rateOf = (m: AttackMetrics) => m.attackSuccessRate.value!;
const accuracyOf = (m: AttackMetrics) => m.accuracyUnderAttack.value!;

function failure(assertion: () => void): string {
  try {
    assertion();
  } catch (err) {
    return (err as Error).message;
  }
  return '';
}

describe('the hand-made attack', () => {
  it('flips exactly the texts with one cue of their label, each with one edit', () => {
    const records = section().records;
    expect(records.filter((r) => r.success).map((r) => r.id)).toEqual(FLIPPED);
    for (const r of records.filter((r) => r.success)) expect(r.edits).toHaveLength(1);
    expect(records.find((r) => r.id === 'pin-3')!.outcome).toBe('misclassified');
    // 2 of 5 correct flipped; 3 of 6 correct and not flipped; few (change_pin): 1 of 2, and 1 of 3
    expect(rateOf(section().overall)).toBeCloseTo(2 / 5, 12);
    expect(accuracyOf(section().overall)).toBeCloseTo(3 / 6, 12);
    expect(rateOf(section().buckets.few!)).toBeCloseTo(1 / 2, 12);
    expect(accuracyOf(section().buckets.few!)).toBeCloseTo(1 / 3, 12);
    expect(rateOf(section().buckets.many!)).toBe(0);
  });
});

describe('the attack gates in the engine', () => {
  it('maxAttackSuccess checks the overall rate with its CI; at the bound it passes, below it fails', () => {
    const overall = section().overall.attackSuccessRate;
    const at = evaluateGate(report, maxAttackSuccessGate(overall.value!));
    expect(at.passed).toBe(true);
    expect(at.checks).toHaveLength(1);
    expect(at.checks[0]).toMatchObject({ name: 'maxAttackSuccess', value: overall.value, ci: overall.ci });
    expect(isAttackSlice(at.checks[0]!)).toBe(true);
    expect(evaluateGate(report, maxAttackSuccessGate(overall.value! - 0.01)).passed).toBe(false);
  });

  it('minAccuracyUnderAttack is a lower bound', () => {
    const value = accuracyOf(section().overall);
    expect(evaluateGate(report, minAccuracyUnderAttackGate(value)).passed).toBe(true);
    expect(evaluateGate(report, minAccuracyUnderAttackGate(value + 0.01)).passed).toBe(false);
  });

  it('checks the buckets or classes asked for, in order, instead of the overall rate', () => {
    const g = evaluateGate(report, maxAttackSuccessGate(0.6, { bucket: ['medium', 'few'] }));
    expect(g.checks.map((c) => [c.bucket, c.value, c.passed])).toEqual([
      ['medium', rateOf(section().buckets.medium!), true],
      ['few', 0.5, true],
    ]);
    const byClass = evaluateGate(report, minAccuracyUnderAttackGate(0.5, { class: 'change_pin' }));
    expect(byClass.checks.map((c) => [c.class, c.value, c.passed])).toEqual([['change_pin', 1 / 3, false]]);
  });

  it('the CLI limits check the overall rates after every result, and read as the other gates do', () => {
    const rate = rateOf(section().overall);
    const outcome = evaluateGates(report, { maxDrop: 1, maxAttackSuccess: 0.3, minAccuracyUnderAttack: 0.5 });
    expect(outcome.checks.map((c) => c.name)).toEqual([
      'maxDrop',
      'maxDrop',
      'maxAttackSuccess',
      'minAccuracyUnderAttack',
    ]);
    expect(outcome.passed).toBe(false);
    const failed = outcome.checks.find((c) => !c.passed)!;
    const line = `maxAttackSuccess: worst-case attack: attack success rate ${(rate * 100).toFixed(1)}% ${pctCI(section().overall.attackSuccessRate.ci)} > 30.0% (--max-attack-success 0.3)`;
    expect(describeFailedCheck(failed)).toBe(line);
    expect(gateFailureLines(outcome, report)).toBe(`GATE FAILED ${line}\n`);
    const xml = renderJunit(report, outcome);
    expect(xml).toContain('<testcase name="attack success rate ≤ 0.3" classname="tailcheck.attack"');
    expect(xml).toContain('<testcase name="accuracy under attack ≥ 0.5" classname="tailcheck.attack"');
    expect(xml).toContain('2 of 5 correctly classified examples flipped within the budgets');
    expect(xml).toContain('attack: greedy search over typo.');
    expect(githubAnnotations(report, outcome).join('\n')).toContain(
      '::error title=tailcheck gate maxAttackSuccess::worst-case attack: attack success rate 40.0%',
    );
  });

  it('fails as not evaluated when nothing was attacked, saying why', async () => {
    const wrong = await auditOf([ROWS[4]!]);
    expect(section().overall.correct).toBeGreaterThan(0);
    const g = evaluateGates(wrong, { maxAttackSuccess: 0.5, minAccuracyUnderAttack: 0 });
    expect(g.passed).toBe(false);
    expect(g.checks.map((c) => [c.name, c.value])).toEqual([['minAccuracyUnderAttack', 0]]);
    expect(gateFailureLines(g, wrong)).toBe(
      'GATE FAILED maxAttackSuccess: not evaluated — the selected slice of the attack section has no example classified correctly before any edit, so nothing was attacked and there is no attack success rate; a gate that checks nothing fails\n',
    );
  });

  it('on a report without an attack section it is a usage error (exit 2) saying how to get one', () => {
    const message =
      "--max-attack-success checks the report's attack section, and this report has none: run `tailcheck attack` or `tailcheck audit --attack`";
    expect(() => evaluateGates(plain, { maxAttackSuccess: 0.5 })).toThrow(UsageError);
    expect(() => evaluateGates(plain, { maxAttackSuccess: 0.5 })).toThrow(message);
    expect(() => evaluateGate(plain, minAccuracyUnderAttackGate(0.5))).toThrow(
      "minAccuracyUnderAttack checks the report's attack section",
    );
    // before any work, when the command knows it runs no attack
    expect(() => parseGateLimits({ minAccuracyUnderAttack: 0.5 }, false)).toThrow(
      "--min-accuracy-under-attack checks the report's attack section",
    );
    expect(parseGateLimits({ minAccuracyUnderAttack: 0.5 }, true)).toMatchObject({
      minAccuracyUnderAttack: 0.5,
    });
    expect(() => parseGateLimits({ maxAttackSuccess: 40 })).toThrow(
      '--max-attack-success must be a fraction in [0, 1], e.g. 0.05 for 5 points; got 40 (for 40 points write --max-attack-success 0.4)',
    );
  });

  it('tailcheck merge --max-attack-success on a report without an attack section: exit 2', () => {
    const work = mkdtempSync(join(tmpdir(), 'tailcheck-attack-gates-'));
    try {
      const file = join(work, 'plain.json');
      writeFileSync(file, renderJson(plain));
      const r = spawnSync(
        process.execPath,
        [join(PACKAGE_ROOT, 'bin/tailcheck.js'), 'merge', file, '--max-attack-success', '0.5', '--quiet'],
        { encoding: 'utf8', cwd: work, env: { ...process.env, CI: '1', NO_COLOR: '1' } },
      );
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toContain("--max-attack-success checks the report's attack section");
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describe('toHaveMaxAttackSuccess / toHaveMinAccuracyUnderAttack', () => {
  it('pass within the bound; fail beyond it with the measured value and its CI', () => {
    const o = section().overall;
    expect(report).toHaveMaxAttackSuccess(rateOf(o));
    const message = failure(() => expect(report).toHaveMaxAttackSuccess(0.3));
    expect(message).toContain('expected attack success rate ≤ 0.300, but 1 of 1 slices exceed it');
    expect(message).toContain(
      `worst: worst-case attack: attack success rate 0.400 [${o.attackSuccessRate.ci![0].toFixed(3)}, ${o.attackSuccessRate.ci![1].toFixed(3)}] (2 of 5 correctly classified examples flipped within the budgets`,
    );
    // the cheapest flips, with their edits
    expect(message).toContain('"I lost my wallet" → "I ');
    expect(report).not.toHaveMaxAttackSuccess(0.3);

    expect(report).toHaveMinAccuracyUnderAttack(accuracyOf(o));
    const low = failure(() => expect(report).toHaveMinAccuracyUnderAttack(0.6));
    expect(low).toContain('expected accuracy under attack ≥ 0.600, but 1 of 1 slices fall short');
    expect(low).toContain(
      `worst: worst-case attack: accuracy under attack 0.500 [${o.accuracyUnderAttack.ci![0].toFixed(3)}, ${o.accuracyUnderAttack.ci![1].toFixed(3)}] (3 of 6 examples correct and not flipped`,
    );
  });

  it('take a bucket or a class', () => {
    expect(report).toHaveMaxAttackSuccess(0.5, { bucket: 'few' });
    expect(report).not.toHaveMaxAttackSuccess(0.4, { bucket: 'few' });
    const message = failure(() => expect(report).toHaveMinAccuracyUnderAttack(0.5, { class: 'change_pin' }));
    expect(message).toContain('worst: worst-case attack, class "change_pin": accuracy under attack 0.333');
  });

  it('throw (never pass) without an attack section, or with a filter matching nothing', () => {
    expect(() => expect(plain).toHaveMaxAttackSuccess(1)).toThrow(
      "toHaveMaxAttackSuccess checks the report's attack section, and this report has none",
    );
    expect(() => expect(report).toHaveMinAccuracyUnderAttack(0, { bucket: 'rare' })).toThrow(
      NothingToCheckError,
    );
    expect(() => expect(report).toHaveMinAccuracyUnderAttack(0, { bucket: 'rare' })).toThrow(
      'toHaveMinAccuracyUnderAttack: no slice of the attack section matches { bucket: "rare" } (buckets: many, medium, few; classes: other, lost_card, change_pin)',
    );
    expect(() => expect(report).toHaveMaxAttackSuccess(Number.NaN)).toThrow(TypeError);
  });
});

describe('suite test type attack', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tailcheck-attack-suite-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'eval.jsonl'), `${ROWS.map((r) => JSON.stringify(r)).join('\n')}\n`);
  writeFileSync(join(dir, 'counts.json'), JSON.stringify(COUNTS));
  const HEAD = 'name: attack\ndata: eval.jsonl\nclassCounts: counts.json\nbuckets: shots\ntests:\n';

  const load = (test: string) => () => parseSuite(`${HEAD}  - ${test}\n`, join(dir, 'a.yaml'));
  const problemsAt = (test: string): string[] => {
    try {
      load(test)();
    } catch (err) {
      if (err instanceof SuiteError) return err.problems.map((p) => `${formatPath(p.path)}: ${p.message}`);
      throw err;
    }
    return [];
  };
  const run = (tests: string) => {
    const yaml = `${HEAD}${tests}`;
    const file = join(dir, 'run.yaml');
    writeFileSync(file, yaml);
    return runSuite(parseSuite(yaml, file), { model: cueClassifier(), cacheDir: null });
  };

  it('needs a threshold and budgets the attack takes, when loaded', () => {
    expect(problemsAt('{ type: attack, perturb: typo }')).toEqual([
      'tests[0]: an attack test needs a threshold: maxAttackSuccess, minAccuracyUnderAttack, or either in perBucket',
    ]);
    expect(problemsAt('{ type: attack, maxAttackSuccess: 0.5, maxEdits: "half" }')).toEqual([
      'tests[0].maxEdits: --max-edits must be a number of words ≥ 1 ("3") or a share of each text\'s words in (0, 100] % ("20%"), got "half"',
    ]);
    expect(problemsAt('{ type: attack, maxAttackSuccess: 1.5, search: beam, maxQueries: 0 }')).toHaveLength(
      3,
    );
    expect(problemsAt('{ type: attack, perBucket: { few: { maxDrop: 0.1 } } }')[0]).toMatch(
      /^tests\[0\]\.perBucket\.few\.maxDrop: Unknown key/,
    );
    expect(
      load(
        '{ type: attack, perturb: [typo.swap, synonym], search: random, maxEdits: 20%, maxQueries: 50, minAccuracyUnderAttack: 0.2, perBucket: { few: { maxAttackSuccess: 0.5 } } }',
      ),
    ).not.toThrow();
  });

  it('pre-flight: a perturbation the attack cannot use, or an unknown bucket, is a suite problem', async () => {
    const err = await run(
      [
        '  - type: attack',
        '    perturb: paraphrase.contraction',
        '    maxAttackSuccess: 0.5',
        '  - type: attack',
        '    perturb: typo.nonesuch',
        '    maxAttackSuccess: 0.5',
        '  - type: attack',
        '    perBucket: { rare: { maxAttackSuccess: 0.5 } }',
        '',
      ].join('\n'),
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SuiteError);
    const problems = (err as SuiteError).problems;
    expect(problems.map((p) => [formatPath(p.path), p.line])).toEqual([
      ['tests[0].perturb', 7],
      ['tests[1].perturb', 10],
      ['tests[2].perBucket.rare', 13],
    ]);
    expect(problems[0]!.message).toContain('only typo and synonym perturbations take part');
    expect(problems[2]!.message).toMatch(/^unknown bucket "rare" \(buckets: many, medium, few/);
  });

  it('runs the attack with its options and passes or fails on the measured rates', async () => {
    const outcome = await run(
      [
        '  - type: attack',
        '    name: within',
        '    perturb: typo',
        '    maxEdits: 1',
        '    maxAttackSuccess: 0.4',
        '    minAccuracyUnderAttack: 0.5',
        '    perBucket: { few: { maxAttackSuccess: 0.5 } }',
        '  - type: attack',
        '    name: beyond',
        '    perturb: typo',
        '    maxEdits: 1',
        '    maxAttackSuccess: 0.3',
        '    perBucket: { few: { minAccuracyUnderAttack: 0.5 } }',
        '  - type: attack',
        '    name: two edits',
        '    perturb: typo',
        '    maxEdits: 2',
        '    search: random',
        '    maxAttackSuccess: 1',
        '',
      ].join('\n'),
    );
    const [within, beyond, twoEdits] = outcome.tests;
    expect(within!.status).toBe('passed');
    expect(within!.gates.map((g) => [g.gate, g.scope, g.value, g.pass])).toEqual([
      ['maxAttackSuccess', 'attack, overall', 0.4, true],
      ['minAccuracyUnderAttack', 'attack, overall', 0.5, true],
      ['maxAttackSuccess', 'attack, bucket few', 0.5, true],
    ]);
    expect(within!.summary).toMatch(
      /^3\/3 gates pass on 6 examples; attack success rate 40\.0% .* \(2 of 5 correct flipped\), accuracy under attack 50\.0% .*; greedy search over typo\.[^;]*, max edits 1, max queries 200$/,
    );
    expect(beyond!.status).toBe('failed');
    expect(beyond!.gates.map((g) => [g.scope, g.pass])).toEqual([
      ['attack, overall', false],
      ['attack, bucket few', false],
    ]);
    expect(beyond!.evidence[0]).toContain('maxAttackSuccess ≤ 0.300 (attack, overall): FAIL, worst 0.400');
    expect(beyond!.evidence[0]).toContain('cheapest flips (original → adversarial, edits, gold, predicted):');
    expect(beyond!.evidence[1]).toContain('accuracy under attack 0.333');
    // two edits reach the texts with two cues: 4 of 5 flipped
    expect(twoEdits!.status).toBe('passed');
    expect(twoEdits!.summary).toContain('attack success rate 80.0%');
    expect(twoEdits!.summary).toContain('random search over typo.');
    expect(outcome.passed).toBe(false);
  });
});
