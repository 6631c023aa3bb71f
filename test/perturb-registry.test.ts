import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors.ts';
import {
  createRegistry,
  hasSeverity,
  loadRegistry,
  loadRegistryFrom,
  planSeverities,
  severitiesOf,
  skippedSeveritiesMessage,
  validateDefinition,
} from '../src/perturb/registry.ts';
import type { PerturbationDefinition } from '../src/types.ts';

const SEV = { 1: 'a', 2: 'b', 3: 'c' };

function def(name: string, extra: Partial<PerturbationDefinition> = {}): PerturbationDefinition {
  return {
    name,
    family: name.split('.')[0] as PerturbationDefinition['family'],
    tag: 'natural',
    description: `${name} fixture`,
    severities: SEV,
    ...(name.startsWith('typo.') ? {} : { meaning: { threshold: 0.5 } }),
    apply: () => [],
    ...extra,
  };
}

describe('the bundled registry', () => {
  it('discovers every typo perturbation, sorted by name, and caches itself', async () => {
    const registry = await loadRegistry();
    const names = registry.list().map((d) => d.name);
    expect(names).toEqual([...names].sort());
    for (const kind of [
      'keyboard',
      'swap',
      'delete',
      'insert',
      'repeat',
      'split',
      'merge',
      'ocr',
      'homoglyph',
      'misspelling',
    ]) {
      expect(names).toContain(`typo.${kind}`);
    }
    expect(await loadRegistry()).toBe(registry);
    expect(registry.get('typo.keyboard')?.family).toBe('typo');
    expect(registry.get('typo.nope')).toBeUndefined();
  });

  it('documents every declared severity of every perturbation, level 1 always', async () => {
    const defs = (await loadRegistry()).list();
    for (const d of defs) {
      expect(Object.keys(d.severities).sort()).toEqual(severitiesOf(d).map(String));
      expect(severitiesOf(d)[0], d.name).toBe(1);
      for (const s of severitiesOf(d)) expect(d.severities[s]!.trim(), `${d.name} ${s}`).not.toBe('');
    }
    // a clause swap is all a sentence allows: one level, not three copies of it
    expect(severitiesOf(defs.find((d) => d.name === 'paraphrase.reorder')!)).toEqual([1]);
  });
});

describe('resolve', () => {
  const registry = createRegistry([
    def('typo.b'),
    def('typo.a'),
    def('synonym.wordnet', { heavy: true }),
    def('paraphrase.model', { needsModel: true }),
    def('paraphrase.rules'),
  ]);
  const names = (spec: string | string[], includeNeedsModel?: boolean) =>
    registry.resolve(spec, { includeNeedsModel }).map((d) => d.name);

  it('accepts exact names, families, family.*, all and comma lists, deduplicated and sorted', () => {
    expect(names('typo.b')).toEqual(['typo.b']);
    expect(names('typo')).toEqual(['typo.a', 'typo.b']);
    expect(names('typo.*')).toEqual(['typo.a', 'typo.b']);
    expect(names('typo.b, synonym ,typo.b')).toEqual(['synonym.wordnet', 'typo.b']);
    expect(names(['typo.a', 'synonym.wordnet,typo'])).toEqual(['synonym.wordnet', 'typo.a', 'typo.b']);
    expect(names('TYPO.A')).toEqual(['typo.a']);
  });

  it('leaves needsModel perturbations out of family and all selections unless named', () => {
    expect(names('all')).toEqual(['paraphrase.rules', 'synonym.wordnet', 'typo.a', 'typo.b']);
    expect(names('paraphrase')).toEqual(['paraphrase.rules']);
    expect(names('paraphrase.model')).toEqual(['paraphrase.model']);
    expect(names('all', true)).toContain('paraphrase.model');
  });

  it('selects by tag, as a union with names and families', () => {
    const tagged = createRegistry([
      def('typo.a'),
      def('typo.ocr', { tag: 'synthetic' }),
      def('typo.glyph', { tag: 'synthetic' }),
      def('synonym.b'),
      def('paraphrase.model', { needsModel: true }),
    ]);
    const pick = (spec: string) => tagged.resolve(spec).map((d) => d.name);
    expect(pick('synthetic')).toEqual(['typo.glyph', 'typo.ocr']);
    expect(pick('natural')).toEqual(['synonym.b', 'typo.a']);
    expect(pick('natural,typo.ocr')).toEqual(['synonym.b', 'typo.a', 'typo.ocr']);
    expect(pick('typo')).toEqual(['typo.a', 'typo.glyph', 'typo.ocr']);
    expect(pick('synonym, Synthetic')).toEqual(['synonym.b', 'typo.glyph', 'typo.ocr']);
    expect(() => createRegistry([def('typo.a')]).resolve('synthetic')).toThrow(/no perturbation is tagged/);
  });

  it('rejects unknown names with a UsageError that lists the valid ones', () => {
    expect(() => registry.resolve('typo.nope')).toThrow(UsageError);
    expect(() => registry.resolve('typo.nope')).toThrow(
      /Valid: all, natural, synthetic, paraphrase, synonym, typo, paraphrase\.model/,
    );
    expect(() => registry.resolve(' , ')).toThrow(UsageError);
  });

  it('says so when a family has only model-backed members', () => {
    const onlyModel = createRegistry([def('paraphrase.model', { needsModel: true })]);
    expect(() => onlyModel.resolve('paraphrase')).toThrow(/needs a model.*paraphrase\.model/);
  });
});

