/**
 * `tailcheck augment` end to end: the bytes it writes (the same across runs and input orders), that
 * every written copy passes the real meaning check (the bundled MiniLM, offline), its refusals, --help.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POOLED } from '../src/measure/accumulator.ts';
import { type MeaningCheck, meaningPolicyOf, openMeaningCheck } from '../src/perturb/meaning/check.ts';
import { loadRegistry } from '../src/perturb/registry.ts';
import type { Metrics, Report } from '../src/types.ts';
import { type CliResult, runCli, scratch } from './cli-helpers.ts';
import { makeReport } from './fixtures/make-report.ts';

/** Training rows written for this test: a head, a middle and a tail class; some with ids and a field. */
const TRAIN = [
  ...[
    'When will my new card arrive in the post?',
    'My card has not come yet, it was sent on Monday.',
    'I ordered a card two weeks ago and it is still not here.',
    'How long does it take for a card to be delivered to Madrid?',
    'Is there a way to track the card you sent me?',
    'The replacement card I asked for last Friday has not arrived.',
    "I'm still waiting for my card, can you check where it is?",
    'Please tell me when the card will be delivered.',
    'It has been 10 days and I do not have my card.',
    'Could you resend my card? The first one never came.',
  ].map((text) => ({ text, label: 'card_arrival', channel: 'app' })),
  ...[
    'I paid £25 at a shop in London but the payment is pending.',
    'Why is my payment of 40 euros to Amazon still pending?',
    'A card payment from yesterday still shows as pending.',
    'How long do pending payments usually stay pending?',
  ].map((text, i) => ({ id: `p${i}`, text, label: 'pending_payment' })),
  { id: 'x0', text: 'Please cancel the transfer I sent to John this morning.', label: 'cancel_transfer' },
  { id: 'x1', text: 'Can I still stop a transfer of $300 that I made by mistake?', label: 'cancel_transfer' },
];

function jsonl(rows: readonly object[]): string {
  return rows.map((r) => `${JSON.stringify(r)}\n`).join('');
}

let dir: string;
let run: (args: readonly string[]) => CliResult;

beforeAll(() => {
  dir = scratch('augment');
  run = (args) => runCli(dir, ['augment', ...args]);
  writeFileSync(join(dir, 'train.jsonl'), jsonl(TRAIN));
  // the same rows in another order
  writeFileSync(join(dir, 'shuffled.jsonl'), jsonl([...TRAIN.slice(9), ...TRAIN.slice(0, 9).reverse()]));
  writeFileSync(join(dir, 'eval.jsonl'), jsonl([{ text: 'Where is my card?', label: 'card_arrival' }]));
});

