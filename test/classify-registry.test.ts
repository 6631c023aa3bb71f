import { describe, expect, it } from 'vitest';
import { BACKENDS } from '../src/classify/backends/index.ts';
import { BACKEND_OPTIONS, modelOptionsSchema } from '../src/classify/load.ts';
import { backendCliOptions, backendOptionsFromCli } from '../src/cli/parse.ts';
import { reportOutputOptions } from '../src/cli/report-output.ts';

describe('backend registry', () => {
  it('dispatches in priority order, the transformers.js fallback last', () => {
    expect(BACKENDS.map((b) => b.name)).toEqual(['http', 'cmd', 'module', 'transformers']);
    const first = (spec: string) => BACKENDS.find((b) => b.matches(spec))!.name;
    expect(first('cmd:python x.py')).toBe('cmd');
    expect(first('HTTPS://host/predict')).toBe('http');
    expect(first('./model.mts')).toBe('module');
    expect(first('')).toBe('transformers');
    expect(first('org/name')).toBe('transformers');
  });

  it('declares each option once, shared options where they first appear', () => {
    const keys = BACKEND_OPTIONS.map((o) => o.key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('derives the CLI flags and their conversion from the declarations', () => {
    expect(Object.keys(backendCliOptions('model'))).toEqual([
      'labels',
      'http-map',
      'header',
      'timeout',
      'retries',
      'model-version',
      'model-files',
      'prediction',
      'scores',
      'threads',
    ]);
    expect(Object.keys(backendCliOptions('run'))).toEqual(['dtype']);
    expect(backendOptionsFromCli({ header: ['Authorization: Bearer x'], timeout: 5 }, 'model')).toMatchObject(
      {
        httpHeaders: { Authorization: 'Bearer x' },
        timeoutMs: 5,
      },
    );
  });

  it("validates a suite's modelOptions as the backends declare them", () => {
    const ok = { labels: ['a', 'b'], timeoutMs: 1000, httpHeaders: { 'x-key': 'v' }, dtype: 'q8' };
    expect(modelOptionsSchema.parse(ok)).toEqual(ok);
    expect(modelOptionsSchema.safeParse({ retries: -1 }).success).toBe(false);
    expect(modelOptionsSchema.safeParse({ dtype: 'fp16' }).success).toBe(false);
    expect(modelOptionsSchema.parse({ prediction: 'label', scores: 'logits' })).toEqual({
      prediction: 'label',
      scores: 'logits',
    });
    expect(modelOptionsSchema.safeParse({ prediction: 'top1' }).success).toBe(false);
    // the runner's options come from the suite run, not from modelOptions
    expect(modelOptionsSchema.safeParse({ batchSize: 8 }).success).toBe(false);
  });
});

describe('report format registry', () => {
  it('offers JUnit only to commands that evaluate gates', () => {
    expect(Object.keys(reportOutputOptions({ merged: false, gates: true }))).toEqual([
      'json',
      'md',
      'md-summary',
      'html',
      'junit',
      'mitigation-out',
    ]);
    const merge = reportOutputOptions({ merged: true, gates: false });
    expect(Object.keys(merge)).toEqual(['json', 'md', 'md-summary', 'html', 'mitigation-out']);
    expect(merge.json).toEqual({
      type: 'string',
      nargs: 1,
      describe: 'Write the merged JSON report to a file, or - for stdout',
    });
  });
});