describe('validateDefinition', () => {
  it('accepts a well-formed definition', () => {
    expect(validateDefinition(def('typo.x'), 'typo', 'x', 'x.ts').name).toBe('typo.x');
  });

  it('accepts a fairness slice, and refuses one on a directional transform', () => {
    const gender = def('entity.gender', { fairness: 'gender' });
    expect(validateDefinition(gender, 'entity', 'gender', 'gender.ts').fairness).toBe('gender');
    const negate = def('directional.negate', { directional: true, fairness: 'negation' });
    expect(() => validateDefinition(negate, 'directional', 'negate', 'negate.ts')).toThrow(
      /directional transform cannot declare a fairness slice/,
    );
  });

  it.each([
    ['no export', undefined, /no default-exported/],
    ['name not matching the file', def('typo.y'), /does not match its file/],
    ['family not matching the folder', { ...def('typo.x'), family: 'synonym' }, /does not match its folder/],
    [
      'a missing level 1',
      { ...def('typo.x'), severities: { 2: 'b', 3: 'c' } },
      /severity 1 is not documented/,
    ],
    ['an undocumented declared level', { ...def('typo.x'), severities: { 1: 'a', 3: ' ' } }, /severity 3/],
    ['a level that does not exist', { ...def('typo.x'), severities: { 1: 'a', 4: 'd' } }, /"4" is not one/],
    ['an empty description', { ...def('typo.x'), description: ' ' }, /description/],
    ['no apply', { ...def('typo.x'), apply: undefined }, /apply/],
    [
      'a fairness slice that is not a lowercase word',
      def('typo.x', { fairness: 'Gender' }),
      /fairness must be a lowercase word/,
    ],
    [
      'a fairness slice of two words',
      def('typo.x', { fairness: 'skin colour' }),
      /fairness must be a lowercase word/,
    ],
    [
      'a fairness slice that is not a string',
      { ...def('typo.x'), fairness: 1 },
      /fairness must be a lowercase word/,
    ],
  ])('rejects %s', (_why, value, message) => {
    expect(() => validateDefinition(value, 'typo', 'x', 'perturbations/typo/x.ts')).toThrow(message);
  });
});