describe('tailcheck augment: output', { timeout: 300_000 }, () => {
  const args = ['--per-class', 'effective-number', '--beta', '0.9', '--copies', '2'];
  let first: string;
  let meaning: MeaningCheck;

  beforeAll(async () => {
    meaning = await openMeaningCheck();
  });
  afterAll(async () => {
    await meaning.close();
  });

  it('is byte-identical across runs and across input orders', () => {
    const a = run(['--data', 'train.jsonl', '--out', 'a.jsonl', ...args]);
    expect(a.stderr).toMatch(/16 rows in, 3 classes; \d+ copies written of 32 planned/);
    expect(a.code).toBe(0);
    const b = run(['--data', 'train.jsonl', '--out', 'b.jsonl', ...args]);
    const c = run(['--data', 'shuffled.jsonl', '--out', 'c.jsonl', ...args]);
    expect([b.code, c.code]).toEqual([0, 0]);
    first = readFileSync(join(dir, 'a.jsonl'), 'utf8');
    expect(first.split('\n').length).toBeGreaterThan(20);
    expect(readFileSync(join(dir, 'b.jsonl'), 'utf8')).toBe(first);
    expect(readFileSync(join(dir, 'c.jsonl'), 'utf8')).toBe(first);
    // another seed draws other copies
    expect(run(['--data', 'train.jsonl', '--out', 'd.jsonl', '--seed', '7', ...args]).code).toBe(0);
    expect(readFileSync(join(dir, 'd.jsonl'), 'utf8')).not.toBe(first);
  });

  it('writes training rows: the source fields with the text replaced, provenance, no text twice', () => {
    const rows = first
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown> & { augment: Record<string, unknown> });
    const sources = new Map(TRAIN.map((r) => [r.text, r]));
    const texts = new Set<string>();
    for (const row of rows) {
      const source = sources.get(row.augment.source as string)!;
      expect(source).toBeDefined();
      const { id, text: _text, ...fields } = source as Record<string, unknown>;
      const { text, augment, ...rest } = row;
      expect(rest).toEqual(fields);
      expect(augment.sourceId).toBe(id);
      expect(text).not.toBe(source.text);
      expect(sources.has(text as string)).toBe(false);
      expect(texts.has(text as string)).toBe(false);
      texts.add(text as string);
    }
    // the tail class gets more copies per row than the head (β = 0.9: 10 rows vs 2)
    const perRow = (label: string) =>
      rows.filter((r) => r.label === label).length / TRAIN.filter((r) => r.label === label).length;
    expect(perRow('cancel_transfer')).toBeGreaterThan(perRow('card_arrival'));
  });

  it('every written copy passes the meaning check (recomputed with the bundled encoder)', async () => {
    // the checked families only, so that most copies carry a similarity (natural is mostly typos)
    const r = run([
      '--data',
      'train.jsonl',
      '--out',
      'checked.jsonl',
      '--perturb',
      'synonym,paraphrase,entity',
      ...args,
    ]);
    expect(r.code).toBe(0);
    const registry = await loadRegistry();
    const rows = readFileSync(join(dir, 'checked.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { text: string; augment: Record<string, unknown> });
    let checked = 0;
    for (const row of rows) {
      const def = registry.get(row.augment.perturbation as string)!;
      const policy = meaningPolicyOf(def);
      if ('threshold' in policy) {
        const similarity = await meaning.similarity(row.augment.source as string, row.text);
        expect(row.augment.similarity).toBe(similarity);
        expect(similarity).toBeGreaterThanOrEqual(policy.threshold);
        checked++;
      } else {
        // exempt (typos, casing, distractors): written as the audit counts them, without a similarity
        expect(row.augment.similarity).toBeUndefined();
      }
    }
    expect(checked).toBeGreaterThan(10);
  });
});

/** A report on eval.jsonl whose per-class pooled break rates are `rates`. */
function writeReport(file: string, evalPath: string, rates: Record<string, number>): void {
  const report: Report = makeReport();
  report.config.data.path = evalPath;
  report.classes = Object.keys(rates).map((label) => ({ label, trainCount: 10, bucket: 'many' }));
  const pooled = report.summary.find((r) => r.perturbation === POOLED)!;
  const template: Metrics = Object.values(pooled.perClass)[0]!;
  pooled.perClass = Object.fromEntries(
    Object.entries(rates).map(([label, breakRate]) => [label, { ...template, n: 40, breakRate }]),
  );
  report.summary = [pooled];
  writeFileSync(join(dir, file), JSON.stringify(report));
}

describe('tailcheck augment --per-class fragility', { timeout: 120_000 }, () => {
  it("shares copies by the report's break rates: the class that broke most gets the most per row", () => {
    writeReport('report.json', 'eval.jsonl', { card_arrival: 0.6, pending_payment: 0.05 });
    const r = run([
      ...['--data', 'train.jsonl', '--out', 'frag.jsonl', '--perturb', 'typo'],
      ...['--per-class', 'fragility', '--report', 'report.json'],
    ]);
    expect(r.stderr).toContain(
      'fragility: mean measured break rate 0.325; 0 classes raised to the floor, 1 not measured by the report (given the mean)',
    );
    expect(r.code).toBe(0);
    const rows = readFileSync(join(dir, 'frag.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const perRow = (label: string) =>
      rows.filter((x) => x.label === label).length / TRAIN.filter((x) => x.label === label).length;
    expect(perRow('card_arrival')).toBeGreaterThan(perRow('cancel_transfer'));
    expect(perRow('cancel_transfer')).toBeGreaterThan(perRow('pending_payment'));
  });
});

describe('tailcheck augment: refusals (exit 2, nothing written)', { timeout: 120_000 }, () => {
  const refused = (args: readonly string[], message: string) => {
    const r = run(args);
    expect(r.stderr).toContain(message);
    expect(r.code).toBe(2);
    expect(existsSync(join(dir, 'never.jsonl'))).toBe(false);
  };

  it('--data is the evaluation file of --report: the same path, a symlink, or a copy with the same bytes', () => {
    writeReport('on-train.json', 'train.jsonl', { card_arrival: 0.5 });
    refused(
      ['--data', 'train.jsonl', '--out', 'never.jsonl', '--report', 'on-train.json'],
      '--data train.jsonl is the evaluation data of --report on-train.json (train.jsonl): refusing to augment the evaluation set',
    );
    symlinkSync(join(dir, 'train.jsonl'), join(dir, 'link.jsonl'));
    refused(
      ['--data', 'link.jsonl', '--out', 'never.jsonl', '--report', 'on-train.json'],
      'is the evaluation data',
    );
    mkdirSync(join(dir, 'copy'));
    copyFileSync(join(dir, 'train.jsonl'), join(dir, 'copy', 'train.jsonl'));
    refused(
      [
        '--data',
        'copy/train.jsonl',
        '--out',
        'never.jsonl',
        '--report',
        'on-train.json',
        '--per-class',
        'uniform',
      ],
      'has the same contents (sha256) as the evaluation data',
    );
    // the report's path is relative to where the audit ran; beside the report counts too
    mkdirSync(join(dir, 'reports'));
    writeReport(join('reports', 'r.json'), 'data.jsonl', { card_arrival: 0.5 });
    copyFileSync(join(dir, 'train.jsonl'), join(dir, 'reports', 'data.jsonl'));
    refused(['--data', 'train.jsonl', '--out', 'never.jsonl', '--report', 'reports/r.json'], 'same contents');
  });

  it('--out is --data; fragility without --report; an unknown --per-class; --copies above --max-copies', () => {
    refused(['--data', 'train.jsonl', '--out', 'train.jsonl'], 'is the same file as --data train.jsonl');
    refused(
      ['--data', 'train.jsonl', '--out', 'never.jsonl', '--per-class', 'fragility'],
      '--per-class fragility needs --report',
    );
    refused(['--data', 'train.jsonl', '--out', 'never.jsonl', '--per-class', 'rare'], 'Invalid values');
    refused(
      ['--data', 'train.jsonl', '--out', 'never.jsonl', '--copies', '12'],
      '--copies must be > 0 and ≤ --max-copies (10), got 12',
    );
    refused(
      ['--data', 'train.jsonl', '--out', 'never.jsonl', '--perturb', 'directional.negate'],
      'changes the meaning',
    );
  });

  it('warns when the report names an evaluation file it cannot find, and runs', () => {
    writeReport('elsewhere.json', 'gone/eval.jsonl', { card_arrival: 0.5 });
    const r = run([
      '--data',
      'train.jsonl',
      '--out',
      'w.jsonl',
      '--report',
      'elsewhere.json',
      '--perturb',
      'typo',
    ]);
    expect(r.stderr).toContain('its evaluation file gone/eval.jsonl was not found');
    expect(r.code).toBe(0);
  });
});

describe('tailcheck augment --help', { timeout: 60_000 }, () => {
  it('lists the flags and an example of each policy', () => {
    const r = run(['--help']);
    expect(r.code).toBe(0);
    for (const flag of [
      '--data',
      '--out',
      '--per-class',
      '--copies',
      '--max-copies',
      '--beta',
      '--report',
      '--perturb',
    ]) {
      expect(r.stdout).toContain(flag);
    }
    expect(r.stdout).toContain('--per-class fragility --report report.json');
    expect(r.stdout).toContain('--per-class effective-number --copies 2');
    expect(r.stdout).not.toContain('--meaning-check');
  });
});
