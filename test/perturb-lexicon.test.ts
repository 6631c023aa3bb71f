/**
 * User lexicons (`--lexicon FILE.yaml`, a suite's `lexicons`, `perturbationOptions.lexicon`): the file
 * format, unknown entries refused with the list of real ones, the user's list replacing only the entry
 * it names, and the report recording which entries a run replaced.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors.ts';
import {
  checkLexiconKeys,
  LEXICON_OPTION,
  lexiconDigest,
  lexiconEntry,
  lexiconKeys,
  toLexicon,
} from '../src/perturb/lexicon.ts';
import { loadRegistry } from '../src/perturb/registry.ts';
import { runCli, scratch, writeBundledQueries } from './cli-helpers.ts';

describe('lexicon format', () => {
  it('takes a bare map or the suite form under `lexicons:`, deduplicating and trimming items', () => {
    expect(toLexicon({ 'distractor.handle': [' @a ', '@a', '@b'] }, 'x')).toEqual({
      'distractor.handle': ['@a', '@b'],
    });
    expect(toLexicon({ lexicons: { 'distractor.url': ['example.org'] } }, 'x')).toEqual({
      'distractor.url': ['example.org'],
    });
  });

  it('refuses what is not a map of non-empty string lists, naming the entry', () => {
    expect(() => toLexicon(['a'], 'f.yaml')).toThrow(UsageError);
    expect(() => toLexicon({ k: [] }, 'f.yaml')).toThrow(/entry "k" must be a non-empty list/);
    expect(() => toLexicon({ k: ['ok', ''] }, 'f.yaml')).toThrow(/empty or non-string item/);
    expect(() => toLexicon({ k: 'word' }, 'f.yaml')).toThrow(/entry "k"/);
  });

  it('replaces only the entry the user gives', () => {
    const options = { [LEXICON_OPTION]: toLexicon({ 'distractor.url': ['example.org'] }, 'x') };
    expect(lexiconEntry(options, 'distractor.url', ['bundled.org'])).toEqual(['example.org']);
    expect(lexiconEntry(options, 'distractor.handle', ['@bundled'])).toEqual(['@bundled']);
    expect(lexiconEntry({}, 'distractor.url', ['bundled.org'])).toEqual(['bundled.org']);
  });

  it('digests entries independently of their order in the file', () => {
    expect(lexiconDigest({ a: ['1'], b: ['2'] })).toBe(lexiconDigest({ b: ['2'], a: ['1'] }));
    expect(lexiconDigest({ a: ['1'] })).not.toBe(lexiconDigest({ a: ['2'] }));
  });
});

describe('lexicon entries come from the perturbations', () => {
  it('lists every entry a registered perturbation declares, and refuses any other', async () => {
    const defs = (await loadRegistry()).list();
    const keys = lexiconKeys(defs);
    expect(keys.get('distractor.url')?.perturbations).toEqual(['distractor.context']);
    expect(() => checkLexiconKeys({ 'distractor.urls': ['x'] }, defs, '--lexicon f.yaml')).toThrow(
      /no perturbation reads "distractor.urls"; the entries are: .*distractor.url/,
    );
  });
});

describe('--lexicon on the command line', () => {
  it('perturb uses the file, and an unknown entry is a usage error (exit 2)', () => {
    const dir = scratch('lexicon');
    writeFileSync(join(dir, 'lex.yaml'), 'distractor.handle: ["@lexicon_handle"]\n');
    writeFileSync(join(dir, 'bad.yaml'), 'distractor.handles: ["@x"]\n');
    const ok = runCli(dir, [
      'perturb',
      'I moved house last month',
      '--perturb',
      'distractor.context',
      '--severity',
      '1',
      '--variants',
      '6',
      '--lexicon',
      'lex.yaml',
    ]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('@lexicon_handle');
    const bad = runCli(dir, [
      'perturb',
      'hello there',
      '--perturb',
      'distractor.context',
      '--lexicon',
      'bad.yaml',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no perturbation reads "distractor.handles"/);
  });

  it('audit records the entries it replaced in config.lexicon', () => {
    const dir = scratch('lexicon-audit');
    writeBundledQueries(join(dir, 'q.jsonl'), 6);
    writeFileSync(join(dir, 'lex.yaml'), 'lexicons:\n  distractor.handle: ["@lexicon_handle"]\n');
    const r = runCli(dir, [
      'audit',
      '--data',
      'q.jsonl',
      '--perturb',
      'distractor.context',
      '--severity',
      '1',
      '--lexicon',
      'lex.yaml',
      '--json',
      'r.json',
      '--quiet',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
    expect(report.config.lexicon).toEqual({
      entries: ['distractor.handle'],
      sha256: lexiconDigest({ 'distractor.handle': ['@lexicon_handle'] }),
    });
  });
});