describe('loadRegistryFrom (discovery)', () => {
  const root = mkdtempSync(join(tmpdir(), 'tailcheck-registry-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const moduleSource = (name: string, family: string) =>
    `export default { name: '${name}', family: '${family}', tag: 'natural', ${family === 'typo' ? '' : 'meaning: { threshold: 0.8 }, '}description: 'd', severities: { 1: 'a', 2: 'b', 3: 'c' }, apply: () => [] };\n`;

  function tree(name: string, files: Record<string, string>): string {
    const dir = join(root, name);
    for (const [path, source] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), source);
    }
    return dir;
  }

  it('loads modules from family folders and skips tests, helpers, declarations and goldens', async () => {
    const dir = tree('ok', {
      'typo/a.js': moduleSource('typo.a', 'typo'),
      'typo/b.mjs': moduleSource('typo.b', 'typo'),
      'typo/a.test.js': 'throw new Error("a test file must not be imported")',
      'typo/_helpers.js': 'throw new Error("a helper must not be imported")',
      'typo/a.d.ts': 'export {};',
      'typo/a.golden.json': '{}',
      'synonym/w.js': moduleSource('synonym.w', 'synonym'),
      'README.md': '# not a folder',
    });
    const registry = await loadRegistryFrom(dir);
    expect(registry.list().map((d) => d.name)).toEqual(['synonym.w', 'typo.a', 'typo.b']);
  });

  it('fails loudly, naming the file, on a malformed module', async () => {
    const dir = tree('bad', { 'typo/x.js': moduleSource('typo.y', 'typo') });
    await expect(loadRegistryFrom(dir)).rejects.toThrow(/typo\/x\.js.*expected "typo\.x"/);
  });
});

describe('declared severities', () => {
  const full = def('typo.full');
  const one = def('paraphrase.one', { severities: { 1: 'the one swap a sentence allows' } });
  const twoOfThree = def('synonym.two', { severities: { 1: 'a', 3: 'c' } });

  it('lists only the declared levels, ascending', () => {
    expect(severitiesOf(full)).toEqual([1, 2, 3]);
    expect(severitiesOf(one)).toEqual([1]);
    expect(severitiesOf(twoOfThree)).toEqual([1, 3]);
    expect(hasSeverity(twoOfThree, 2)).toBe(false);
    expect(hasSeverity(twoOfThree, 3)).toBe(true);
    expect(validateDefinition(one, 'paraphrase', 'one', 'one.ts')).toBe(one);
  });

  it('all = every level each perturbation declares, with nothing skipped', () => {
    expect(planSeverities([one], 'all')).toEqual({ severities: [1], skipped: [] });
    expect(planSeverities([one, twoOfThree], 'all')).toEqual({ severities: [1, 3], skipped: [] });
    expect(planSeverities([one, full], 'all')).toEqual({ severities: [1, 2, 3], skipped: [] });
  });

  it('a level only some declare runs for those and names the skipped pairs', () => {
    const plan = planSeverities([full, one, twoOfThree], [3, 2]);
    expect(plan.severities).toEqual([2, 3]);
    expect(plan.skipped).toEqual([
      { perturbation: 'paraphrase.one', severity: 2 },
      { perturbation: 'paraphrase.one', severity: 3 },
      { perturbation: 'synonym.two', severity: 2 },
    ]);
    expect(skippedSeveritiesMessage(plan.skipped)).toBe(
      'not run, the perturbation has no such level: paraphrase.one at severity 2, 3; synonym.two at severity 2 (--severity all runs every level each perturbation has)',
    );
  });

  it('a level none of the selection declares is a usage error naming them', () => {
    expect(() => planSeverities([one, twoOfThree], [2])).toThrow(UsageError);
    expect(() => planSeverities([one, twoOfThree], [1, 2])).toThrow(
      /no selected perturbation has severity 2; their levels: paraphrase\.one \(1\), synonym\.two \(1, 3\)/,
    );
    expect(planSeverities([one], [1])).toEqual({ severities: [1], skipped: [] });
  });
});
