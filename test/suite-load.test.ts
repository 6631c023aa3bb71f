import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors.ts';
import { formatPath, loadSuite, parseSuite, SuiteError } from '../src/suite/load.ts';

const dir = mkdtempSync(join(tmpdir(), 'tailcheck-suite-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Parses `yaml` and returns the SuiteError's problems (fails the test when it parses). */
function problemsOf(yaml: string): SuiteError {
  try {
    parseSuite(yaml, join(dir, 'x.yaml'));
  } catch (err) {
    if (err instanceof SuiteError) return err;
    throw err;
  }
  throw new Error('expected the suite to be invalid');
}

const VALID = `name: small
lexicons:
  thing: [card, PIN]
tests:
  - type: expect
    templates: ['where is my {thing}']
    label: card_arrival
  - type: audit
    thresholds:
      maxDrop: 0.2
`;

describe('formatPath', () => {
  it('writes indices in brackets and odd keys quoted', () => {
    expect(formatPath(['tests', 2, 'thresholds', 'maxDrop'])).toBe('tests[2].thresholds.maxDrop');
    expect(formatPath(['thresholds', 'perPerturbation', 'typo.keyboard', 'maxDrop'])).toBe(
      'thresholds.perPerturbation["typo.keyboard"].maxDrop',
    );
    expect(formatPath([])).toBe('(top level)');
  });
});

describe('parseSuite', () => {
  it('accepts a valid suite and keeps its folder for relative paths', () => {
    const loaded = parseSuite(VALID, join(dir, 'ok.yaml'));
    expect(loaded.suite.name).toBe('small');
    expect(loaded.suite.tests).toHaveLength(2);
    expect(loaded.dir).toBe(dir);
    expect(loaded.locate(['tests', 1, 'thresholds', 'maxDrop'])).toBe(10);
  });

  it('points a wrong type to its YAML path and line', () => {
    const err = problemsOf(VALID.replace('maxDrop: 0.2', "maxDrop: 'a lot'"));
    expect(err.message).toMatch(
      /x\.yaml: tests\[1\]\.thresholds\.maxDrop: Expected number, received string \(line 10\)/,
    );
    expect(err.exitCode).toBe(2);
    expect(err).toBeInstanceOf(UsageError);
  });

  it('reports every problem, unknown keys at the key line', () => {
    const yaml = `name: broken
tests:
  - type: expect
    templates: ['hello']
    label: card_arrival
    minAcuracy: 0.9
  - type: sideways
  - type: invariance
    texts: [hi]
`;
    const err = problemsOf(yaml);
    const lines = err.message.split('\n');
    expect(lines).toContain(`${err.file}: tests[0].minAcuracy: Unknown key (line 6)`);
    expect(err.message).toMatch(
      /tests\[1\]\.type: Invalid discriminator value\. Expected 'audit' \| 'robustness' \| 'invariance' \| 'fairness' \| 'attack' \| 'expect' \| 'directional' \(line 7\)/,
    );
    expect(err.message).toMatch(/tests\[2\]\.perturbation: Expected string, received undefined \(line 8\)/);
    expect(err.problems).toHaveLength(3);
  });

  it('rejects out-of-range thresholds and severities', () => {
    const err = problemsOf(`name: r
severities: [2, 5]
thresholds:
  maxDrop: 1.5
tests:
  - type: audit
`);
    expect(err.message).toMatch(/severities: .* \(line 2\)/);
    expect(err.message).toMatch(/thresholds\.maxDrop: Too big: expected number to be <=1 \(line 4\)/);
  });

  it('checks template placeholders against the lexicons', () => {
    const err = problemsOf(VALID.replace('where is my {thing}', 'where is my {thing} {when}'));
    expect(err.message).toMatch(
      /tests\[0\]\.templates\[0\]: no lexicon for \{when\}: define it under lexicons \(line 6\)/,
    );
  });

  it('needs inputs, exactly one edit for directional tests, and distinct names', () => {
    const err = problemsOf(`name: d
tests:
  - type: directional
    name: same
    texts: [my card]
    prefix: urgent
    suffix: please
    label: card_arrival
    direction: up
  - type: expect
    name: same
    label: card_arrival
`);
    expect(err.message).toMatch(
      /tests\[0\]: needs exactly one of prefix, suffix, insert or transform \(line 3\)/,
    );
    expect(err.message).toMatch(
      /tests\[1\]\.name: duplicate test name "same" \(also tests\[0\]\) \(line 11\)/,
    );
    expect(err.message).toMatch(/tests\[1\]: needs inputs: texts, templates or fromData \(line 10\)/);
  });

  it('finds an audit test without gates and a malformed bucket spec when the file is loaded', () => {
    const err = problemsOf(`name: g
buckets: quantiles:3
thresholds:
  perBucket:
    few: {}
tests:
  - type: audit
    perturbations: typo
  - type: audit
    name: gated
    thresholds:
      perClass:
        card_arrival:
          maxDrop: 0.1
`);
    expect(err.problems.map((p) => [formatPath(p.path), p.line])).toEqual([
      ['tests[0]', 7],
      ['buckets', 2],
    ]);
    expect(err.message).toContain(
      'tests[0]: an audit test needs thresholds (here or at the suite level) (line 7)',
    );
    expect(err.message).toMatch(/buckets: invalid bucket spec "quantiles:3": unknown mode "quantiles"/);
  });

  it('locates a map entry at its key, also when its value is an indented block', () => {
    const loaded = parseSuite(
      'name: k\nthresholds:\n  perBucket:\n    few:\n      maxDrop: 0.1\ntests:\n  - type: audit\n',
      join(dir, 'k.yaml'),
    );
    expect(loaded.locate(['thresholds', 'perBucket', 'few'])).toBe(4);
    expect(loaded.locate(['thresholds', 'perBucket', 'few', 'maxDrop'])).toBe(5);
    // a path that is not in the file: its nearest existing parent
    expect(loaded.locate(['thresholds', 'perClass', 'x'])).toBe(3);
  });

  it('reports YAML syntax errors with their line', () => {
    const err = problemsOf('name: x\ntests:\n  - type: audit\n   bad: [1\n');
    expect(err.message).toMatch(/YAML syntax: .*\(line \d\)/);
  });

  it('rejects a suite without tests', () => {
    expect(problemsOf('name: empty\ntests: []\n').message).toMatch(/tests: Too small/);
  });
});

describe('loadSuite', () => {
  it('reads the file from disk', () => {
    const file = join(dir, 'disk.yaml');
    writeFileSync(file, VALID);
    expect(loadSuite(file).suite.tests[0]!.type).toBe('expect');
  });

  it('throws a UsageError (exit 2) for a missing file', () => {
    expect(() => loadSuite(join(dir, 'nope.yaml'))).toThrow(UsageError);
    expect(() => loadSuite(join(dir, 'nope.yaml'))).toThrow(/suite file not found/);
  });
});
